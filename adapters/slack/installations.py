"""Multi-workspace installs: Slack's OAuth installation store and state store on the project database.

One table, `slack_installations` (migration 0002): per workspace the latest bot and the latest install,
and each installing user's. Rotated tokens are saved by Bolt through `async_save`. Tokens are never
logged; they are stored as the installation JSON Slack gave us, like slack_sdk's own stores do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot as SlackBot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import Store

metadata = MetaData()
installations = Table(
    "slack_installations",
    metadata,
    Column("kind", String(8), primary_key=True),  # "bot" or "install"
    Column("enterprise_id", String(64), primary_key=True),
    Column("team_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),  # "" for the latest of the workspace
    Column("data", Text, nullable=False),
    Column("installed_at", DateTime(timezone=True), nullable=False),
)


def _key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str, str]:
    return enterprise_id or "", "" if is_enterprise_install else team_id or ""


class SqlInstallationStore(AsyncInstallationStore):
    """Bolt's installation store on the project's SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @property
    def logger(self) -> Any:
        import logging

        return logging.getLogger(__name__)

    async def async_save(self, installation: Installation) -> None:
        """Save an install (or a token rotation) as the latest for its workspace and its user."""
        e_id, t_id = _key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        data = json.dumps(installation.__dict__)
        rows = [("install", ""), ("install", installation.user_id or "")]
        if installation.bot_token:
            rows.append(("bot", ""))
            bot_data = json.dumps(installation.to_bot().__dict__)
        async with self.engine.begin() as conn:
            for kind, user in dict.fromkeys(rows):
                await self._put(conn, kind, e_id, t_id, user, bot_data if kind == "bot" else data)

    async def async_save_bot(self, bot: SlackBot) -> None:
        e_id, t_id = _key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        async with self.engine.begin() as conn:
            await self._put(conn, "bot", e_id, t_id, "", json.dumps(bot.__dict__))

    async def _put(self, conn: Any, kind: str, e_id: str, t_id: str, user: str, data: str) -> None:
        where = self._where(kind, e_id, t_id, user)
        await conn.execute(delete(installations).where(where))
        await conn.execute(
            insert(installations).values(
                kind=kind,
                enterprise_id=e_id,
                team_id=t_id,
                user_id=user,
                data=data,
                installed_at=datetime.now(UTC),
            )
        )

    @staticmethod
    def _where(kind: str, e_id: str, t_id: str, user: str | None) -> Any:
        c = installations.c
        clauses = [c.kind == kind, c.enterprise_id == e_id, c.team_id == t_id]
        if user is not None:
            clauses.append(c.user_id == user)
        return and_(*clauses)

    async def _get(self, kind: str, e_id: str, t_id: str, user: str) -> dict[str, Any] | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(installations.c.data).where(self._where(kind, e_id, t_id, user)))
            ).first()
        return json.loads(row[0]) if row else None

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> SlackBot | None:
        data = await self._get("bot", *_key(enterprise_id, team_id, is_enterprise_install), "")
        return SlackBot(**data) if data else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        e_id, t_id = _key(enterprise_id, team_id, is_enterprise_install)
        data = await self._get("install", e_id, t_id, user_id or "")
        if data is None:
            return None
        found = Installation(**data)
        latest = await self.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if latest is not None and found.bot_token != latest.bot_token:  # a rotated bot token wins
            found.bot_token, found.bot_refresh_token = latest.bot_token, latest.bot_refresh_token
            found.bot_token_expires_at = latest.bot_token_expires_at
            found.bot_id, found.bot_user_id, found.bot_scopes = (
                latest.bot_id,
                latest.bot_user_id,
                latest.bot_scopes,
            )
        return found

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete("bot", enterprise_id, team_id, None)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self._delete("install", enterprise_id, team_id, user_id)

    async def _delete(
        self, kind: str, enterprise_id: str | None, team_id: str | None, user: str | None
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(installations).where(self._where(kind, enterprise_id or "", team_id or "", user))
            )

    async def count(self, team_id: str) -> int:
        """How many rows a workspace has (for tests and diagnostics)."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(installations.c.kind).where(installations.c.team_id == team_id))
            return len(rows.all())


class SignedStateStore(AsyncOAuthStateStore):
    """OAuth `state`: an HMAC-signed random token with a timestamp, usable once (claimed in the store)."""

    def __init__(self, secret: str, store: Store, expiration_s: int = 600) -> None:
        self._secret = secret.encode()
        self._store = store
        self._expiration_s = expiration_s

    @property
    def logger(self) -> Any:
        import logging

        return logging.getLogger(__name__)

    def _mac(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        payload = f"{secrets.token_urlsafe(16)}.{int(time.time())}"
        return f"{payload}.{self._mac(payload)}"

    async def async_consume(self, state: str) -> bool:
        payload, _, mac = state.rpartition(".")
        issued = payload.rpartition(".")[2]
        if not payload or not hmac.compare_digest(self._mac(payload), mac) or not issued.isdigit():
            return False
        if time.time() - int(issued) > self._expiration_s:
            return False
        return await self._store.claim_once(f"slack:oauth-state:{payload}")
