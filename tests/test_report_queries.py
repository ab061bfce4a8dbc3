"""The report queries on a small hand-made warehouse: --exclude-reposts leaves republished
news out, and the province report lists every satker of the province, silent ones too."""
from __future__ import annotations

import pytest

from kpu_berita.reports.data import province_report, satker_report
from kpu_berita.reports.periods import quarter_period
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.merge import recompute_all


@pytest.fixture
def warehouse(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("""INSERT INTO satker VALUES
        ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', 'https://kab-serang.kpu.go.id'),
        ('kota-serang', 'KPU Kota Serang', 'kota', 'Banten', '36.73', 'https://kota-serang.kpu.go.id'),
        ('banten', 'KPU Provinsi Banten', 'provinsi', 'Banten', '36', 'https://banten.kpu.go.id'),
        ('bali', 'KPU Provinsi Bali', 'provinsi', 'Bali', '51', 'https://bali.kpu.go.id')""")
    con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1)")
    for key, satker, day, repost in (("own", "kab-serang", "2021-07-02", False),
                                      ("ri", "kab-serang", "2021-07-09", True),
                                      ("prov", "banten", "2021-08-01", False),
                                      ("bali", "bali", "2021-08-01", False)):
        con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date, body,
                       is_repost) VALUES (?, ?, ?, ?, ?, ?, '', ?)""", [key, satker, f"https://x/{key}", key, key, day, repost])
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                    "VALUES (?, 'rapat', 0.9, 'rule', [])", [key])
    recompute_all(con)
    yield con
    con.close()


def titles(report) -> list[str]:
    return [a["title"] for m in report["months"] for a in m["articles"]]


def test_exclude_reposts_leaves_republished_news_out(warehouse):
    period = quarter_period("2021Q3")
    assert titles(satker_report(warehouse, "kab-serang", period)) == ["own", "ri"]
    without = satker_report(warehouse, "kab-serang", period, include_reposts=False)
    assert titles(without) == ["own"] and without["total_articles"] == 1


def test_province_report_lists_every_satker_of_the_province_silent_ones_too(warehouse):
    report = province_report(warehouse, "banten", quarter_period("2021Q3"))
    by_satker = {r["satker_id"]: r["articles"] for r in report["satker"]}
    assert report["province"] == "Banten"
    assert by_satker == {"banten": 1, "kab-serang": 2, "kota-serang": 0}
    assert report["satker"][0]["satker_id"] == "banten"  # the province's own KPU first
    assert report["total_articles"] == 3


def test_the_province_report_leaves_reposts_out_when_asked(warehouse):
    # --exclude-reposts was read for one satker's report and ignored for a province's
    report = province_report(warehouse, "banten", quarter_period("2021Q3"), include_reposts=False)
    assert {r["satker_id"]: r["articles"] for r in report["satker"]} == {"banten": 1, "kab-serang": 1, "kota-serang": 0}
    assert report["total_articles"] == 2


def test_a_satker_no_crawl_was_asked_for_is_not_called_silent(warehouse):
    # a home that crawled part of a province under the shipped registry: the report called
    # the others "tidak ada artikel", where mart_quarterly_province does not count them
    from kpu_berita.reports.render_text import render_province_markdown

    warehouse.execute("INSERT INTO crawls VALUES ('c1', ['kab-serang', 'banten'], true, 0, now(), NULL)")
    report = province_report(warehouse, "banten", quarter_period("2021Q4"))
    assert {r["satker_id"]: r["crawled"] for r in report["satker"]} == {"banten": True, "kab-serang": True,
                                                                          "kota-serang": False}
    text = render_province_markdown(report)
    assert "KPU Kota Serang **(belum dirayapi)**" in text and "KPU Kabupaten Serang **(tidak ada artikel)**" in text
