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
    "secret_key": "Signs session cookies; set it in production (env CYBERFUSION_SECRET_KEY).",
    "host": "Address the server binds to.",
    "port": "Port the server listens on.",
    "max_body_bytes": "Largest accepted request body in bytes (default 50 MB).",
    "session_hours": "Lifetime of a web session in hours.",
    "login_max_failures": "Failed logins per user and address before throttling.",
    "login_window_minutes": "Window in which failed logins are counted.",
    "review_years": "Default review period of a handling record, in years.",
    "retention_grace_days": "Days after a missed review date before the record is deleted.",
    "secure_cookies": "Mark cookies Secure (on behind HTTPS).",
}


class Settings(BaseSettings):
    """Every knob of a cyberfusion instance; environment variables CYBERFUSION_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CYBERFUSION_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: SecretStr = SecretStr("")
    host: str = "127.0.0.1"
    port: int = 8470
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    session_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    review_years: int = Field(default=5, ge=1)
    retention_grace_days: int = Field(default=90, ge=0)
    secure_cookies: bool = False

    def resolved_database_url(self) -> str:
        """The database URL in force: the explicit one, else SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cyberfusion.db').resolve()}"

    def session_secret(self) -> bytes:
        """The cookie-signing secret; a per-data-folder random one if none was set."""
        value = self.secret_key.get_secret_value()
        if value:
            return value.encode()
        path = self.data_dir / ".secret_key"
        if not path.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()
