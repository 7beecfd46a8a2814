"""Typed settings, read once from the environment (prefix CYBERFUSION_) and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cyberfusion.domain.channel import MAX_PRESERVATION_DAYS, MIN_PRESERVATION_DAYS


class Settings(BaseSettings):
    """Every knob of a cyberfusion instance; environment variables CYBERFUSION_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CYBERFUSION_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the SQLite database and attachments (default ./data).")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means SQLite in data_dir. PostgreSQL: "
        "postgresql+psycopg://user@host/db.")
    sqlite_cache_mb: int = Field(
        default=64, ge=1, le=65536,
        description="SQLite page cache per connection, in MiB (default 64).")
    sqlite_mmap_mb: int = Field(
        default=0, ge=0, le=1 << 20,
        description="How much of the SQLite file is read through a memory map, in MiB; shared by "
        "all connections through the OS page cache (default 0, off).")
    sqlite_checkpoint_seconds: float = Field(
        default=2.0, ge=0,
        description="Seconds between write-ahead-log checkpoints run by `cyberfusion serve` "
        "beside the requests (default 2; 0: writers checkpoint themselves).")
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Signs session cookies; set it in production (env CYBERFUSION_SECRET_KEY).")
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8470, description="Port the server listens on.")
    max_body_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024,
        description="Largest accepted request body in bytes (default 50 MB).")
    session_hours: int = Field(default=12, ge=1, description="Lifetime of a web session in hours.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins for one username (from any address) after "
        "which it is refused from addresses it never logged in from, unless a valid one-time "
        "code comes with it (default 5).")
    login_window_minutes: int = Field(
        default=15, ge=1, description="Sliding window in which failed logins are counted "
        "(default 15).")
    login_address_delay_after: int = Field(
        default=10, ge=1, description="Failed logins from one address (any usernames) after "
        "which each further attempt must wait 1, 2, 3, ... seconds after the last (default 10).")
    login_address_max_failures: int = Field(
        default=30, ge=1, description="Failed logins from one address (any usernames) in the "
        "window after which that address is refused until the window slides (default 30).")
    review_years: int = Field(
        default=5, ge=1, description="Default review period of a handling record, in years.")
    retention_grace_days: int = Field(
        default=90, ge=0,
        description="Days after a missed review date before the record is deleted.")
    retention_sweep_hours: float = Field(
        default=24.0, ge=0,
        description="Hours between runs of the retention sweep inside `cyberfusion serve` "
        "(default 24); 0 turns it off (run `cyberfusion retention sweep` from cron instead).")
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto", description="Mark cookies Secure: `auto` when the request came over "
        "HTTPS (directly, or as a trusted proxy says), `always`, or `never`.")
    trust_proxy_headers: bool = Field(
        default=False, description="Believe X-Forwarded-Proto / Forwarded `proto=` from the "
        "peer (on only behind a reverse proxy that sets them).")
    public_url: str = Field(
        default="http://127.0.0.1:8470",
        description="Base URL of the web UI, used in links sent by e-mail and webhooks.")
    ack_flash_minutes: int = Field(
        default=15, ge=1,
        description="Minutes a flash request may wait for acknowledgement (default 15).")
    ack_urgent_minutes: int = Field(
        default=120, ge=1,
        description="Minutes an urgent request may wait for acknowledgement (default 120).")
    ack_routine_minutes: int = Field(
        default=72 * 60, ge=1,
        description="Minutes a routine request may wait for acknowledgement "
        "(default 4320, 72 hours).")
    preservation_days: int = Field(
        default=90, ge=MIN_PRESERVATION_DAYS, le=MAX_PRESERVATION_DAYS,
        description="Default preservation period of an Art. 29 request, in days "
        f"({MIN_PRESERVATION_DAYS}-{MAX_PRESERVATION_DAYS}, default 90).")
    preservation_reminder_days: int = Field(
        default=7, ge=0,
        description="Days before a preservation period ends that both sides are reminded "
        "(default 7).")
    attachment_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1,
        description="Largest attachment accepted on the channel, in bytes (default 20 MB).")
    signing_key_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Seals the organisations' Ed25519 private keys and webhook secrets in the "
        "database; empty means a random key in <data_dir>/.signing_key.")
    sweep_interval_seconds: float = Field(
        default=15.0, ge=0,
        description="Seconds between runs of the in-process deadline and outbox sweep of "
        "`cyberfusion serve`; 0 turns it off (run `cyberfusion sweep` instead).")
    sweep_batch: int = Field(
        default=100, ge=1, le=10_000,
        description="Deadlines or outbox items one sweep transaction claims (default 100).")
    smtp_host: str = Field(
        default="", description="SMTP server for e-mail notifications; empty turns e-mail off.")
    smtp_port: int = Field(default=25, description="SMTP port (default 25).")
    smtp_from: str = Field(
        default="cyberfusion@localhost", description="Sender address of notification e-mails.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS on the SMTP connection.")
    smtp_username: str = Field(default="", description="SMTP login, if the server wants one.")
    smtp_password: SecretStr = Field(
        default=SecretStr(""), description="SMTP password (env CYBERFUSION_SMTP_PASSWORD).")
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0,
        description="Timeout of one webhook call or SMTP connection, in seconds (default 10).")
    outbox_max_attempts: int = Field(
        default=8, ge=1,
        description="Delivery attempts of an e-mail or webhook call before it is marked failed "
        "(default 8).")
    outbox_backoff_seconds: float = Field(
        default=30.0, ge=0,
        description="First retry delay of a failed delivery; doubles each attempt, at most one "
        "hour (default 30).")
    outbox_lease_seconds: float = Field(
        default=300.0, gt=0,
        description="How long a claimed e-mail or webhook call stays hidden from other workers "
        "while it is sent; a worker that dies mid-delivery is retried after it (default 300).")
    sse_poll_seconds: float = Field(
        default=2.0, gt=0,
        description="How often the live inbox stream looks for new notifications (default 2).")
    warninglists: bool = Field(
        default=True,
        description="Flag values on MISP warning lists (about 2.5M entries, loaded once).")
    import_workers: int = Field(
        default=1, ge=0, le=8,
        description="Background threads that run uploaded imports, each job in one of them; 0: "
        "none, each upload then runs after its response, in the server's thread pool.")
    import_lease_seconds: float = Field(
        default=60.0, gt=0,
        description="Lease of a running import job, renewed every third of it while its "
        "process lives; a job whose lease lapsed is taken over and resumed from its last "
        "checkpoint by the next worker or CLI import (default 60).")
    import_max_attempts: int = Field(
        default=3, ge=1,
        description="Runs of one import job before it is failed as one that keeps killing its "
        "runner (default 3).")
    import_max_expanded_bytes: int = Field(
        default=1024 * 1024 * 1024, ge=1024,
        description="Largest size a gzip or zip upload may expand to, in bytes (default 1 GiB).")
    import_max_ratio: int = Field(
        default=200, ge=2,
        description="Largest expansion ratio of a gzip or zip upload (default 200): more is "
        "refused as a decompression bomb.")

    source_poll_seconds: float = Field(
        default=30.0, ge=0,
        description="How often `cyberfusion serve` looks for TAXII sources due for a "
        "scheduled pull or push; 0 turns scheduled runs off (run `cyberfusion source pull`).")
    source_timeout_seconds: float = Field(
        default=30.0, gt=0,
        description="Timeout of one request to a remote TAXII server, in seconds (default 30).")
    source_lease_seconds: float = Field(
        default=300.0, gt=0,
        description="How long a run holds its source after each landed page (default 300); "
        "another run of the same source is refused meanwhile, and the run of a process that "
        "died gives way once it runs out.")
    source_status_wait_seconds: float = Field(
        default=120.0, gt=0,
        description="How long a push waits for the remote server's final add-objects status "
        "(default 120); objects still pending are sent again by the next run.")

    def resolved_database_url(self) -> str:
        """The database URL in force: the explicit one, else SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cyberfusion.db').resolve()}"

    def session_secret(self) -> bytes:
        """The cookie-signing secret; a per-data-folder random one if none was set."""
        return self._secret(self.secret_key, ".secret_key")

    def sealing_secret(self) -> bytes:
        """The secret that seals private signing keys and webhook secrets at rest."""
        return self._secret(self.signing_key_secret, ".signing_key")

    def _secret(self, given: SecretStr, filename: str) -> bytes:
        """`given`, or a random secret kept (mode 0600) in the data folder."""
        value = given.get_secret_value()
        if value:
            return value.encode()
        path = self.data_dir / filename
        if not path.exists():
            import os
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:  # exclusive create: two processes starting at once keep one secret
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
        return path.read_text().strip().encode()


#: Help of every setting, taken from the field descriptions above (one place to write it);
#: docs/operator.md lists them and a test keeps the two in step.
SETTINGS_HELP: dict[str, str] = {name: field.description or ""
                                 for name, field in Settings.model_fields.items()}
