"""FastAPI dependencies shared by the API and the pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import User
from hub.state import HubState

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def state_of(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


async def get_state(request: Request) -> HubState:
    # async: FastAPI runs a plain `def` dependency in a worker thread, on every request.
    return state_of(request)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with state_of(request).sessions() as session:
        yield session


StateDep = Annotated[HubState, Depends(get_state)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def _user_from_token(
    state: HubState, session: AsyncSession, token: str | None
) -> User | None:
    if not token:
        return None
    found = state.tokens.user_id(token)
    if found is None:
        return None
    user = await session.get(User, found[0])
    if user is None or not user.is_active or not state.tokens.still_valid(user, found[1]):
        return None
    return user


async def optional_api_user(
    state: StateDep, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    return await _user_from_token(state, session, token)


async def api_user(user: Annotated[User | None, Depends(optional_api_user)]) -> User:
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "sign in first: POST /api/v1/auth/token, then send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(api_user)]
OptionalUser = Annotated[User | None, Depends(optional_api_user)]


def require_roles(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"your role ({user.role}) may not do this; needs {', '.join(roles)}",
        )
