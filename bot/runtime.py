"""Build the running core from configuration: content, store, tone engine, Bot."""

from __future__ import annotations

from pathlib import Path

from bot.clock import SystemClock
from bot.core import Bot
from bot.flows import Services
from bot.playbooks import Library, load_library
from bot.ports import Clock, Rewriter
from bot.settings import Config
from bot.store import SqlStore
from bot.store.lessons import LessonRepo
from bot.store.mediation import MediationRepo
from bot.tone import ToneEngine
from bot.tone.llm import LlmRewriter, OfflineRewriter


async def start(config: Config, clock: Clock | None = None) -> tuple[Bot, SqlStore]:
    """Load and validate content, open and migrate the database, and return the Bot and its store."""
    library, engine = load_content(config.playbooks_dir)  # PlaybookError before anything is opened
    clock = clock or SystemClock()
    store = SqlStore.open(config.database_url, clock)
    try:
        await store.migrate()
    except BaseException:
        await store.close()
        raise
    services = Services(
        config=config,
        library=library,
        store=store,
        engine=engine,
        rewriter=build_rewriter(config, engine),
        clock=clock,
        lessons=LessonRepo(store.engine, clock),
        mediation=MediationRepo(store.engine, clock),
    )
    return Bot(services), store


_CONTENT: dict[tuple[tuple[str, int, int], ...], tuple[Library, ToneEngine]] = {}


def load_content(directory: Path) -> tuple[Library, ToneEngine]:
    """The validated content and the tone engine compiled from its lexicon.

    Both are immutable, and compiling the lexicon takes about a second, so a process that starts several
    bots (the tests, a benchmark) reuses them while no file under `directory` has changed.
    """
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if key not in _CONTENT:
        library = load_library(directory)
        _CONTENT.clear()
        _CONTENT[key] = (library, ToneEngine(library.lexicon))
    return _CONTENT[key]


def build_rewriter(config: Config, engine: ToneEngine) -> Rewriter:
    """The offline rewriter, or the LLM one (which falls back to offline) when app.yaml asks for it."""
    if config.settings.engine.kind == "offline":
        return OfflineRewriter(engine)
    llm = config.settings.engine.llm
    key = config.secrets.llm_api_key
    return LlmRewriter(
        engine,
        llm.base_url,
        model=llm.model,
        api_key=key.get_secret_value() if key else None,
        timeout_s=llm.timeout_s,
        budget_s=llm.budget_s,
        redact_contacts=llm.redact_contacts,
    )
