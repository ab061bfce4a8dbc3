"""mart_top_articles against the report's top five on a hand-made warehouse where views tie:
the same five in the same order, and an export of the mart in satker and rank order."""
from __future__ import annotations

import datetime as dt

import pytest

from kpu_berita.reports.data import satker_report
from kpu_berita.reports.periods import quarter_period
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.export import mart_frame
from kpu_berita.warehouse.merge import recompute_all

# (key, day, list_order, views): the keys as text ("id:1000" < "id:999") run against the dates,
# two articles share a day (the listing's order decides), and every view count but one ties
ARTICLES = [("kab-serang/id:999", "2021-07-05", 1, 50), ("kab-serang/id:1000", "2021-07-20", 3, 50),
            ("kab-serang/id:1001", "2021-08-02", 4, 50), ("kab-serang/id:1002", "2021-08-02", 5, 50),
            ("kab-serang/id:1003", "2021-08-30", 6, 70), ("kab-serang/id:1004", "2021-09-01", 7, 50),
            ("kab-serang/id:1005", "2021-09-10", 8, 50), ("kota-serang/id:1", "2021-07-01", 1, 9),
            ("kota-serang/id:2", "2021-07-02", 2, 9)]
# a quarter's worth of less-viewed articles: with a few rows the sort kept them in rank order by chance
FILLER = [(f"kab-serang/id:{2000 + n}", (dt.date(2021, 7, 1) + dt.timedelta(days=3 * n)).isoformat(), 100 + n,
           1 + (n * 37) % 30) for n in range(30)]


@pytest.fixture
def warehouse(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("""INSERT INTO satker VALUES
        ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', 'https://kab-serang.kpu.go.id'),
        ('kota-serang', 'KPU Kota Serang', 'kota', 'Banten', '36.73', 'https://kota-serang.kpu.go.id')""")
    con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1)")
    seen = dt.datetime(2021, 10, 5, tzinfo=dt.timezone.utc)
    for key, day, order, views in ARTICLES + FILLER:
        satker = key.split("/")[0]
        con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date,
                       body, is_repost, list_order) VALUES (?, ?, ?, ?, ?, ?, '', false, ?)""",
                    [key, satker, f"https://x/{key}", key, key, day, order])
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                    "VALUES (?, 'rapat', 0.9, 'rule', [])", [key])
        con.execute("INSERT INTO view_snapshots VALUES (?, ?, 'c1', 'listing', ?, ?)", [key, satker, seen, views])
    recompute_all(con)
    yield con
    con.close()


def test_the_marts_top_five_is_the_reports(warehouse):
    # the mart broke ties by the key as text, the report by date: two different "top 5"s
    report = satker_report(warehouse, "kab-serang", quarter_period("2021Q3"))
    mart = [t for (t,) in warehouse.execute("""SELECT title FROM mart_top_articles WHERE quarter = '2021Q3'
                                               AND satker_id = 'kab-serang' AND rank_in_satker <= 5
                                               ORDER BY rank_in_satker""").fetchall()]
    assert [a["title"] for a in report["top_articles"]] == mart
    # the most viewed, then the 50s by date; on 2 August the listing's newer (higher list_order) first
    assert mart == ["kab-serang/id:1003", "kab-serang/id:999", "kab-serang/id:1000", "kab-serang/id:1002",
                    "kab-serang/id:1001"]


def test_an_export_of_the_top_articles_is_in_satker_and_rank_order(warehouse):
    # the rows came out by quarter and satker only: row 2 had rank 29
    frame = mart_frame(warehouse, "mart_top_articles", {"quarter": ["2021Q3"]}).to_pylist()
    assert [(r["satker_id"], r["rank_in_satker"]) for r in frame] == (
        [("kab-serang", n) for n in range(1, 38)] + [("kota-serang", 1), ("kota-serang", 2)])
