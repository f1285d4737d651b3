"""What a running hub holds: settings, database, keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.auth.tokens import Tokens
from hub.db import make_engine, make_sessionmaker
from hub.intake.service import IntakeContext
from hub.privacy import Vault
from hub.settings import Settings


@dataclass
class HubState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    vault: Vault
    tokens: Tokens

    @classmethod
    def build(cls, settings: Settings) -> HubState:
        engine = make_engine(settings)
        secret = settings.secret_key.get_secret_value()
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            vault=Vault(secret),
            tokens=Tokens(secret, settings.token_ttl_seconds),
        )

    def intake_context(
        self, actor: str = "citizen", created_by_id: int | None = None
    ) -> IntakeContext:
        return IntakeContext(
            vault=self.vault,
            reference_prefix=self.settings.reference_prefix,
            attachments_dir=self.settings.attachments_path,
            actor=actor,
            created_by_id=created_by_id,
        )
