"""CSV / Excel export of any mart (or report_articles), optionally filtered."""
from __future__ import annotations

from pathlib import Path

EXPORTABLE_PREFIXES = ("mart_",)
EXPORTABLE_EXTRA = ("report_articles",)


class ExportError(ValueError):
    pass


def exportable(con) -> list[str]:
    names = [n for (n,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal UNION SELECT table_name FROM duckdb_tables()").fetchall()]
    return sorted(n for n in names if n.startswith(EXPORTABLE_PREFIXES) or n in EXPORTABLE_EXTRA)


def mart_frame(con, mart: str, filters: dict[str, list[str] | str | None]):
    """The rows of `mart` matching `filters` (column -> value or values; None = no filter)."""
    available = exportable(con)
    if mart not in available:
        raise ExportError(f"unknown mart {mart!r}; choose one of {', '.join(available)}")
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [mart]).fetchall()]
    where, params = [], []
    for column, value in filters.items():
        if not value:
            continue
        if column not in columns:
            raise ExportError(f"mart {mart} has no {column} column to filter on")
        values = [value] if isinstance(value, str) else list(value)
        where.append(f'lower("{column}") IN (SELECT lower(unnest(?)))')
        params.append(values)
    order = ", ".join(f'"{c}"' for c in columns[:3])
    sql = f'SELECT * FROM "{mart}"' + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    return con.execute(sql, params).df()


def write_frame(frame, out: Path, fmt: str) -> int:
    """Write atomically (temp file + rename) so a failed export never leaves half a file."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    if fmt == "csv":
        frame.to_csv(tmp, index=False, encoding="utf-8")
    elif fmt == "xlsx":
        for column in frame.select_dtypes(include=["datetimetz"]).columns:
            frame[column] = frame[column].dt.tz_localize(None)  # Excel has no time zones
        frame.to_excel(tmp, index=False, sheet_name=out.stem[:31] or "mart", engine="openpyxl")
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose csv or xlsx")
    tmp.replace(out)
    return len(frame)
