"""Analysts' corrections of an article's category or date (checked by
kpu_berita.categories.corrections_to_apply). They live in their own table, which builds
never write, and are applied by the article_facts view, so they survive every rebuild.
Recording one marks the article for the next build's mart refresh."""
from __future__ import annotations

from kpu_berita.warehouse.db import transaction


class CorrectionError(ValueError):
    """A correction that can't be recorded (an article the warehouse doesn't hold)."""


def record(con, rows: list[dict], *, remove: bool = False) -> int:
    """Record these corrections, all or none; return how many articles they touched.

    A correction keeps what it doesn't give: a date corrected after a category keeps the
    category, and the reverse (an empty field leaves the stored one; the note too). With
    `remove`, the articles' corrections are dropped whole; the count is of those that had one."""
    if not rows:
        return 0
    keys = [r["article_key"] for r in rows]
    known = {k for (k,) in con.execute("SELECT article_key FROM articles WHERE list_contains(?, article_key)",
                                       [keys]).fetchall()}
    missing = [r for r in rows if r["article_key"] not in known]
    if missing and not remove:
        where = f"{missing[0]['_where']}: " if missing[0].get("_where") else ""  # the file and row it came from
        raise CorrectionError(f"{where}unknown article {missing[0]['article_key']!r}: not in the warehouse")
    with transaction(con):
        if remove:
            touched = con.execute("SELECT count(*) FROM corrections WHERE list_contains(?, article_key)",
                                  [keys]).fetchone()[0]
            con.execute("DELETE FROM corrections WHERE list_contains(?, article_key)", [keys])
        else:
            touched = len(rows)
            con.execute("CREATE OR REPLACE TEMP TABLE _incoming (article_key VARCHAR, category VARCHAR, "
                        "published_date DATE, note VARCHAR)")
            con.executemany("INSERT INTO _incoming VALUES (?, ?, ?, ?)",
                            [[r["article_key"], r.get("category") or None, r.get("published_date") or None,
                              r.get("note") or None] for r in rows])
            con.execute("""CREATE OR REPLACE TEMP TABLE _merged AS
                SELECT i.article_key, coalesce(i.category, c.category) AS category,
                       coalesce(i.published_date, c.published_date) AS published_date,
                       coalesce(i.note, c.note, '') AS note
                FROM _incoming i LEFT JOIN corrections c USING (article_key)""")
            con.execute("DELETE FROM corrections WHERE article_key IN (SELECT article_key FROM _incoming)")
            con.execute("INSERT INTO corrections (article_key, category, published_date, note) "
                        "SELECT article_key, category, published_date, note FROM _merged")
            con.execute("DROP TABLE _incoming")
            con.execute("DROP TABLE _merged")
        con.execute("INSERT INTO _dirty_articles SELECT unnest(?)", [keys])
        # a copy of an article published twice: the correction holds for the copy that stands for it
        con.execute("INSERT INTO _dirty_articles SELECT duplicate_of FROM articles "
                    "WHERE list_contains(?, article_key) AND duplicate_of IS NOT NULL", [keys])
    return touched
