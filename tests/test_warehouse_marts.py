"""Warehouse schema upgrades in place, and the marts' period arithmetic (views at period
end, views gained, province roll-up, silent satker) on a small hand-made warehouse."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from kpu_berita.warehouse.db import _sql_files, connect
from kpu_berita.warehouse import merge
from kpu_berita.warehouse.merge import recompute_all
from kpu_berita.warehouse.export import ExportError, mart_frame, write_frame


def test_an_old_warehouse_upgrades_in_place_without_losing_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a warehouse as the first release left it: migration 001 only
    con.execute("CREATE TABLE _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    first_name, first_sql = _sql_files("migrations")[0]
    con.execute(first_sql)
    con.execute("INSERT INTO _migrations (name) VALUES (?)", [first_name])
    con.execute("INSERT INTO corrections (article_key, category, note) VALUES ('kab-serang/id:1', 'audiensi', 'kept')")
    con.close()

    con = connect(path)
    try:
        applied = [n for (n,) in con.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]
        assert applied == [name for name, _ in _sql_files("migrations")]
        assert con.execute("SELECT note FROM corrections").fetchall() == [("kept",)]
        assert con.execute("SELECT count(*) FROM _publications").fetchone() == (0,)
    finally:
        con.close()
    con = connect(path)  # applying again is a no-op
    con.close()


def test_social_rows_stored_before_migration_014_are_renumbered_where_that_can_be_told(tmp_path):
    """source_row was the data row (1 = first under the header) while the import's errors said
    "row 2" for it; an import holding a row 1 was numbered that way, one without can't be told."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # migrations 001-013 applied, social figures imported under them
    con.execute("CREATE TABLE _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    for name, sql in _sql_files("migrations"):
        if name < "014":
            con.execute(sql)
            con.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
    imports = [("q3.csv", "2021-10-02 09:00:00+00", "Facebook", 1), ("q3.csv", "2021-10-02 09:00:00+00", "Instagram", 2),
               # q3.csv again, its first row unchanged (not stored again): old or new, nothing says
               ("q3.csv", "2021-10-03 09:00:00+00", "Youtube", 3),
               ("q4.csv", "2022-01-02 09:00:00+00", "Facebook", 2)]  # numbered as a sheet already
    for source, at, platform, row in imports:
        con.execute("""INSERT INTO social_media_stats (satker_id, period_key, period_start, period_end, platform,
                       posts, source_file, source_row, imported_at)
                       VALUES ('kab-serang', '2021Q3', DATE '2021-07-01', DATE '2021-09-30', ?, 1, ?, ?, ?)""",
                    [f"{platform} {source}", source, row, at])
    con.close()

    con = connect(path)
    try:
        rows = con.execute("SELECT platform, source_row FROM social_media_stats ORDER BY imported_at, source_row").fetchall()
        assert rows == [("Facebook q3.csv", 2), ("Instagram q3.csv", 3), ("Youtube q3.csv", 3), ("Facebook q4.csv", 2)]
    finally:
        con.close()
    con = connect(path)  # applied once: connecting again renumbers nothing
    try:
        assert con.execute("SELECT max(source_row) FROM social_media_stats").fetchone() == (3,)
    finally:
        con.close()


def utc(day: str, hour: int = 1) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.timezone.utc)


