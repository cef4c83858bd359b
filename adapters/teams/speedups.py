"""Per-message costs inside botbuilder, removed when Teams is built.

CloudAdapter builds a new ConnectorClient for every turn: a new msrest pipeline (its retry policy alone
compared about 500,000 status codes), a new HTTP session and a new TCP connection to the Bot Connector for
every reply. `ReusedConnectors` keeps one client per (app id, service URL, audience), as botbuilder's older
BotFrameworkAdapter did. Each client sends through the server's one `ConnectorTransport` (an aiohttp
session on the event loop, adapters/teams/transport.py), so sharing a client across turns is safe, and its
credentials refresh their own tokens.

Each reply's body is then built by msrest's `Serializer.body`, which first deserializes the Activity it is
given (a model already) and then serializes it, walking the card's whole content key by key in both
directions: about 2-3 ms for one Adaptive Card, the largest cost of a Teams message. `PlainBodySerializer`
writes a model whose fields are all plain JSON (text, numbers, flags, nested models, lists of them, and
JSON-shaped content) straight to the same dict, and hands anything else (dates, enums, odd values) to msrest.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from botframework.connector.auth import AuthenticationConstants, ConnectorFactory
from cachetools import LRUCache
from msrest import Serializer
from msrest.serialization import Model

from adapters.teams.transport import ConnectorTransport

CONNECTORS_KEPT = 64  # service URLs are a handful per cloud region; the bound only guards against abuse


def app_id_of_claims(claims_identity: Any) -> str:
    """The bot's app id in a request's claims (audience from a channel, appid from the Emulator)."""
    value = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(value or "")


class ReusedConnectors(ConnectorFactory):  # type: ignore[misc]
    """A ConnectorFactory that hands out the same ConnectorClient for the same target."""

    def __init__(
        self,
        inner: Any,
        app_id: str,
        kept: LRUCache[tuple[str, str, str], Any],
        transport: ConnectorTransport,
    ) -> None:
        self._inner = inner
        self._app_id = app_id
        self._kept = kept
        self._transport = transport

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (self._app_id, service_url, audience or "")
        client = self._kept.get(key)
        if client is None:
            client = self._kept[key] = await self._inner.create(service_url, audience)
            plain_bodies(client)
            self._transport.install(client)
        return client


def plain_bodies(client: Any) -> None:
    """Let a ConnectorClient's operations build request bodies with PlainBodySerializer."""
    serializer = PlainBodySerializer(client._serialize.dependencies)  # type: ignore[no-untyped-call]
    for group in (client.conversations, client.attachments):
        group._serialize = serializer


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_SCALARS = {"str": str, "bool": bool, "int": int, "float": float}


class PlainBodySerializer(Serializer):
    """msrest's Serializer, with a direct path for request bodies that are plain models (see above)."""

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if not kwargs and isinstance(data, Model) and type(data) is self.dependencies.get(data_type):
            plain = self._plain_model(data)
            if plain is not None:
                return plain
        return super().body(data, data_type, **kwargs)  # type: ignore[no-untyped-call]

    def _plain_model(self, model: Any) -> dict[str, Any] | None:
        """The model as msrest would write it, or None when a field needs msrest's own rules."""
        out: dict[str, Any] = {}
        validation = type(model)._validation
        for attr, desc in type(model)._attribute_map.items():
            value = getattr(model, attr, None)
            if value is None:
                continue
            key, kind = desc["key"], desc["type"]
            if "." in key or attr == "additional_properties" or attr in validation:
                return None  # flattened, free-form or constrained fields: msrest's own rules apply
            if kind == "object":
                if not _plain(value):
                    return None
                out[key] = value
            elif kind.startswith("[") and kind.endswith("]") and type(value) is list:
                items = [self._plain_value(item, kind[1:-1]) for item in value]
                if any(item is None for item in items):
                    return None
                out[key] = items
            else:
                nested = self._plain_value(value, kind)
                if nested is None:
                    return None
                out[key] = nested
        return out

    def _plain_value(self, value: Any, kind: str) -> Any:
        if kind in _SCALARS:
            return _scalar(value, kind)
        model = self.dependencies.get(kind)
        if model is not None and type(value) is model:
            return self._plain_model(value)
        return None


def _scalar(value: Any, kind: str) -> Any:
    """A text, number or flag field as msrest writes it (a text enum as its value); None: not plain."""
    if kind == "str" and isinstance(value, Enum) and type(value.value) is str:
        return value.value
    return value if type(value) is _SCALARS[kind] else None


def _plain(value: Any) -> bool:
    """True for JSON-shaped data (dicts with text keys, lists, text, numbers, flags, null), which msrest
    writes out unchanged."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return False
