"""An article a satker published twice is counted once: the same article under two URLs (a
site whose URLs change form, kpu_sites.md section 2) or posted twice. Same satker, normalised
title, date and text make one article; the newest fetch stands for it."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from kpu_berita import runner
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
from kpu_berita.demo_network.content import edit_site
from kpu_berita.reports.data import _second_copies, satker_report
from kpu_berita.reports.periods import parse_period
from kpu_berita.reports.render_text import render_markdown
from kpu_berita.warehouse import merge, status
from kpu_berita.warehouse.corrections import record
from kpu_berita.warehouse.db import _sql_files, connect, create_marts

BODY = "Palu, 3 Maret 2025 - KPU Kota Palu menggelar rapat pleno terbuka rekapitulasi DPB.\n\nRapat dihadiri Bawaslu."


def article(key: str, *, title="Rapat Pleno DPB", date="2025-03-03", body=BODY, fetched="2025-03-04 01:00",
            satker="kota-palu", image=None) -> dict:
    return {"article_key": key, "satker_id": satker, "url": f"https://{satker}.kpu.go.id/blog/read/{key}",
            "title": title, "title_normalised": title.lower(), "published_date": date, "body": body,
            "is_repost": False, "fetched_at": fetched, "lead_image_url": image}


def store(con, *rows: dict) -> None:
    """Rows into `articles`, as a build would have left them."""
    for row in rows:
        con.execute(f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def marked(tmp_path, rows: list[dict]) -> dict[str, str | None]:
    """duplicate_of of each row after marking every group, as a full rebuild does."""
    con = connect(tmp_path / "w.duckdb")
    try:
        store(con, *rows)
        con.execute("""CREATE TEMP TABLE _duplicate_scope AS SELECT satker_id, title_normalised, published_date
                       FROM articles GROUP BY ALL""")
        merge._mark_duplicates(con)
        return dict(con.execute("SELECT article_key, duplicate_of FROM articles").fetchall())
    finally:
        con.close()


def test_the_same_article_under_two_urls_is_one_the_newest_fetch_standing_for_it(tmp_path):
    assert marked(tmp_path, [article("old", fetched="2025-03-04 01:00"), article("new", fetched="2025-06-01 01:00")]) \
        == {"old": "new", "new": None}


def test_a_text_reflowed_or_re_punctuated_is_still_the_same_article(tmp_path):
    reflowed = BODY.replace(" - ", " — ").replace("\n\n", "\n\n\n").upper()
    assert marked(tmp_path, [article("a"), article("b", body=reflowed, fetched="2025-03-05 01:00")])["a"] == "b"


@pytest.mark.parametrize("other", [
    {"body": "Palu, 3 Maret 2025 - KPU Kota Palu mengumumkan hasil seleksi PPK."},  # another text
    # a templated opening, another report after it
    {"body": BODY.split("\n\n")[0] + "\n\nRapat dihadiri Dinas Dukcapil dan partai politik."},
    {"date": "2025-03-04"},                                                         # another day
    {"title": "Rapat Pleno DPB Maret"},                                             # another title
    {"satker": "kab-serang"},                                                       # another satker
], ids=["text", "same-opening", "day", "title", "satker"])
def test_articles_that_differ_in_any_of_it_are_two(tmp_path, other):
    assert marked(tmp_path, [article("a"), article("b", fetched="2025-03-05 01:00", **other)]) == {"a": None, "b": None}


def test_posts_without_text_are_never_taken_for_one_another(tmp_path):
    # a picture or PDF post: its lead image is often the site's logo, the same on every post
    logo = "https://kota-palu.kpu.go.id/img/logo-kpu.png"
    assert marked(tmp_path, [article("a", body="", image=logo), article("b", body="", image=logo,
                                                                         fetched="2025-03-05 01:00")]) == \
        {"a": None, "b": None}


def test_a_correction_of_the_old_copy_holds_for_the_one_that_stands_for_it(tmp_path):
    """An analyst corrected the article before its site moved it to a new URL."""
    con = connect(tmp_path / "w.duckdb")
    try:
        store(con, article("old"), article("new", fetched="2025-06-01 01:00"))
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason) "
                    "VALUES ('old', 'rapat', 0.6, 'model'), ('new', 'rapat', 0.6, 'model')")
        con.execute("DELETE FROM _dirty_articles")
        record(con, [{"article_key": "old", "category": "sosialisasi", "published_date": "2025-03-04"}])
        con.execute("""CREATE TEMP TABLE _duplicate_scope AS SELECT satker_id, title_normalised, published_date
                       FROM articles GROUP BY ALL""")
        merge._mark_duplicates(con)
        create_marts(con)
        facts = con.execute("SELECT article_key, category, published_date::VARCHAR, category_reason, duplicate_of "
                            "FROM article_facts ORDER BY article_key").fetchall()
        assert facts == [("new", "sosialisasi", "2025-03-04", "correction", None),
                         ("old", "rapat", "2025-03-03", "model", "new")]
        # a correction recorded on the old copy now marks the standing one for the refresh
        con.execute("DELETE FROM _dirty_articles")
        record(con, [{"article_key": "old", "category": "diskusi"}])
        assert {k for (k,) in con.execute("SELECT article_key FROM _dirty_articles").fetchall()} == {"old", "new"}
        assert con.execute("SELECT category FROM article_facts WHERE article_key = 'new'").fetchone() == ("diskusi",)
        # its own correction comes first
        record(con, [{"article_key": "new", "category": "tahapan"}])
        assert con.execute("SELECT category FROM article_facts WHERE article_key = 'new'").fetchone() == ("tahapan",)
    finally:
        con.close()


def test_undated_or_untitled_articles_are_never_taken_for_one_another(tmp_path):
    assert marked(tmp_path, [article("a", date=None), article("b", date=None),
                             article("c", title=""), article("d", title="")]) == dict.fromkeys("abcd")


def test_a_night_that_retitles_one_of_them_makes_them_two_again(tmp_path):
    """The groups an incoming article leaves are marked again too, not only those it joins."""
    con = connect(tmp_path / "w.duckdb")
    try:
        store(con, article("old"), article("new", fetched="2025-06-01 01:00"))
        con.execute("UPDATE articles SET duplicate_of = 'new' WHERE article_key = 'old'")
        con.execute("DELETE FROM _dirty_articles")
        files = {"articles": str(tmp_path / "articles.parquet"), "categories": str(tmp_path / "categories.parquet")}
        # the night's crawl: "new" fetched again, its title corrected on the site
        con.execute(f"""COPY (SELECT * REPLACE ('Rapat Pleno DPB Maret 2025' AS title, 'rapat pleno dpb maret 2025'
                                                AS title_normalised, fetched_at + INTERVAL 1 DAY AS fetched_at)
                              FROM (SELECT {', '.join(merge.ARTICLE_COLUMNS)} FROM articles WHERE article_key = 'new'))
                        TO '{files['articles']}' (FORMAT parquet)""")
        con.execute(f"""COPY (SELECT 'new' AS article_key, 'rapat' AS category, 1.0 AS confidence, 'rule' AS reason,
                                     []::VARCHAR[] AS topics, false AS needs_review, NULL::VARCHAR AS second_category,
                                     NULL::DOUBLE AS second_confidence, 'v1' AS model_version)
                        TO '{files['categories']}' (FORMAT parquet)""")
        merge._merge_articles(con, files)
        assert dict(con.execute("SELECT article_key, duplicate_of FROM articles").fetchall()) == \
            {"old": None, "new": None}
        assert sorted(k for (k,) in con.execute("SELECT DISTINCT article_key FROM _dirty_articles").fetchall()) \
            == ["new", "old"]
    finally:
        con.close()


def test_articles_stored_before_migration_015_are_marked_by_the_next_build(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # migrations 001-014 applied, articles stored under them
    con.execute("CREATE TABLE _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    for name, sql in _sql_files("migrations"):
        if name < "015":
            con.execute(sql)
            con.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
    con.execute("DELETE FROM _dirty_articles")
    store(con, article("old"), article("new", fetched="2025-06-01 01:00"), article("other", title="Sosialisasi"))
    con.close()

    con = connect(path)
    try:
        # migrated, not yet marked: a file published now (`kpu-berita social`) reports as before
        assert con.execute("SELECT count(duplicate_of) FROM articles").fetchone() == (0,)
        merge.refresh_marts(con)  # the next build
        assert dict(con.execute("SELECT article_key, duplicate_of FROM articles").fetchall()) == \
            {"old": "new", "new": None, "other": None}
        merge.refresh_marts(con)  # once: the next build marks nothing again
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_duplicates_unmarked'").fetchone() == (0,)
    finally:
        con.close()


def test_readers_of_a_published_file_from_before_migration_015_still_work(tmp_path):
    """Readers open the published file read-only: it stays at the release that built it until
    the next build. `status` refused it and `report` failed with a binder error."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for name, sql in _sql_files("migrations"):
        if name < "015":
            con.execute(sql)
    store(con, article("a"))
    # the views as a release before 015 made them, as far as status reads them
    con.execute("CREATE VIEW article_facts AS SELECT article_key, satker_id, published_date, false AS needs_review "
                "FROM articles")
    con.execute("CREATE VIEW mart_satker_activity AS SELECT satker_id, 0 AS days_since_last_article, "
                "false AS silent_30d FROM articles")
    con.close()

    figures = status.warehouse_figures(path)
    assert (figures.articles, figures.duplicates) == (1, 0)
    con = connect(path, read_only=True)
    try:
        assert _second_copies(con, ["kota-palu"], parse_period("2025Q1"), True) == 0
    finally:
        con.close()


