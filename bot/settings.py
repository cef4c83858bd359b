"""Configuration: app.yaml for everything that is not secret, the environment for secrets.

`load_config()` reads the app.yaml named by DEESCALATE_CONFIG (default: the one at the repository root),
lets DEESCALATE_<FIELD>__<SUB> environment variables override any field, reads secrets from their usual
environment names (and an optional .env file), and raises one ConfigError listing every bad field.
Relative paths in app.yaml are relative to app.yaml itself, never to the current directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, StringConstraints, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from bot.errors import ConfigError, location

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "app.yaml"
HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def config_path() -> Path:
    """The app.yaml in use: $DEESCALATE_CONFIG, else the repository's own."""
    return Path(os.environ.get("DEESCALATE_CONFIG") or DEFAULT_CONFIG).resolve()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Features(_Section):
    checklists: bool = True
    rewrite: bool = True
    lessons: bool = True
    mediation: bool = True


class LessonDefaults(_Section):
    time: HHMM = "09:00"
    weekdays_only: bool = True
    timezone: str = "UTC"
    tick_s: float = Field(default=30.0, gt=0, le=60)  # how often each instance looks for due lessons
    # Lesson sends started per second per workspace or tenant, in all: the instances sending at the time
    # share it equally. Unset: as fast as the platform accepts, each 429 holding that workspace for its
    # Retry-After (which wastes that second).
    sends_per_s: float | None = Field(default=None, gt=0)


class SafetyResources(_Section):
    """Who to contact; shown first whenever the safety route fires."""

    emergency: str = "your local emergency number"
    eap: str = ""
    hr: str = ""
    security: str = ""


class Storage(_Section):
    url: str = "sqlite+aiosqlite:///data/deescalate.db"


class LlmEngine(_Section):
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(default=4.0, gt=0)
    budget_s: float = Field(default=6.0, gt=0)
    redact_contacts: bool = True


class Engine(_Section):
    kind: Literal["offline", "llm"] = "offline"
    llm: LlmEngine = LlmEngine()


class Server(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    public_url: str = "http://localhost:3000"
    # Open connections at once; past it, new ones wait in the kernel's queue (adapters/listener.py).
    max_connections: int = Field(default=192, ge=1, le=65535)
    log_format: Literal["plain", "json"] = "plain"  # also DEESCALATE_LOG_FORMAT or `serve --log-format`
    # info adds what the service learns as it runs (each workspace's send rate); debug, each step of it
    log_level: Literal["debug", "info", "warning", "error"] = "warning"  # also DEESCALATE_LOG_LEVEL


class Slack(_Section):
    """Slack: where the Web API lives (point it at a local fake in tests and demos)."""

    api_base_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://.+/$")


class Teams(_Section):
    """Microsoft Teams: when to mount /api/messages, and what the app package says about the bot."""

    enabled: bool | None = None  # None: on when TEAMS_APP_ID is set (or with serve --dev)
    name: str = Field(default="De-escalate", min_length=1, max_length=30)
    full_name: str = Field(default="De-escalation coach", min_length=1, max_length=100)
    developer: str = "The deescalate contributors"
    domain: str | None = None  # the bot's public host name; default: the host of server.public_url
    website_url: str | None = None  # https; default: https://<domain>/
    accent_color: str = Field(default="#3A6EA5", pattern=r"^#[0-9A-Fa-f]{6}$")
    openid_metadata_url: str | None = None  # Bot Framework's OpenID metadata, overridden (tests, clouds)


class Retention(_Section):
    """How long each kind of row is kept before the retention job deletes it (docs/privacy.md)."""

    checklist_days: int = Field(default=7, ge=1)
    claims_days: int = Field(default=2, ge=1)
    mediation_days: int = Field(default=180, ge=1)
    usage_days: int = Field(default=400, ge=7)


class Mediation(_Section):
    """Who may request mediation guides: everyone when both lists are empty."""

    allowed_users: tuple[str, ...] = ()  # platform user ids (Slack U..., Teams AAD object ids)
    allowed_groups: tuple[str, ...] = ()  # Slack user group ids (S...)

    @property
    def restricted(self) -> bool:
        return bool(self.allowed_users or self.allowed_groups)


class Settings(BaseSettings):
    """Everything that is not secret."""

    model_config = SettingsConfigDict(
        env_prefix="DEESCALATE_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    default_setting: str = "workplace"
    playbooks_dir: Path = Path("playbooks")
    features: Features = Features()
    lessons: LessonDefaults = LessonDefaults()
    safety: SafetyResources = SafetyResources()
    storage: Storage = Storage()
    engine: Engine = Engine()
    server: Server = Server()
    slack: Slack = Slack()
    teams: Teams = Teams()
    mediation: Mediation = Mediation()
    retention: Retention = Retention()
    admins: tuple[str, ...] = ()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, YamlConfigSettingsSource(settings_cls, yaml_file=config_path()))


class Secrets(BaseSettings):
    """Secrets, only ever from the environment (or a .env file). Never logged: they are SecretStr."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    llm_api_key: SecretStr | None = None
    database_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DEESCALATE_DATABASE_URL", "DATABASE_URL")
    )


@dataclass(frozen=True)
class Config:
    """The settings and secrets in force, plus where they came from."""

    settings: Settings
    secrets: Secrets
    source: Path

    @property
    def playbooks_dir(self) -> Path:
        return _relative_to(self.source.parent, self.settings.playbooks_dir)

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path made relative to app.yaml."""
        if self.secrets.database_url is not None:
            return self.secrets.database_url.get_secret_value()
        return sqlite_relative_to(self.settings.storage.url, self.source.parent)


def load_config() -> Config:
    """Load and validate the configuration; raise ConfigError listing every problem."""
    source = config_path()
    if not source.is_file():
        raise ConfigError(f"configuration file {source} not found", ["set DEESCALATE_CONFIG to an app.yaml"])
    problems: list[str] = []
    settings = _build(Settings, problems, show_values=True)
    secrets = _build(Secrets, problems, show_values=False)
    if settings is None or secrets is None:
        raise ConfigError(f"invalid configuration in {source} or the environment:", problems)
    return Config(settings, secrets, source)


S = TypeVar("S", bound=BaseSettings)


def _build(cls: type[S], problems: list[str], *, show_values: bool) -> S | None:
    try:
        return cls()
    except ValidationError as exc:
        for err in exc.errors():
            where = location(err["loc"], "(file)")
            value: Any = err.get("input")
            shown = f" (got {value!r})" if show_values and not isinstance(value, dict) else ""
            problems.append(f"{where}: {err['msg']}{shown}")
    except ValueError as exc:  # YAML syntax errors surface as ValueError subclasses
        problems.append(" ".join(str(exc).split()))
    return None


def _relative_to(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path).resolve()


_SQLITE_FILE = re.compile(r"^(sqlite(?:\+\w+)?:///)(?!/)(.+)$")


def sqlite_relative_to(url: str, base: Path) -> str:
    """Make a relative SQLite file path absolute against `base`; other URLs pass through unchanged."""
    match = _SQLITE_FILE.match(url)
    if not match or match.group(2).startswith(":memory:"):
        return url
    return f"{match.group(1)}{_relative_to(base, Path(match.group(2)))}"
