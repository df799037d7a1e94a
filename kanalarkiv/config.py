"""Settings read from the environment, once, by whoever starts the program."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

WEBHOOK_KEEP_DAYS = 7
"""Days a captured or dismissed webhook change stays in the inbox: Meta retries a delivery for up to
36 hours and LinkedIn for 8, and a retry that comes after its row is pruned is only captured again
(recording nothing new); a week leaves room."""
LONGEST_KEEP_DAYS = 3650
"""The longest a prune may be told to keep them: ten years (a setting past it is a mistake)."""


class ConfigurationError(ValueError):
    """A setting in the environment is missing or malformed."""


LINKEDIN_OAUTH = "https://www.linkedin.com"


@dataclass(frozen=True)
class LiveEndpoints:
    """Where the live sources' platforms answer (the real ones unless set otherwise: the tests
    and a staging setup point them at a fake platform), and how long a request may take."""

    facebook: str = "https://graph.facebook.com"
    instagram: str = "https://graph.facebook.com"  # Instagram Login's tokens: https://graph.instagram.com
    youtube: str = "https://www.googleapis.com/youtube/v3"
    linkedin: str = "https://api.linkedin.com"
    google_token: str = "https://oauth2.googleapis.com/token"  # renews YouTube's hour-long access tokens
    linkedin_oauth: str = ""  # LinkedIn's OAuth host (renews its tokens); unset: see ``linkedin_oauth_base``
    instagram_login: bool = False  # Instagram sources' tokens are Instagram Login's: renewed before 60 days
    timeout_seconds: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LiveEndpoints:
        default = cls()
        instagram = _address(env, "KANALARKIV_INSTAGRAM_BASE_URL", default.instagram)
        return cls(
            facebook=_address(env, "KANALARKIV_FACEBOOK_BASE_URL", default.facebook),
            instagram=instagram,
            youtube=_address(env, "KANALARKIV_YOUTUBE_BASE_URL", default.youtube),
            linkedin=_address(env, "KANALARKIV_LINKEDIN_BASE_URL", default.linkedin),
            google_token=_address(env, "KANALARKIV_GOOGLE_TOKEN_URL", default.google_token),
            linkedin_oauth=_address(env, "KANALARKIV_LINKEDIN_OAUTH_URL", default.linkedin_oauth),
            instagram_login=_bool(env, "KANALARKIV_INSTAGRAM_LOGIN", "graph.instagram.com" in instagram),
            timeout_seconds=_int(env, "KANALARKIV_CAPTURE_TIMEOUT", default.timeout_seconds),
        )

    @property
    def linkedin_oauth_base(self) -> str:
        """Where LinkedIn's ``/oauth/v2/accessToken`` answers: www.linkedin.com beside the real API;
        beside any other API address (a fake or staging platform) that address itself, so that a
        refresh token never leaves for the real LinkedIn from a setup that points elsewhere."""
        if self.linkedin_oauth:
            return self.linkedin_oauth
        return LINKEDIN_OAUTH if self.linkedin == LiveEndpoints.linkedin else self.linkedin


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    data_dir: Path
    database_name: str
    port: int
    run_projections: bool
    projection_batch_size: int
    pool_size: int
    log_level: str
    checkpoint_interval: int = 60
    signing_key: str | None = field(default=None, repr=False)
    master_key: str | None = field(default=None, repr=False)
    snapshot_dir: Path | None = None
    live: LiveEndpoints = field(default_factory=LiveEndpoints)
    run_poller: bool = True  # poll the live sources, where the projection workers run
    webhook_keep_days: int = WEBHOOK_KEEP_DAYS

    @property
    def snapshots(self) -> Path:
        return self.snapshot_dir or self.data_dir / "snapshots"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("KANALARKIV_DATA_DIR", "var")).resolve(),
            database_name=env.get("KANALARKIV_DATABASE_NAME", "kanalarkiv"),
            port=_int(env, "PORT", 8000),
            run_projections=_bool(env, "KANALARKIV_RUN_PROJECTIONS", True),
            projection_batch_size=_int(env, "KANALARKIV_PROJECTION_BATCH_SIZE", 1000),
            pool_size=_int(env, "KANALARKIV_POOL_SIZE", 8),
            log_level=env.get("KANALARKIV_LOG_LEVEL", "info").lower(),
            checkpoint_interval=_int(env, "KANALARKIV_CHECKPOINT_INTERVAL", 60),
            signing_key=env.get("KANALARKIV_SIGNING_KEY") or None,
            master_key=env.get("KANALARKIV_MASTER_KEY") or None,
            snapshot_dir=Path(env["KANALARKIV_SNAPSHOT_DIR"]).resolve() if env.get("KANALARKIV_SNAPSHOT_DIR") else None,
            live=LiveEndpoints.from_env(env),
            run_poller=_bool(env, "KANALARKIV_RUN_POLLER", True),
            webhook_keep_days=_int(env, "KANALARKIV_WEBHOOK_KEEP_DAYS", WEBHOOK_KEEP_DAYS, most=LONGEST_KEEP_DAYS),
        )


def _address(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name) or default
    if not raw:
        return raw  # unset, with no default address: the setting's own fallback applies
    if not raw.startswith(("http://", "https://")):
        raise ConfigurationError(f"{name} must be an http(s) address, got {raw!r}")
    return raw.rstrip("/")


def _int(env: Mapping[str, str], name: str, default: int, most: int | None = None) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    if most is not None and value > most:
        raise ConfigurationError(f"{name} must be at most {most}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")
