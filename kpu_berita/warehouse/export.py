"""CSV / Excel export of any mart (or report_articles), optionally filtered. Rows travel
as an Arrow table; the csv module writes the CSV, openpyxl the workbook."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pyarrow as pa

from kpu_berita.user_files import written_whole
from kpu_berita.warehouse.db import require_known

EXPORTABLE_PREFIXES = ("mart_",)
EXPORTABLE_EXTRA = ("report_articles",)
# Rows in the order an analyst reads them; other marts by their first three columns (their
# grain). The top articles by their first three left each satker's ranks in any order.
ROW_ORDER = {"mart_top_articles": ("quarter", "satker_id", "rank_in_satker")}


class ExportError(ValueError):
    pass


def exportable(con) -> list[str]:
    names = [n for (n,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal UNION SELECT table_name FROM duckdb_tables()").fetchall()]
    return sorted(n for n in names if n.startswith(EXPORTABLE_PREFIXES) or n in EXPORTABLE_EXTRA)


def mart_frame(con, mart: str, filters: dict[str, list[str] | str | None]) -> pa.Table:
    """The rows of `mart` matching `filters` (column -> value or values; None = no filter)."""
    available = exportable(con)
    if mart not in available:
        raise ExportError(f"unknown mart {mart!r}; choose one of {', '.join(available)}")
    require_known(con, filters.get("satker_id"), filters.get("province"))
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
    order = ", ".join(f'"{c}"' for c in ROW_ORDER.get(mart, columns[:3]))
    sql = f'SELECT * FROM "{mart}"' + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    return con.sql(sql, params=params).to_arrow_table()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def _excel_value(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def _sheet_title(name: str) -> str:
    """A worksheet name Excel takes, from the file's: none of \\ / ? * [ ] :, at most 31 characters."""
    return re.sub(r"[\\/?*\[\]:]", "_", name)[:31].strip("'") or "mart"


def write_frame(frame: pa.Table, out: Path, fmt: str) -> int:
    """Write atomically (temp file + rename) so a failed export never leaves half a file."""
    out = Path(out)
    if fmt not in ("csv", "xlsx"):
        raise ExportError(f"unknown export format {fmt!r}; choose csv or xlsx")
    with written_whole(out) as tmp:
        if fmt == "csv":
            with open(tmp, "w", newline="", encoding="utf-8") as f:  # quoted only where a value needs it
                writer = csv.writer(f)
                writer.writerow(frame.column_names)
                writer.writerows([_csv_value(v) for v in row.values()] for row in frame.to_pylist())
        else:
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet(_sheet_title(out.stem))
            sheet.append(frame.column_names)
            for row in frame.to_pylist():
                sheet.append([_excel_value(v) for v in row.values()])
            book.save(tmp)
    return frame.num_rows
