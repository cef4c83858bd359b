"""The platform-neutral core of the de-escalation bot."""

from __future__ import annotations

__version__ = "0.1.0"