# -- a site whose URLs change, through the crawl and both builds ------------------------------

@pytest.mark.slow
def test_articles_moved_to_new_urls_are_stored_under_both_and_counted_once(tmp_path):
    palu = next(s for s in build_demo_sites(as_of=DEFAULT_AS_OF) if s.satker_id == "kota-palu")
    moved = palu.articles[:3]
    home, registry = tmp_path / "home", tmp_path / "registry.csv"

    def night(site, crawl_date: dt.date):
        with DemoNetwork([site], as_of=crawl_date - dt.timedelta(days=1)) as network:
            network.write_registry(registry)
            return runner.materialize(KpuBerita(home=str(home), registry=str(registry), profile="loopback",
                                                crawl_date=crawl_date.isoformat()), runner.EVERYTHING)

    def warehouse():
        con = connect(home / "warehouse.duckdb", read_only=True)
        try:
            stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            reported = dict(con.execute("SELECT article_key, url FROM report_articles").fetchall())
            counted = con.execute("SELECT sum(articles) FROM mart_quarterly_satker").fetchone()[0]
            duplicates = dict(con.execute("SELECT article_key, duplicate_of FROM articles "
                                          "WHERE duplicate_of IS NOT NULL").fetchall())
            return stored, reported, counted, duplicates
        finally:
            con.close()

    night(palu, DEFAULT_AS_OF)
    stored, reported, counted, _ = warehouse()
    assert stored == len(palu.articles) == len(reported) == counted

    second = night(edit_site(palu, moved=tuple(a.article_id for a in moved)), DEFAULT_AS_OF + dt.timedelta(days=1))
    built = runner.metadata_of(second, "warehouse")
    assert (built["rows"], built["duplicates"], built["new_articles"]) == (len(palu.articles), len(moved), len(moved))
    figures = status.warehouse_figures(home / "warehouse.duckdb")
    assert (figures.articles, figures.duplicates) == (len(palu.articles), len(moved))
    assert f"{len(palu.articles)} articles of 1 satker (3 more published twice, counted once)" in \
        status.status_lines(home, home / "warehouse.duckdb", [], figures)[1]
    new_paths = {f"/blog/read/{a.article_id}_{a.slug}" for a in moved}
    for full in (False, True):
        if full:  # `build --full`: the same from the raw crawls
            runner.materialize(KpuBerita(home=str(home), registry=str(registry), rebuild=True),
                               runner.DOWNSTREAM_OF_CRAWL)
        stored, reported, counted, duplicates = warehouse()
        assert stored == len(palu.articles) + len(moved)
        assert len(reported) == counted == len(palu.articles), full
        # each moved article is reported once, under the URL the site lists now
        assert sum(url.endswith(tuple(new_paths)) for url in reported.values()) == len(moved)
        assert len(duplicates) == len(moved) and set(duplicates.values()) <= set(reported)

    # the report counts each once and says so under its count sentence
    period = parse_period("{}Q{}".format(moved[0].published.year, (moved[0].published.month - 1) // 3 + 1))
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        report = satker_report(con, "kota-palu", period)
    finally:
        con.close()
    copies = sum(period.start <= a.published <= period.end for a in moved)
    assert report["duplicates_counted_once"] == copies >= 1
    assert report["total_articles"] == sum(period.start <= a.published <= period.end for a in palu.articles)
    assert f"{copies} artikel yang diunggah dua kali (judul, tanggal dan isi sama) dihitung sekali." \
        in render_markdown(report)


def test_views_an_article_gained_are_counted_once_over_its_copies(tmp_path):
    """A site that moves an article to a new URL keeps its counter: the first count under the
    new URL carries the views the old one had shown, which were gained (and counted) then.
    An article posted twice by hand is two pages, each with a counter of its own."""
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("INSERT INTO satker VALUES ('kota-palu', 'KPU Kota Palu', 'kota', 'Sulawesi Tengah', '72.71', 'http://x')")
        con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1)")
        moved_body, twin_body = BODY, BODY.replace("Bawaslu", "Dinas Dukcapil")
        store(con, article("old", date="2025-07-10", body=moved_body, fetched="2025-07-15 01:00"),
              article("new", date="2025-07-10", body=moved_body, fetched="2025-07-25 01:00"),
              article("twin-a", title="Rapat DPB", date="2025-07-10", body=twin_body, fetched="2025-07-15 01:00"),
              article("twin-b", title="Rapat DPB", date="2025-07-10", body=twin_body, fetched="2025-07-15 02:00"))
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                    "SELECT article_key, 'rapat', 0.9, 'rule', [] FROM articles")
        snapshots = [("old", "c1", "2025-07-15", 10), ("twin-a", "c1", "2025-07-15", 6), ("twin-b", "c1", "2025-07-15", 4),
                     # the site moved "old" to a new URL; its count went on from 14
                     ("old", "c2", "2025-07-20", 14), ("new", "c3", "2025-07-25", 20), ("new", "c4", "2025-08-05", 26),
                     ("twin-a", "c3", "2025-07-25", 9), ("twin-b", "c3", "2025-07-25", 5)]
        for key, crawl, day, views in snapshots:
            at = dt.datetime.fromisoformat(day).replace(hour=1, tzinfo=dt.timezone.utc)
            con.execute("INSERT INTO view_snapshots VALUES (?, 'kota-palu', ?, 'listing', ?, ?)", [key, crawl, at, views])
        merge._mark_all_duplicates(con)
        assert dict(con.execute("SELECT article_key, duplicate_of FROM articles").fetchall()) == \
            {"old": "new", "new": None, "twin-a": "twin-b", "twin-b": None}
        merge.recompute_all(con)
        gained = dict(con.execute("SELECT month, views_gained FROM mart_monthly_satker "
                                  "WHERE satker_id = 'kota-palu' AND views_gained > 0").fetchall())
        # July: the article's 10, +4 under the old URL, +6 under the new one; each twin its own 9 and 5
        # (counting the new URL's first count, 20, whole made July 48)
        assert gained == {"2025-07": 10 + 4 + 6 + 9 + 5, "2025-08": 6}
        assert con.execute("SELECT sum(articles) FROM mart_monthly_satker").fetchone() == (2,)
    finally:
        con.close()