@pytest.fixture
def warehouse(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("""INSERT INTO satker VALUES
        ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', 'http://x'),
        ('kota-serang', 'KPU Kota Serang', 'kota', 'Banten', '36.73', 'http://y'),
        ('bali', 'KPU Provinsi Bali', 'provinsi', 'Bali', '51', 'http://z')""")
    con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1), ('audiensi', 'Audiensi', 2)")
    articles = [("a1", "kab-serang", "2025-07-10", "rapat"), ("a2", "kab-serang", "2025-08-20", "audiensi"),
                ("a3", "kab-serang", "2025-10-05", "rapat"), ("b1", "bali", "2025-05-01", "rapat")]
    for key, satker, day, category in articles:
        con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date,
                       body, is_repost) VALUES (?, ?, ?, ?, ?, ?, '', false)""", [key, satker, f"http://x/{key}", key, key, day])
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) VALUES (?, ?, 0.9, 'rule', [])", [key, category])
    # crawls: 2025-07-15, 2025-09-30 (end of Q3), 2025-10-20
    snapshots = [("a1", "c1", "2025-07-15", 10), ("a1", "c2", "2025-09-30", 40), ("a1", "c3", "2025-10-20", 55),
                 ("a2", "c2", "2025-09-30", 7), ("a2", "c3", "2025-10-20", 9),
                 ("a3", "c3", "2025-10-20", 3), ("b1", "c3", "2025-10-20", 100)]
    for key, crawl, day, views in snapshots:
        satker = "bali" if key == "b1" else "kab-serang"
        con.execute("INSERT INTO view_snapshots VALUES (?, ?, ?, 'listing', ?, ?)", [key, satker, crawl, utc(day), views])
    con.execute("INSERT INTO crawls VALUES ('c3', ['kab-serang', 'kota-serang', 'bali'], true, 0, now(), NULL)")
    con.execute("INSERT INTO satker_last_crawl VALUES ('kab-serang', ?), ('bali', ?)", [utc("2025-10-20"), utc("2025-10-20")])
    recompute_all(con)
    yield con
    con.close()


def rows(con, sql, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_quarter_marts_views_latest_at_period_end_and_gained(warehouse):
    q3 = rows(warehouse, "SELECT * FROM mart_quarterly_satker WHERE satker_id = 'kab-serang' AND quarter = '2025Q3'")[0]
    assert q3["articles"] == 2
    assert q3["views"] == 55 + 9  # latest counts
    assert q3["views_at_period_end"] == 40 + 7  # the 2025-09-30 crawl
    # a1: first crawl in its own quarter (10) + 30 gained by 09-30; a2: first crawl in its quarter (7)
    assert q3["views_gained"] == 10 + 30 + 7
    q4 = rows(warehouse, "SELECT * FROM mart_quarterly_satker WHERE satker_id = 'kab-serang' AND quarter = '2025Q4'")[0]
    assert q4["articles"] == 1
    assert q4["views_gained"] == 15 + 2 + 3  # a1 and a2 kept gaining in Q4; a3 was published in Q4
    bali_q2 = rows(warehouse, "SELECT * FROM mart_quarterly_satker WHERE satker_id = 'bali' ORDER BY quarter")
    # b1's first crawl came a quarter after it was published: no baseline, so nothing counts as gained
    assert [(r["quarter"], r["articles"], r["views_gained"], r["views_at_period_end"]) for r in bali_q2] == [("2025Q2", 1, 0, None)]


def test_monthly_marts_add_up_to_the_quarter(warehouse):
    monthly = rows(warehouse, """SELECT month, articles FROM mart_monthly_satker
                                  WHERE satker_id = 'kab-serang' AND articles > 0 ORDER BY month""")
    assert monthly == [{"month": "2025-07", "articles": 1}, {"month": "2025-08", "articles": 1},
                       {"month": "2025-10", "articles": 1}]


def test_province_rollup_counts_silent_satker(warehouse):
    banten = rows(warehouse, "SELECT * FROM mart_quarterly_province WHERE province = 'Banten' AND quarter = '2025Q3'")[0]
    assert (banten["satker"], banten["satker_publishing"], banten["satker_silent"], banten["articles"]) == (2, 1, 1, 2)


def test_top_articles_and_silent_satker(warehouse):
    top = rows(warehouse, "SELECT title, rank_in_satker FROM mart_top_articles WHERE quarter = '2025Q3' ORDER BY rank_in_satker")
    assert top == [{"title": "a1", "rank_in_satker": 1}, {"title": "a2", "rank_in_satker": 2}]
    activity = {r["satker_id"]: r for r in rows(warehouse, "SELECT * FROM mart_satker_activity")}
    assert activity["kab-serang"]["days_since_last_article"] == 15 and not activity["kab-serang"]["silent_30d"]
    assert activity["bali"]["silent_30d"]  # last article 2025-05-01, crawled 2025-10-20
    assert activity["kota-serang"]["silent_30d"] and activity["kota-serang"]["articles"] == 0


def test_export_filters_and_writes_csv_and_xlsx(warehouse, tmp_path):
    frame = mart_frame(warehouse, "mart_quarterly_satker", {"quarter": ["2025q3"], "province": None})
    assert frame.column("satker_id").to_pylist() == ["kab-serang"]
    assert write_frame(frame, tmp_path / "q.csv", "csv") == 1
    assert "kab-serang" in (tmp_path / "q.csv").read_text(encoding="utf-8")
    write_frame(mart_frame(warehouse, "mart_satker_activity", {}), tmp_path / "a.xlsx", "xlsx")
    import openpyxl
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    assert sheet.max_row == 4 and sheet.cell(1, 1).value == "satker_id"
    # the sheet is named after the file: a name Excel refuses as a sheet's was a ValueError
    write_frame(mart_frame(warehouse, "mart_satker_activity", {}), tmp_path / "laporan[tw3]: banten?.xlsx", "xlsx")
    assert openpyxl.load_workbook(tmp_path / "laporan[tw3]: banten?.xlsx").sheetnames == ["laporan_tw3__ banten_"]
    with pytest.raises(ExportError, match="unknown mart 'articles'"):
        mart_frame(warehouse, "articles", {})
    with pytest.raises(ExportError, match="no quarter column"):
        mart_frame(warehouse, "mart_satker_activity", {"quarter": ["2025Q3"]})


def _mart_state(con) -> tuple:
    return (sorted(con.execute("SELECT * FROM report_articles").fetchall()),
            sorted(con.execute("SELECT * FROM mart_period_satker_category").fetchall(), key=str))


def test_marts_refreshed_in_batches_equal_one_refresh(warehouse):
    whole = _mart_state(warehouse)
    warehouse.execute("INSERT INTO _recompute_pending VALUES (true)")
    assert merge.refresh_marts(warehouse, batch_size=1)["articles_refreshed"] == 4
    assert _mart_state(warehouse) == whole
    assert warehouse.execute("SELECT count(*) FROM _dirty_articles").fetchone()[0] == 0


def test_an_article_marked_dirty_twice_is_refreshed_once(warehouse):
    whole = _mart_state(warehouse)
    key = warehouse.execute("SELECT article_key FROM report_articles ORDER BY 1 LIMIT 1").fetchone()[0]
    warehouse.execute("INSERT INTO _dirty_articles VALUES (?), (?)", [key, key])  # e.g. a page and its views
    assert merge.refresh_marts(warehouse, batch_size=1)["articles_refreshed"] == 1
    assert _mart_state(warehouse) == whole
    assert warehouse.execute("SELECT count(*) FROM _dirty_articles").fetchone()[0] == 0


def test_a_refresh_stopped_between_batches_is_finished_by_the_next(warehouse, monkeypatch):
    whole = _mart_state(warehouse)
    warehouse.execute("INSERT INTO _recompute_pending VALUES (true)")
    real_sql_text = merge.sql_text

    def period_refresh_dies(name):
        if name == "refresh_period_marts.sql":
            raise KeyboardInterrupt("killed after the article batches")
        return real_sql_text(name)

    monkeypatch.setattr(merge, "sql_text", period_refresh_dies)
    with pytest.raises(KeyboardInterrupt):
        merge.refresh_marts(warehouse, batch_size=3)
    assert warehouse.execute("SELECT count(*) FROM _dirty_articles").fetchone()[0] == 0  # both batches committed
    assert warehouse.execute("SELECT count(*) FROM mart_period_satker_category").fetchone()[0] == 0
    monkeypatch.setattr(merge, "sql_text", real_sql_text)
    merge.refresh_marts(warehouse)
    assert _mart_state(warehouse) == whole


def test_an_article_listed_twice_blocks_the_publish_even_when_the_counts_add_up(warehouse):
    from kpu_berita.dagster_project.checks import marts_match_articles

    assert marts_match_articles(warehouse).passed
    # report_articles has no key index (migration 010); one row doubled and one lost
    warehouse.execute("INSERT INTO report_articles SELECT * FROM report_articles WHERE article_key = 'a1'")
    warehouse.execute("DELETE FROM report_articles WHERE article_key = 'a2'")
    result = marts_match_articles(warehouse)
    assert not result.passed
    assert result.metadata["report_articles_listed_twice"].value == 1


def test_an_article_categorised_twice_blocks_the_publish(warehouse):
    from kpu_berita.dagster_project.checks import categories_cover_articles

    assert categories_cover_articles(warehouse).passed
    # article_categories has no key index (migration 013)
    warehouse.execute("INSERT INTO article_categories SELECT * FROM article_categories WHERE article_key = 'a1'")
    result = categories_cover_articles(warehouse)
    assert not result.passed
    assert result.metadata["articles_categorised_twice"].value == 1


def test_a_check_names_twenty_silent_satker_and_counts_the_rest():
    from kpu_berita.dagster_project.checks import LISTED_SATKER, satker_fresh

    con = duckdb.connect()
    con.execute("""CREATE TABLE mart_satker_activity AS
                   SELECT 'kab-' || i AS satker_id, 40 + i AS days_since_last_article, true AS silent_30d
                   FROM range(485) t(i)""")
    result = satker_fresh(con)
    named = result.metadata["satker_silent_30d"].value
    assert not result.passed and result.metadata["count"].value == 485
    assert named.startswith("kab-484 (524 days), kab-483 (523 days)")  # the longest silent first
    assert named.count(" days)") == LISTED_SATKER
    assert named.endswith("and 465 more (all in mart_satker_activity WHERE silent_30d)")


def test_a_crawl_that_saw_the_same_count_adds_no_crawl_views_row_nor_changes_an_answer(warehouse, tmp_path):
    # a4 shows 5 views in all three crawls; a5 goes 20, 15 (a counter reset), 18
    warehouse.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date,
                         body, is_repost) VALUES ('a4', 'kab-serang', 'http://x/a4', 'a4', 'a4', '2025-07-01', '', false),
                                             ('a5', 'kab-serang', 'http://x/a5', 'a5', 'a5', '2025-07-02', '', false)""")
    warehouse.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                      "VALUES ('a4', 'rapat', 0.9, 'rule', []), ('a5', 'rapat', 0.9, 'rule', [])")
    for key, counts in (("a4", (5, 5, 5)), ("a5", (20, 15, 18))):
        for crawl, day, views in zip(("c1", "c2", "c3"), ("2025-07-15", "2025-09-30", "2025-10-20"), counts):
            warehouse.execute("INSERT INTO view_snapshots VALUES (?, 'kab-serang', ?, 'listing', ?, ?)",
                              [key, crawl, utc(day), views])
    recompute_all(warehouse)

    kept = rows(warehouse, """SELECT article_key, crawl_id, views, gained, first_crawl FROM article_crawl_views
                              WHERE article_key IN ('a4', 'a5') ORDER BY ALL""")
    assert [(r["article_key"], r["crawl_id"], r["views"], r["gained"]) for r in kept] == [
        ("a4", "c1", 5, 5), ("a5", "c1", 20, 20), ("a5", "c2", 15, 0), ("a5", "c3", 18, 3)]
    latest = rows(warehouse, "SELECT * FROM article_latest_views WHERE article_key = 'a4'")[0]
    assert latest["views"] == 5 and latest["views_seen_at"] == utc("2025-10-20")  # the last sighting, not the last change
    q3 = rows(warehouse, "SELECT * FROM mart_quarterly_satker WHERE satker_id = 'kab-serang' AND quarter = '2025Q3'")[0]
    assert q3["views_at_period_end"] == 40 + 7 + 5 + 15  # a4's count at 09-30 comes from its 07-15 row
    assert q3["views"] == 55 + 9 + 5 + 18

    # the nightly merge keeps the same rows: a fourth crawl where a4 is unchanged and a5 gains
    views = tmp_path / "views.parquet"
    duckdb.sql(f"""COPY (SELECT * FROM (VALUES ('a4', 'kab-serang', 'listing', TIMESTAMPTZ '2025-11-01 01:00:00+00', 5),
                                              ('a5', 'kab-serang', 'listing', TIMESTAMPTZ '2025-11-01 01:00:00+00', 21))
                         t(article_key, satker_id, source, seen_at, views)) TO '{views}' (FORMAT parquet)""")
    warehouse.execute("DELETE FROM _dirty_articles")
    merge._merge_views(warehouse, "c4", str(views))
    assert rows(warehouse, "SELECT article_key, gained FROM article_crawl_views WHERE crawl_id = 'c4'") == [
        {"article_key": "a5", "gained": 3}]
    assert [r["article_key"] for r in rows(warehouse, "SELECT * FROM _dirty_articles")] == ["a5"]
    assert rows(warehouse, "SELECT views, views_seen_at FROM article_latest_views WHERE article_key = 'a4'") == [
        {"views": 5, "views_seen_at": utc("2025-11-01")}]


