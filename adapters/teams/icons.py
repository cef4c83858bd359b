"""The app package's icons, drawn in code and written as PNG with zlib and struct (no imaging library).

colour: 192x192, a white speech bubble with two calm lines on the accent colour.
outline: 32x32, the bubble's white outline on a transparent background (Teams' rule for outline icons).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Pixel = tuple[int, int, int, int]
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG whose pixel (x, y) is `pixel(x, y)`."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunks = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _in_bubble(u: float, v: float, shrink: float = 0.0) -> bool:
    """Unit-square point inside the bubble: an ellipse plus a tail at its lower left."""
    rx, ry = 0.40 - shrink, 0.30 - shrink
    ellipse = ((u - 0.5) / rx) ** 2 + ((v - 0.44) / ry) ** 2 <= 1.0 if rx > 0 and ry > 0 else False
    in_box = 0.26 + shrink <= u <= 0.42 - shrink and 0.62 <= v <= 0.86 - shrink
    tail = in_box and (u - 0.26) >= (v - 0.62) * 0.7
    return ellipse or tail


def colour_icon(accent: str) -> bytes:
    """The 192x192 full-colour icon."""
    back: Pixel = (int(accent[1:3], 16), int(accent[3:5], 16), int(accent[5:7], 16), 255)
    size = 192

    def pixel(x: int, y: int) -> Pixel:
        u, v = (x + 0.5) / size, (y + 0.5) / size
        if not _in_bubble(u, v):
            return back
        line = any(abs(v - row) < 0.022 for row in (0.38, 0.50)) and 0.30 <= u <= 0.70
        return back if line else WHITE

    return png(size, size, pixel)


def outline_icon() -> bytes:
    """The 32x32 white-on-transparent outline icon."""
    size = 32

    def pixel(x: int, y: int) -> Pixel:
        u, v = (x + 0.5) / size, (y + 0.5) / size
        return WHITE if _in_bubble(u, v) and not _in_bubble(u, v, shrink=0.07) else CLEAR

    return png(size, size, pixel)
