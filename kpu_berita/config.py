"""Where state lives. The only module that reads the environment."""
from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "KPU_BERITA_HOME"
DEFAULT_HOME = ".kpu-berita"


def default_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME)


def warehouse_path(home: Path) -> Path:
    return Path(home) / "warehouse.duckdb"


def raw_dir(home: Path) -> Path:
    return Path(home) / "raw"
