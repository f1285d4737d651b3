"""API sign-in: OAuth2 password form to a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.auth.passwords import verify_password
from hub.deps import SessionDep, StateDep
from hub.models import User

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = (
        await session.scalars(
            select(User).where(func.lower(col(User.email)) == email.strip().lower())
        )
    ).first()
    if not verify_password(user.password_hash if user else None, password):
        return None
    return user if user and user.is_active else None


@router.post("/token", response_model=Token)
async def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, state: StateDep
) -> Token:
    user = await authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong e-mail or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=state.tokens.issue(user))
