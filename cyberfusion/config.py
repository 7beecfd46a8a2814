"""Typed settings, read once from the environment (prefix CYBERFUSION_) and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: (name, help) of every setting; docs/operator.md lists them and a test keeps them in step.
SETTINGS_HELP: dict[str, str] = {
    "data_dir": "Folder for the SQLite database and attachments (default ./data).",
    "database_url": "SQLAlchemy URL; empty means SQLite in data_dir. "
    "PostgreSQL: postgresql+psycopg://user@host/db.",
    "sqlite_cache_mb": "SQLite page cache per connection, in MiB (default 64).",
    "sqlite_mmap_mb": "How much of the SQLite file is read through a memory map, in MiB; shared "
    "by all connections through the OS page cache (default 0, off).",
    "sqlite_checkpoint_seconds": "Seconds between write-ahead-log checkpoints run by "
    "`cyberfusion serve` beside the requests (default 2; 0: writers checkpoint themselves).",
    "secret_key": "Signs session cookies; set it in production (env CYBERFUSION_SECRET_KEY).",
    "host": "Address the server binds to.",
    "port": "Port the server listens on.",
    "max_body_bytes": "Largest accepted request body in bytes (default 50 MB).",
    "session_hours": "Lifetime of a web session in hours.",
    "login_max_failures": "Failed logins per user and address before throttling.",
    "login_window_minutes": "Window in which failed logins are counted.",
    "review_years": "Default review period of a handling record, in years.",
    "retention_grace_days": "Days after a missed review date before the record is deleted.",
    "retention_sweep_hours": "Hours between runs of the retention sweep inside `cyberfusion "
    "serve` (default 24); 0 turns it off (run `cyberfusion retention sweep` from cron instead).",
    "secure_cookies": "Mark cookies Secure (on behind HTTPS).",
    "warninglists": "Flag values on MISP warning lists (about 2.5M entries, loaded once).",
    "import_workers": "Background threads that run uploaded imports (0: run them in the request).",
    "public_url": "Base URL of the web UI, used in links sent by e-mail and webhooks.",
    "ack_flash_minutes": "Minutes a flash request may wait for acknowledgement (default 15).",
    "ack_urgent_minutes": "Minutes an urgent request may wait for acknowledgement (default 120).",
    "ack_routine_minutes": "Minutes a routine request may wait for acknowledgement "
    "(default 4320, 72 hours).",
    "preservation_days": "Default preservation period of an Art. 29 request, in days "
    "(60-365, default 90).",
    "preservation_reminder_days": "Days before a preservation period ends that both sides "
    "are reminded (default 7).",
    "attachment_max_bytes": "Largest attachment accepted on the channel, in bytes "
    "(default 20 MB).",
    "signing_key_secret": "Seals the organisations' Ed25519 private keys and webhook secrets "
    "in the database; empty means a random key in <data_dir>/.signing_key.",
    "sweep_interval_seconds": "Seconds between runs of the in-process deadline and outbox "
    "sweep of `cyberfusion serve`; 0 turns it off (run `cyberfusion sweep` instead).",
    "sweep_batch": "Deadlines or outbox items one sweep transaction claims (default 100).",
    "smtp_host": "SMTP server for e-mail notifications; empty turns e-mail off.",
    "smtp_port": "SMTP port (default 25).",
    "smtp_from": "Sender address of notification e-mails.",
    "smtp_starttls": "Use STARTTLS on the SMTP connection.",
    "smtp_username": "SMTP login, if the server wants one.",
    "smtp_password": "SMTP password (env CYBERFUSION_SMTP_PASSWORD).",
    "webhook_timeout_seconds": "Timeout of one webhook call or SMTP connection, in seconds "
    "(default 10).",
    "outbox_max_attempts": "Delivery attempts of an e-mail or webhook call before it is "
    "marked failed (default 8).",
    "outbox_backoff_seconds": "First retry delay of a failed delivery; doubles each attempt, "
    "at most one hour (default 30).",
    "outbox_lease_seconds": "How long a claimed e-mail or webhook call stays hidden from other "
    "workers while it is sent; a worker that dies mid-delivery is retried after it "
    "(default 300).",
    "sse_poll_seconds": "How often the live inbox stream looks for new notifications "
    "(default 2).",
}


class Settings(BaseSettings):
    """Every knob of a cyberfusion instance; environment variables CYBERFUSION_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CYBERFUSION_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""
    sqlite_cache_mb: int = Field(default=64, ge=1, le=65536)
    sqlite_mmap_mb: int = Field(default=0, ge=0, le=1 << 20)
    sqlite_checkpoint_seconds: float = Field(default=2.0, ge=0)
    secret_key: SecretStr = SecretStr("")
    host: str = "127.0.0.1"
    port: int = 8470
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    session_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    review_years: int = Field(default=5, ge=1)
    retention_grace_days: int = Field(default=90, ge=0)
    retention_sweep_hours: float = Field(default=24.0, ge=0)
    secure_cookies: bool = False
    public_url: str = "http://127.0.0.1:8470"
    ack_flash_minutes: int = Field(default=15, ge=1)
    ack_urgent_minutes: int = Field(default=120, ge=1)
    ack_routine_minutes: int = Field(default=72 * 60, ge=1)
    preservation_days: int = Field(default=90, ge=60, le=365)
    preservation_reminder_days: int = Field(default=7, ge=0)
    attachment_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    signing_key_secret: SecretStr = SecretStr("")
    sweep_interval_seconds: float = Field(default=15.0, ge=0)
    sweep_batch: int = Field(default=100, ge=1, le=10_000)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "cyberfusion@localhost"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_seconds: float = Field(default=30.0, ge=0)
    outbox_lease_seconds: float = Field(default=300.0, gt=0)
    sse_poll_seconds: float = Field(default=2.0, gt=0)
    warninglists: bool = True
    import_workers: int = Field(default=1, ge=0, le=8)

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
