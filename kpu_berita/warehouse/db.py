"""Open the warehouse and bring its schema up to date with recorded migrations."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from kpu_berita.sql_literal import quoted_path
from kpu_berita.user_files import FileProblem


class WarehouseMissing(FileNotFoundError):
    pass


class WarehouseUnreadable(FileProblem):
    """DuckDB can't open the warehouse file: another program has it open for writing, or
    it is not a DuckDB file this release reads."""


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        message = str(exc)
        if "lock" in message.lower():  # DuckDB names the holder: "Conflicting lock is held in ... (PID 123)"
            holder = re.search(r"\(PID (\d+)\)", message)
            raise WarehouseUnreadable(
                f"{path} is open for writing in another program{f' (pid {holder.group(1)})' if holder else ''}: "
                "close it and try again (to query the warehouse, open it read-only: `kpu-berita sql`, "
                "`duckdb -readonly`)") from exc
        raise WarehouseUnreadable(f"cannot open {path} as a DuckDB warehouse: {message.splitlines()[0]}") from exc


class UnknownName(LookupError):
    """A satker id or province the warehouse has no satker for."""


def require_known(con: duckdb.DuckDBPyConnection, satker=(), provinces=()) -> None:
    """UnknownName naming every satker id and province (any case) not in the satker table:
    a filter with a typo would otherwise select nothing and look like "no articles"."""
    rows = con.execute("SELECT satker_id, lower(province) FROM satker").fetchall()
    known_satker, known_provinces = {s for s, _ in rows}, {p for _, p in rows}
    unknown = [f"satker {s!r}" for s in satker or () if s not in known_satker]
    unknown += [f"province {p!r}" for p in provinces or () if p.lower() not in known_provinces]
    if unknown:
        raise UnknownName(f"unknown {', '.join(unknown)}: not in the warehouse")


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether `table` (or view) has `column`. Readers open the published file read-only, so
    it stays at the release that built it until the next build: they ask before reading a
    column a later migration added."""
    return con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                       [table, column]).fetchone()[0] > 0


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN ... COMMIT, or ROLLBACK if the block raises: all of it lands or none."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


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
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
        applied.append(name)
    return applied


def sql_text(name: str) -> str:
    """The text of warehouse/sql/<name>."""
    return (resources.files("kpu_berita.warehouse") / "sql" / name).read_text(encoding="utf-8")


_CREATED = re.compile(r"CREATE\s+OR\s+REPLACE\s+(TABLE|VIEW)\s+(\w+)", re.I)


def create_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the mart views (create_marts.sql) in one transaction. A mart that changed kind between releases
    (view -> table) is dropped first: CREATE OR REPLACE can't change an object's kind."""
    with transaction(con):
        sql = sql_text("create_marts.sql")
        for kind, name in _CREATED.findall(sql):
            other = "VIEW" if kind.upper() == "TABLE" else "TABLE"
            exists = con.execute(f"SELECT count(*) FROM duckdb_{other.lower()}s() WHERE {other.lower()}_name = ?",
                                 [name]).fetchone()[0]
            if exists:
                con.execute(f"DROP {other} {name}")
        con.execute(sql)


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse at `path`; writers get the schema migrated first."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise WarehouseMissing(f"no warehouse at {path}: run `kpu-berita demo` or `kpu-berita build` first")
        return _open(path, read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False)
    migrate(con)
    return con


def compact_if_sparse(path: Path, settings: dict[str, str], min_bytes: int = 64 << 20) -> bool:
    """Rewrite the file at `path` without its free blocks when they are over half of it.

    DuckDB reuses the blocks of deleted rows but never gives them back to the file system, so
    a file keeps the size of its largest past (after migration 009 dropped two thirds of a
    1M-article warehouse, 3 GB for 1 GB of data), and every publish copies all of it.
    COPY FROM DATABASE writes tables, keys and views into a new file, renamed over the old
    one; a kill leaves the old file as it was. `settings` are DuckDB settings for the copy
    (memory_limit, temp_directory)."""
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        size, total, free = con.execute("""SELECT block_size * total_blocks, total_blocks, free_blocks
                                           FROM pragma_database_size() WHERE database_name = current_database()""").fetchone()
        if size < min_bytes or free * 2 <= total:
            return False
        for name, value in settings.items():
            con.execute(f"SET {name} = '{quoted_path(value)}'")
        tmp = path.with_name(f".{path.name}.compacting")
        tmp.unlink(missing_ok=True)
        source = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH '{quoted_path(tmp)}' AS compacted")
        con.execute(f'COPY FROM DATABASE "{source}" TO compacted')
        con.execute("CHECKPOINT compacted")
    finally:
        con.close()
    fsync_file(tmp)
    os.replace(tmp, path)
    return True


def fsync_file(path: Path) -> None:
    """Wait until the file's data is on disk (before a rename makes it the file of record)."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())

