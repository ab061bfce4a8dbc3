"""Analysts' corrections of an article's category or date. They live in their own table,
which builds never write, and are applied by the article_facts view, so they survive every
rebuild. Recording one marks the article for the next build's mart refresh."""
from __future__ import annotations

import datetime as dt

from kpu_berita.warehouse.db import transaction


class CorrectionError(ValueError):
    """A correction that can't be recorded; the message names the file and row."""


def validate(rows: list[dict], where: list[str], categories, *, remove: bool = False) -> list[dict]:
    """Rows checked and normalised (dates as ISO strings); `where[i]` names row i's origin."""
    checked = []
    for row, origin in zip(rows, where):
        category = (row.get("category") or "").strip() or None
        if category and category not in categories:
            raise CorrectionError(f"{origin}: unknown category {category!r}; choose one of {', '.join(categories)}")
        day = (row.get("published_date") or "").strip() or None
        if day:
            try:
                day = dt.date.fromisoformat(day).isoformat()
            except ValueError:
                raise CorrectionError(f"{origin}: not a date (YYYY-MM-DD): {day!r}") from None
        if not remove and not (category or day):
            raise CorrectionError(f"{origin}: a correction needs a category or a published_date")
        checked.append({"article_key": row["article_key"].strip(), "category": category, "published_date": day,
                        "note": row.get("note") or ""})
    return checked


def record(con, rows: list[dict], *, remove: bool = False) -> int:
    """Replace (or with `remove`, drop) the corrections of these articles, all or none."""
    keys = [r["article_key"] for r in rows]
    known = {k for (k,) in con.execute("SELECT article_key FROM articles WHERE list_contains(?, article_key)",
                                       [keys]).fetchall()}
    missing = [k for k in keys if k not in known]
    if missing and not remove:
        raise CorrectionError(f"unknown article {missing[0]!r}: not in the warehouse")
    with transaction(con):
        con.execute("DELETE FROM corrections WHERE list_contains(?, article_key)", [keys])
        if not remove:
            con.executemany("INSERT INTO corrections (article_key, category, published_date, note) VALUES (?, ?, ?, ?)",
                            [[r["article_key"], r["category"], r["published_date"], r["note"]] for r in rows])
        con.execute("INSERT OR IGNORE INTO _dirty_articles SELECT unnest(?)", [keys])
    return len(rows)
