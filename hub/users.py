"""Staff accounts."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.auth.passwords import hash_password
from hub.models import Role, Structure, User

STRUCTURE_ROLES = {Role.officer}


class UserError(ValueError):
    pass


async def create_user(
    session: AsyncSession,
    email: str,
    password: str,
    role: str,
    structure_code: str | None = None,
    full_name: str = "",
    language: str = "ar",
) -> User:
    if role not in Role.__members__:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(Role.__members__)}")
    if len(password) < 10:
        raise UserError("the password must have at least 10 characters")
    if "@" not in email:
        raise UserError(f"{email!r} is not an e-mail address")
    taken = await session.scalar(
        select(col(User.id)).where(func.lower(col(User.email)) == email.lower())
    )
    if taken is not None:
        raise UserError(f"a user with e-mail {email} already exists")
    structure_id = None
    if role == Role.investigator and structure_code is None:
        structure_code = "anti-corruption-cell"
    if structure_code:
        structure_id = await session.scalar(
            select(col(Structure.id)).where(col(Structure.code) == structure_code)
        )
        if structure_id is None:
            raise UserError(f"no public structure with code {structure_code!r}")
    elif role in STRUCTURE_ROLES:
        raise UserError("an officer belongs to one public structure: give --structure CODE")
    user = User(
        email=email.strip(),
        password_hash=hash_password(password),
        role=role,
        structure_id=structure_id,
        full_name=full_name,
        language=language,
    )
    session.add(user)
    await session.commit()
    return user


async def supervisors(session: AsyncSession) -> list[User]:
    """The active supervisors: told of petitions that pass the threshold and of reveals."""
    query = select(User).where(col(User.is_active), col(User.role) == Role.supervisor)
    return list((await session.scalars(query)).all())
