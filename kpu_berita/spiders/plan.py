"""What a crawl should ask for: which articles we already have, and the refresh window."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from kpu_berita.pipelines.dates import YEAR_FROM_CRAWL_DATE


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def refresh_window_start(today: dt.date) -> dt.date:
    """First day of the previous quarter: views and late edits are refreshed back to here."""
    start = quarter_start(today)
    return quarter_start(start - dt.timedelta(days=1))


def known_articles(con, satker_ids: list[str]) -> dict[str, dict]:
    """article_key -> {"date": ISO published date or None, "title": the listing title when
    its page was fetched} for the articles the warehouse already holds."""
    if not satker_ids:
        return {}
    columns = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles'").fetchall()}
    title = "coalesce(listing_title, title)" if "listing_title" in columns else "title"  # before migration 004
    rows = con.execute(f"""SELECT article_key, published_date, {title}, date_flag IS NOT DISTINCT FROM ?
                           FROM articles WHERE list_contains(?, satker_id)""",
                       [YEAR_FROM_CRAWL_DATE, satker_ids]).fetchall()
    # "firm": a date a year-less neighbour may be bounded by (not itself a guess from a crawl date)
    return {key: {"date": d.isoformat() if d else None, "title": title, "firm": not guessed}
            for key, d, title, guessed in rows}


def known_articles_in(warehouse: Path, satker_ids: list[str]) -> dict[str, dict]:
    """known_articles() of the warehouse file at `warehouse`, opened read-only; {} when
    there is none yet (the first crawl of a home is the full crawl)."""
    if not Path(warehouse).exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return known_articles(con, satker_ids)
    finally:
        con.close()
