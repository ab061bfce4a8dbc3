"""What a crawl should ask for: which articles we already have, and the refresh window."""
from __future__ import annotations

import datetime as dt


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def refresh_window_start(today: dt.date) -> dt.date:
    """First day of the previous quarter: views and late edits are refreshed back to here."""
    start = quarter_start(today)
    return quarter_start(start - dt.timedelta(days=1))


def known_articles(con, satker_ids: list[str]) -> dict[str, str | None]:
    """article_key -> ISO published date of the articles the warehouse already holds."""
    if not satker_ids:
        return {}
    rows = con.execute("SELECT article_key, published_date FROM articles WHERE list_contains(?, satker_id)",
                       [satker_ids]).fetchall()
    return {key: (d.isoformat() if d else None) for key, d in rows}
