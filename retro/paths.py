"""Where retro keeps its files by default."""

from pathlib import Path

from platformdirs import user_data_path


def default_db_path() -> Path:
    return user_data_path("retro", appauthor=False) / "retro.db"
