"""Open the warehouse and bring its schema up to date with recorded migrations."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb


class WarehouseMissing(FileNotFoundError):
    pass


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("kpu_berita.warehouse") / folder
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in root.iterdir() if p.name.endswith(".sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in `_migrations`; return their names.

    Each migration runs in a transaction with its record, so a failed one leaves the
    warehouse as it was.
    """
    con.execute("CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    done = {row[0] for row in con.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, sql in _sql_files("migrations"):
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def create_marts(con: duckdb.DuckDBPyConnection) -> None:
    for _, sql in _sql_files("sql"):
        con.execute(sql)


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse at `path`; writers get the schema migrated first."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise WarehouseMissing(f"no warehouse at {path}: run `kpu-berita demo` or `kpu-berita build` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    return con
