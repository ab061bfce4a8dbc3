"""What a crawl should ask for: which articles we already have, and the refresh window."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from kpu_berita.pipelines.dates import YEAR_FROM_CRAWL_DATE
from kpu_berita.spiders.raw_store import pages_select
from kpu_berita.spiders.run import DONE, SPEC


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
    return _known_entries(rows)


def _known_entries(rows) -> dict[str, dict]:
    """{article_key: {"date", "title", "firm"}} of (key, date, title, date guessed) rows.
    "firm": a date a year-less neighbour may be bounded by (not itself a guess from a crawl date)."""
    return {key: {"date": d.isoformat() if d else None, "title": title, "firm": not guessed}
            for key, d, title, guessed in rows}


def known_articles_in(warehouse: Path, satker_ids: list[str], raw_dir: Path | None = None) -> dict[str, dict]:
    """known_articles() of the warehouse file at `warehouse`, opened read-only ({} when there
    is none yet: the first crawl of a home is the full crawl), and, given the home's
    `raw_dir`, the articles its finished crawls fetched that no build has published yet."""
    known: dict[str, dict] = {}
    published: set[str] = set()
    if Path(warehouse).exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            known = known_articles(con, satker_ids)
            published = {c for (c,) in con.execute("SELECT crawl_id FROM crawls").fetchall()}
        finally:
            con.close()
    if raw_dir is not None:
        known.update(fetched_by_unbuilt_crawls(raw_dir, published, satker_ids))
    return known


def fetched_by_unbuilt_crawls(raw_dir: Path, published: set[str], satker_ids: list[str]) -> dict[str, dict]:
    """known_articles()' entries for the pages that finished crawls outside `published` (the
    published warehouse's crawl ids) fetched of `satker_ids`; a later crawl's page wins.

    A crawl whose build never came (killed, a check failed, `crawl && build` stopped) would
    otherwise be crawled again in whole by the next one: hours of requests to every site for
    a national home's first crawl. Its pages are in its raw folder; the next build merges it."""
    wanted = set(satker_ids)
    crawls = [c for c in sorted(Path(raw_dir).glob("*"))
              if c.name not in published and (c / DONE).exists() and (c / SPEC).exists()
              and wanted & {s["satker_id"] for s in json.loads((c / SPEC).read_text(encoding="utf-8"))["sites"]}]
    known: dict[str, dict] = {}
    if not crawls:
        return known
    columns = {"satker_id": "VARCHAR", "article_key": "VARCHAR", "published_date": "DATE", "title": "VARCHAR",
               "listing_title": "VARCHAR", "year_inferred": "BOOLEAN"}
    with duckdb.connect() as con:
        for crawl_dir in crawls:  # oldest first: a later crawl's fetch of a page is the one the warehouse keeps
            rows = con.execute(f"""SELECT article_key, published_date, coalesce(listing_title, title),
                                          coalesce(year_inferred, false)
                                   FROM ({pages_select(crawl_dir, columns)}) WHERE list_contains(?, satker_id)""",
                               [sorted(wanted)]).fetchall()
            known.update(_known_entries(rows))
    return known