def test_a_crawl_counts_the_larger_of_listing_and_page_and_either_alone(warehouse):
    # a6: c1 listing 10 and page 12 (the page fetch itself adds a view), c2 its page alone
    # (no longer on the listing pages read), c3 the listing alone, still at 15
    warehouse.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date,
                         body, is_repost) VALUES ('a6', 'kab-serang', 'http://x/a6', 'a6', 'a6', '2025-07-01', '', false)""")
    warehouse.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                      "VALUES ('a6', 'rapat', 0.9, 'rule', [])")
    for crawl, source, day, hour, views in (("c1", "listing", "2025-07-15", 1, 10), ("c1", "article", "2025-07-15", 2, 12),
                                            ("c2", "article", "2025-09-30", 1, 15), ("c3", "listing", "2025-10-20", 1, 15)):
        warehouse.execute("INSERT INTO view_snapshots VALUES ('a6', 'kab-serang', ?, ?, ?, ?)",
                          [crawl, source, utc(day, hour), views])
    recompute_all(warehouse)

    kept = rows(warehouse, "SELECT crawl_id, seen_at, views, gained, first_crawl FROM article_crawl_views "
                           "WHERE article_key = 'a6' ORDER BY seen_at")
    assert [(r["crawl_id"], r["seen_at"], r["views"], r["gained"], r["first_crawl"]) for r in kept] == [
        ("c1", utc("2025-07-15", 2), 12, 12, True), ("c2", utc("2025-09-30"), 15, 3, False)]
    assert rows(warehouse, "SELECT views, views_seen_at FROM article_latest_views WHERE article_key = 'a6'") == [
        {"views": 15, "views_seen_at": utc("2025-10-20")}]


# every article's count per crawl where it changed, by one window over all rows: what the
# recompute's four parts must give together, whatever the satker
REFERENCE_CRAWL_VIEWS = """
    SELECT article_key, satker_id, crawl_id, views, previous IS NULL AS first_crawl FROM (
        SELECT *, lag(views) OVER (PARTITION BY article_key ORDER BY seen_at) AS previous FROM (
            SELECT article_key, any_value(satker_id) AS satker_id, crawl_id, max(seen_at) AS seen_at, max(views) AS views
            FROM view_snapshots GROUP BY article_key, crawl_id))
    WHERE previous IS NULL OR views <> previous ORDER BY ALL"""


@pytest.mark.parametrize("satker_of_articles, satker_of_views", [
    ([], ["kab-a"]),  # views of listed articles whose pages were never fetched: no article at all
    (["kab-a"], ["kab-a"]),  # one satker: fewer cuts than ranges
    (["kab-a", "kab-b"], ["kab-a", "kab-b", "kab-c", "aaa"]),  # satker outside the articles' range, both ends
    ([f"kab-{i:02d}" for i in range(9)], [f"kab-{i:02d}" for i in range(9)]),
])
def test_crawl_views_in_four_parts_equal_one_window_over_all(tmp_path, satker_of_articles, satker_of_views):
    con = connect(tmp_path / "w.duckdb")
    try:
        for i, satker in enumerate(satker_of_articles):
            con.execute("INSERT INTO articles (article_key, satker_id, url, title, title_normalised, body, is_repost) "
                        "VALUES (?, ?, ?, 't', 't', '', false)", [f"{satker}/id:{i}", satker, f"https://x/{i}"])
        for satker in satker_of_views:
            for crawl, views in enumerate((5, 5, 9, 12)):
                for source, extra in (("listing", 0), ("article", 1)):
                    if source == "article" and crawl != 1:
                        continue  # a page is fetched once; its count beside the listing's that night
                    con.execute("INSERT INTO view_snapshots VALUES (?, ?, ?, ?, ?, ?)",
                                [f"{satker}/id:{len(satker)}", satker, f"c{crawl}", source,
                                 utc(f"2025-01-{10 + crawl:02d}"), views + extra])
        recompute_all(con)
        got = con.execute("SELECT article_key, satker_id, crawl_id, views, first_crawl FROM article_crawl_views "
                          "ORDER BY ALL").fetchall()
        assert got == con.execute(REFERENCE_CRAWL_VIEWS).fetchall()
        assert {r[0] for r in got} == {f"{s}/id:{len(s)}" for s in satker_of_views}
    finally:
        con.close()
