"""Slack request signatures, checked strictly before anything else sees the request.

slack_sdk's verifier raises on a non-numeric timestamp (a 500); this one answers False for every
malformed input: missing, empty, non-numeric, float, expired or future timestamps, and bad signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping

MAX_SKEW_S = 300  # Slack's 5-minute window
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The v0 signature Slack sends in X-Slack-Signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Verifier:
    """Checks X-Slack-Request-Timestamp and X-Slack-Signature against the signing secret."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock = clock

    def valid(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """True only for a well-formed, fresh request signed with our secret."""
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return False
        if abs(self._clock() - int(timestamp)) > MAX_SKEW_S:
            return False
        return hmac.compare_digest(sign(self._secret, timestamp, body), signature)
