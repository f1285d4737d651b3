"""What a running hub holds: settings, database, keys."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from channels.base import ChannelAdapter
from hub.auth.tokens import Tokens
from hub.db import make_engine, make_sessionmaker
from hub.intake.service import IntakeContext
from hub.privacy import Vault
from hub.settings import Settings
from hub.triage.service import LexiconCache

if TYPE_CHECKING:
    from hub.jobs import Jobs


@dataclass
class HubState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    vault: Vault
    tokens: Tokens
    channels: dict[str, ChannelAdapter] = field(default_factory=dict)
    jobs: Jobs | None = None
    lexicons: LexiconCache = field(default_factory=LexiconCache)
    _nudges: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    def build(cls, settings: Settings) -> HubState:
        from channels.registry import build_adapters

        engine = make_engine(settings)
        secret = settings.secret_key.get_secret_value()
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            vault=Vault(secret),
            tokens=Tokens(secret, settings.token_ttl_seconds),
            channels=build_adapters(settings),
        )

    async def outbox_ready(self, item_ids: list[int]) -> None:
        """Nudge delivery after a commit, without making the citizen's request wait.

        Losing a nudge loses nothing: the items are in the database and the
        next sweep delivers them.
        """
        if self.jobs is None or not item_ids:
            return
        task = asyncio.get_running_loop().create_task(self.jobs.outbox_ready(item_ids))
        self._nudges.add(task)
        task.add_done_callback(self._nudges.discard)

    def intake_context(
        self, actor: str = "citizen", created_by_id: int | None = None
    ) -> IntakeContext:
        return IntakeContext(
            vault=self.vault,
            reference_prefix=self.settings.reference_prefix,
            attachments_dir=self.settings.attachments_path,
            actor=actor,
            created_by_id=created_by_id,
            lexicons=self.lexicons,
        )
