"""API sign-in: OAuth2 password form to a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.auth.passwords import password_matches
from hub.deps import SessionDep, StateDep
from hub.models import User
from hub.settings import Settings
from hub.throttle import Locked, count_failure, key_for, refuse_if_locked

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


async def authenticate(
    session: AsyncSession, settings: Settings, email: str, password: str
) -> User | None:
    """The active user with this e-mail and password; Locked after repeated failures."""
    address = email.strip().lower()
    key = key_for("sign-in", address)
    await refuse_if_locked(session, key)
    query = select(User).where(func.lower(col(User.email)) == address)
    user = (await session.scalars(query)).first()
    matches = await password_matches(user.password_hash if user else None, password)
    if not matches or user is None or not user.is_active:
        await count_failure(
            session, key, settings.sign_in_max_failures, settings.sign_in_lock_seconds
        )
        return None
    return user


@router.post("/token", response_model=Token)
async def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, state: StateDep
) -> Token:
    try:
        user = await authenticate(session, state.settings, form.username, form.password)
    except Locked as locked:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            str(locked),
            headers={"Retry-After": str(locked.retry_after)},
        ) from None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong e-mail or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=state.tokens.issue(user))
