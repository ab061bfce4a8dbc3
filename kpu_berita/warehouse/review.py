"""The review loop: flagged articles out as a sheet an analyst fills, the filled sheet back
in as corrections (`kpu-berita correct --file`), corrections in as training rows (`train`).

Functions take a DuckDB connection and know nothing about Dagster or the CLI.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kpu_berita.pipelines.classify.labelled import CATEGORY_DESCRIPTIONS, CATEGORY_LABELS, check_label
from kpu_berita.pipelines.dates import parse_quarter
from kpu_berita.user_csv import dict_reader, open_text
from kpu_berita.user_files import written_whole
from kpu_berita.warehouse.db import require_known

# What `kpu-berita correct --file` reads; the analyst fills `category` (and may fill the others).
CORRECTION_COLUMNS = ["article_key", "category", "published_date", "note"]
SHEET_COLUMNS = ["article_key", "satker_id", "article_date", "title", "best_category", "best_confidence",
                 "best_reason", "second_category", "second_confidence", "second_reason", "category",
                 "published_date", "note"]


REVIEW_SHEET = "review"


class SheetError(ValueError):
    pass


def flagged_articles(con, quarter: str, *, satker: list[str] | None = None, province: str | None = None) -> list[dict]:
    """Articles of the quarter flagged needs_review, with their best and second codes.
    A satker or province the warehouse doesn't know is UnknownName."""
    start, end = parse_quarter(quarter)
    require_known(con, satker, [province] if province else ())
    rows = con.execute("""
        SELECT r.article_key, r.satker_id, r.published_date AS article_date, r.title, a.body,
               c.category AS best_category, c.confidence AS best_confidence, c.reason AS best_reason,
               c.second_category, c.second_confidence
        FROM report_articles r JOIN article_categories c USING (article_key) JOIN articles a USING (article_key)
        WHERE c.needs_review AND r.category_reason <> 'correction' AND r.published_date BETWEEN ? AND ?
          AND (? IS NULL OR list_contains(?, r.satker_id)) AND (? IS NULL OR lower(r.province) = lower(?))
        ORDER BY r.satker_id, r.published_date, r.article_key""",
                       [start, end, satker or None, satker or [], province, province])
    columns = [d[0] for d in rows.description]
    return [{**dict(zip(columns, r)), "article_date": str(r[columns.index("article_date")])} for r in rows.fetchall()]


def review_sheet(flagged: list[dict], second_reasons: list[str]) -> list[dict]:
    """The sheet: one row per flagged article, the codes and reasons to choose from, and
    empty category / published_date / note for the analyst."""
    return [{**{c: row.get(c) for c in SHEET_COLUMNS}, "best_confidence": round(float(row["best_confidence"]), 3),
             "second_confidence": round(float(row["second_confidence"] or 0), 3), "second_reason": reason,
             "category": "", "published_date": "", "note": ""}
            for row, reason in zip(flagged, second_reasons)]


def write_sheet(rows: list[dict], out) -> int:
    """CSV or Excel by the suffix, written atomically (temp file + rename); CSV to `out` when it is a stream."""
    if hasattr(out, "write"):
        _write_csv(rows, out)
        return len(rows)
    out = Path(out)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise SheetError(f"--out {out}: give a .csv or .xlsx file")
    with written_whole(out) as tmp:
        if fmt == "csv":
            with open(tmp, "w", newline="", encoding="utf-8") as f:
                _write_csv(rows, f)
        else:
            _excel_sheet(rows).save(tmp)
    return len(rows)


# characters per column in the workbook: titles and reasons wide, codes and dates narrow
_COLUMN_WIDTHS = {"article_key": 24, "satker_id": 16, "article_date": 12, "title": 60, "best_reason": 36,
                  "second_reason": 36, "note": 30}


def _excel_sheet(rows: list[dict]):
    """The `review` sheet (the one `correct --file` reads), its `category` cells a
    drop-down of the taxonomy's codes, and a `kategori` sheet naming what each code means."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = REVIEW_SHEET
    sheet.append(SHEET_COLUMNS)
    for row in rows:
        sheet.append([row.get(c) for c in SHEET_COLUMNS])
    sheet.freeze_panes = "A2"
    for n, column in enumerate(SHEET_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = _COLUMN_WIDTHS.get(column, 14)
    codes = book.create_sheet("kategori")
    codes.append(["code", "label", "description"])
    for code, label in CATEGORY_LABELS.items():
        codes.append([code, label, CATEGORY_DESCRIPTIONS[code]])
    codes.column_dimensions["A"].width = 14
    codes.column_dimensions["B"].width = 34
    codes.column_dimensions["C"].width = 100
    choice = DataValidation(type="list", formula1=f"=kategori!$A$2:$A${len(CATEGORY_LABELS) + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="kategori",
                            error="Pilih salah satu kode di lembar 'kategori'.")
    column = get_column_letter(SHEET_COLUMNS.index("category") + 1)
    choice.add(f"{column}2:{column}{max(len(rows), 1) + 1}")
    sheet.add_data_validation(choice)
    return book


def _write_csv(rows: list[dict], stream) -> None:
    writer = csv.DictWriter(stream, fieldnames=SHEET_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def read_sheet(path: Path) -> list[dict]:
    """Rows of a corrections CSV or a filled review sheet (.csv or .xlsx), values as text.
    Column names are read as the sheet writes them whatever case or spaces they were typed
    with ("Category " is category), and a date Excel stored as a date is YYYY-MM-DD."""
    return read_sheet_columns(path)[1]


def read_sheet_columns(path: Path) -> tuple[list[str], list[dict]]:
    """read_sheet's (column names, rows): the columns of a sheet without rows too."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            # the `review` sheet even when the analyst saved the book while looking at `kategori`
            sheet = book[REVIEW_SHEET] if REVIEW_SHEET in book.sheetnames else book.active
            values = list(sheet.iter_rows(values_only=True))
        finally:
            book.close()
        header = [_column_name(h) for h in values[0]] if values else []
        return header, [{h: _cell_text(v) for h, v in zip(header, row)} for row in values[1:]]
    with open_text(path) as f:
        reader = dict_reader(f)
        rows = [{_column_name(k): (v or "").strip() for k, v in row.items()} for row in reader]
        return [_column_name(k) for k in reader.fieldnames or []], rows


def _column_name(header) -> str:
    return str(header or "").strip().lower()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # a date typed into Excel is stored as a date
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def corrections_as_training_rows(con) -> list[dict]:
    """Analysts' category corrections as labelled rows (title, lead of the body, satker, category)."""
    cursor = con.execute("""
        SELECT c.article_key, a.satker_id AS satker, a.title, a.body, c.category
        FROM corrections c JOIN articles a USING (article_key)
        WHERE c.category IS NOT NULL ORDER BY c.article_key""")
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
    for row in rows:
        check_label(row["category"], f"corrections table, article {row['article_key']}")
        row["source_file"] = "corrections"
    return rows


