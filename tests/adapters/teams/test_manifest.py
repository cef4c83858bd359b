"""`deescalate manifest teams --out app.zip`: the package's manifest and icons."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from adapters.cli import main
from adapters.teams.manifest import build_manifest
from bot.commands import COMMANDS
from bot.errors import ConfigError
from bot.settings import Config
from tests.adapters.teams.conftest import APP_ID


def _png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    offset, idat = 8, b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        crc = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        idat += body if kind == b"IDAT" else b""
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def test_the_cli_writes_an_installable_package(
    secured_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "app.zip"
    assert main(["manifest", "teams", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        colour = _png_size_and_pixels(archive.read("color.png"))
        outline = _png_size_and_pixels(archive.read("outline.png"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert colour[:2] == (192, 192) and outline[:2] == (32, 32)
    alphas = {outline[2][row * (32 * 4 + 1) + 1 + x * 4 + 3] for row in range(32) for x in range(32)}
    assert alphas == {0, 255}, "the outline icon is white on transparent"


def test_the_manifest_lists_the_commands_and_the_extension(secured_config: Config) -> None:
    manifest = build_manifest(secured_config)
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert {"deescalate", "rewrite", "lesson", "lessons", "mediate", "help"} <= set(titles)
    assert len(titles) == min(len(COMMANDS), 10) and all(len(t) <= 32 for t in titles)
    [command] = manifest["composeExtensions"][0]["commands"]
    assert command["type"] == "action" and command["fetchTask"] is True
    assert command["title"] == "Rewrite calmly"
    assert {"compose", "message"} <= set(command["context"])
    assert manifest["validDomains"] == ["localhost"]


def test_no_app_id_is_a_clear_error(config: Config) -> None:
    with pytest.raises(ConfigError, match="TEAMS_APP_ID"):
        build_manifest(config)
