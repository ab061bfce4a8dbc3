"""Analysts' corrections of an article's category or date (checked by
kpu_berita.categories.corrections_to_apply). They live in their own table, which builds
never write, and are applied by the article_facts view, so they survive every rebuild.
Recording one marks the article for the next build's mart refresh."""
from __future__ import annotations

from kpu_berita.warehouse.db import transaction


class CorrectionError(ValueError):
    """A correction that can't be recorded (an article the warehouse doesn't hold)."""


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
                            [[r["article_key"], r.get("category") or None, r.get("published_date") or None,
                              r.get("note") or ""] for r in rows])
        con.execute("INSERT INTO _dirty_articles SELECT unnest(?)", [keys])
    return len(rows)
