"""Real `deescalate serve` processes for scale tests and benchmarks: start, wait until ready, stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]
OWN_PREFIXES = ("DEESCALATE_", "SLACK_", "TEAMS_")
OWN_NAMES = {"DATABASE_URL", "LLM_API_KEY"}


def free_port() -> int:
    """A free loopback port (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(base: str, exit_code: Callable[[], int | None], within_s: float = 60.0) -> None:
    """Poll `base`/readyz until it answers 200; RuntimeError if the server's process exits first
    (`exit_code` returns its code, None while it runs) or time runs out."""
    deadline = time.monotonic() + within_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if (code := exit_code()) is not None:
                raise RuntimeError(f"the server at {base} exited with {code} before it was ready")
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server at {base} was not ready within {within_s} s")


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without any of the bot's own variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES) and k not in OWN_NAMES}
    return {**env, **extra}


@dataclass
class ServeProcess:
    """One `python -m adapters.cli serve` child process on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(
        cls,
        env: Mapping[str, str],
        *args: str,
        cwd: Path | None = None,
        log: Path | None = None,
        python_args: Sequence[str] = (),
    ) -> ServeProcess:
        """Start serving on a free port; stdout and stderr go to `log` (or nowhere).

        `python_args` go before `-m adapters.cli` (e.g. `-m cProfile -o out.prof`).
        """
        port = free_port()
        serve = ["-m", "adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        command = [sys.executable, *python_args, *serve]
        out = log.open("ab") if log else subprocess.DEVNULL
        try:
            process = subprocess.Popen(
                [*command, *args], env=clean_env(env), cwd=cwd or REPO, stdout=out, stderr=out
            )
        finally:
            if log:
                out.close()  # type: ignore[union-attr]
        return cls(process, port)

    async def wait_ready(self, within_s: float = 60.0) -> None:
        """Poll /readyz until it answers 200; RuntimeError if the process dies or time runs out."""
        await wait_ready(self.base, lambda: self.process.poll(), within_s)

    async def terminate(self, within_s: float = 15.0) -> tuple[int | None, float]:
        """SIGTERM, then wait: (exit code or None if it had to be killed, seconds it took)."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = await asyncio.to_thread(self.process.wait, within_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            await asyncio.to_thread(self.process.wait)
            code = None
        return code, time.monotonic() - started

    def rss_kib(self) -> int:
        """Resident set size from /proc/<pid>/status (VmRSS, in KiB); 0 when unavailable."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return 0
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        return int(line.split()[1])

    def cpu_s(self) -> float:
        """User + system CPU seconds the process has used so far, from /proc/<pid>/stat; 0 if unknown."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text(encoding="ascii")
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": fields start at number 3
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
