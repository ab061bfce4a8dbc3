"""The report queries on a small hand-made warehouse: --exclude-reposts leaves republished
news out and the report says how many, and the province report lists every satker of the
province, silent ones too."""
from __future__ import annotations

import datetime as dt

import docx
import pytest

from kpu_berita.reports.context import template_context
from kpu_berita.reports.data import province_report, satker_report
from kpu_berita.reports.make import uncrawled_note
from kpu_berita.reports.periods import quarter_period
from kpu_berita.reports.render_docx import render_docx, render_province_docx
from kpu_berita.reports.render_text import render_json, render_markdown, render_province_markdown
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


REPOSTS_LEFT_OUT = "1 artikel yang memuat ulang berita KPU RI atau KPU Provinsi tidak dihitung."


def test_the_report_says_how_many_reposts_it_left_out(warehouse, tmp_path):
    # --exclude-reposts changed the count without a word: the list looked shorter than the site's
    period = quarter_period("2021Q3")
    counted = satker_report(warehouse, "kab-serang", period)
    assert counted["reposts_excluded"] is None and "tidak dihitung" not in render_markdown(counted)
    without = satker_report(warehouse, "kab-serang", period, include_reposts=False)
    assert without["reposts_excluded"] == 1 and '"reposts_excluded": 1' in render_json(without)
    markdown = render_markdown(without)
    assert markdown.index(REPOSTS_LEFT_OUT) < markdown.index("**Juli 2021:**")  # under the count sentence
    assert REPOSTS_LEFT_OUT in [p.text for p in docx.Document(str(render_docx(without, tmp_path / "s.docx"))).paragraphs]
    context = template_context(without, layout="list", chart_png=None, photos={}, generated_on=dt.date(2021, 10, 4))
    assert (context["reposts_excluded"], context["reposts_line"]) == (1, REPOSTS_LEFT_OUT)
    province = province_report(warehouse, "Banten", period, include_reposts=False)
    assert province["reposts_excluded"] == 1 and REPOSTS_LEFT_OUT in render_province_markdown(province)
    document = docx.Document(str(render_province_docx(province, tmp_path / "p.docx")))
    assert REPOSTS_LEFT_OUT in [p.text for p in document.paragraphs]


def test_excluding_reposts_where_there_are_none_says_so_too(warehouse):
    report = satker_report(warehouse, "bali", quarter_period("2021Q3"), include_reposts=False)
    assert report["reposts_excluded"] == 0
    assert ("Artikel yang memuat ulang berita KPU RI atau KPU Provinsi tidak dihitung; pada periode ini tidak ada."
            in render_markdown(report))


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


def context_of(report: dict) -> dict:
    return template_context(report, layout="list", chart_png=None, photos={}, generated_on=dt.date(2021, 10, 4))


def _crawled(warehouse, day: str, *satker: str) -> None:
    warehouse.execute("INSERT INTO crawls VALUES ('c-' || ?, ?, true, 0, now(), NULL)", [day, list(satker)])
    for satker_id in satker:
        warehouse.execute("INSERT OR REPLACE INTO satker_last_crawl VALUES (?, ?)",
                          [satker_id, dt.datetime.fromisoformat(f"{day}T03:00:00+00:00")])


def test_a_period_past_the_last_crawl_says_so_in_the_document_not_only_on_stderr(warehouse, tmp_path):
    """The page pasted into the quarterly report said "7 artikel" for a quarter still running."""
    _crawled(warehouse, "2021-08-15", "kab-serang", "banten", "kota-serang")
    line = "Data website sampai 15 Agustus 2021 (perayapan terakhir): artikel yang diunggah sesudahnya belum tercatat."
    report = satker_report(warehouse, "kab-serang", quarter_period("2021Q3"))
    assert line in render_markdown(report)
    assert line in [p.text for p in docx.Document(str(render_docx(report, tmp_path / "s.docx"))).paragraphs]
    assert context_of(report)["data_until_line"] == line
    # crawled after the period ended: nothing to say
    assert line not in render_markdown(satker_report(warehouse, "kab-serang", quarter_period("2021Q2")))
    assert context_of(satker_report(warehouse, "kab-serang", quarter_period("2021Q2")))["data_until_line"] == ""


def test_a_province_report_does_not_call_satker_silent_in_a_period_not_crawled_yet(warehouse, tmp_path):
    _crawled(warehouse, "2021-08-15", "kab-serang", "banten", "kota-serang")
    later = province_report(warehouse, "banten", quarter_period("2021Q4"))
    assert uncrawled_note(later) == ("note: 3 of the 3 satker of Banten were last crawled before 2021-12-31 (the "
                                     "earliest on 2021-08-15): what they published after that is not in the report yet")
    text = render_province_markdown(later)
    assert "Data website sampai 15 Agustus 2021" in text
    assert "tidak ada artikel" not in text and text.count("(belum dirayapi pada periode ini)") == 3
    document = docx.Document(str(render_province_docx(later, tmp_path / "p.docx")))
    assert document.tables[0].rows[3].cells[0].text == "KPU Kota Serang (belum dirayapi pada periode ini)"
    # the quarter the crawl is in: kota-serang published nothing up to the crawl, so far silent
    running = render_province_markdown(province_report(warehouse, "banten", quarter_period("2021Q3")))
    assert "KPU Kota Serang **(tidak ada artikel)**" in running and "Data website sampai 15 Agustus 2021" in running
    # a quarter the crawls cover says neither
    earlier = render_province_markdown(province_report(warehouse, "banten", quarter_period("2021Q2")))
    assert "Data website sampai" not in earlier and "KPU Kota Serang **(tidak ada artikel)**" in earlier
