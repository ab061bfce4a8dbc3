"""assemble_articles: the stored date decision is kept, a year-less dateline is re-dated
against its listing neighbours (pure function, no IO), and a pinned old article bounds
nobody."""
from __future__ import annotations

import datetime as dt

from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles

SATKER = {"kab-serang": SatkerInfo("kab-serang", "KPU Kabupaten Serang", "https://kab-serang.kpu.go.id")}
FETCHED = "2026-01-10T01:00:00+00:00"  # the crawl ran in January 2026


def page(n: int, body: str, header: str | None = None) -> dict:
    return {"article_key": f"kab-serang/id:{n}", "satker_id": "kab-serang",
            "url": f"https://kab-serang.kpu.go.id/blog/read/{n}_x", "title": f"Rapat {n}", "header_text": header,
            "meta_date": None, "body": body, "author": None, "listing_title": f"Rapat {n}", "fetched_at": FETCHED}


def listing(n: int, position: int) -> dict:
    return {"satker_id": "kab-serang", "crawl_id": "c1", "page": 1, "position": position, "date_text": None,
            "first_seen_at": FETCHED}


def dates_of(rows) -> dict[str, dt.date]:
    return {r["article_key"]: r["published_date"] for r in rows}


def test_year_less_dateline_takes_the_year_of_its_newer_neighbour():
    # "(28/12)" read in January 2026 would be 28 Dec 2025; its newer neighbour says 2024
    pages = [page(1, "Serang (2/1) - rapat.", header="Ditulis Oleh: ADMIN Tanggal: 3 Januari 2025"),
             page(2, "Serang (28/12) - rapat.")]
    rows = assemble_articles(pages, {p["article_key"]: listing(i, i) for i, p in enumerate(pages)}, SATKER)
    assert dates_of(rows)["kab-serang/id:2"] == dt.date(2024, 12, 28)


def test_a_known_article_pinned_above_new_ones_does_not_date_them():
    # the nightly crawl: an old pengumuman the warehouse holds sits on top of page 1
    new = page(2, "Serang (8/1) - rapat.")
    listings = {"kab-serang/id:1": listing(1, 0), "kab-serang/id:2": listing(2, 1)}
    rows = assemble_articles([new], listings, SATKER, known_dates={"kab-serang/id:1": dt.date(2021, 3, 5)})
    assert dates_of(rows) == {"kab-serang/id:2": dt.date(2026, 1, 8)}


def test_a_fetched_article_pinned_above_newer_ones_does_not_date_them():
    # the first crawl: the pinned page is older than a dated article below it
    pinned = page(1, "Pengumuman.", header="Ditulis Oleh: ADMIN Tanggal: 5 Maret 2021")
    new = page(2, "Serang (8/1) - rapat.")
    dated = page(3, "Rapat.", header="Ditulis Oleh: ADMIN Tanggal: 2 Januari 2026")
    listings = {"kab-serang/id:1": listing(1, 0), "kab-serang/id:2": listing(2, 1), "kab-serang/id:3": listing(3, 2)}
    rows = assemble_articles([pinned, new, dated], listings, SATKER)
    assert dates_of(rows)["kab-serang/id:2"] == dt.date(2026, 1, 8)


def test_known_older_neighbours_from_the_warehouse_bound_a_new_year_less_dateline():
    # an old listing page walked again: the article below is known, from December 2024
    new = page(3, "Serang (2/1) - rapat.")
    listings = {"kab-serang/id:3": listing(3, 0), "kab-serang/id:9": listing(9, 1)}
    rows = assemble_articles([new], listings, SATKER, known_dates={"kab-serang/id:9": dt.date(2024, 12, 20)})
    assert dates_of(rows)["kab-serang/id:3"] == dt.date(2025, 1, 2)


def test_the_date_the_spider_stored_with_the_page_is_kept():
    stored = {**page(4, "Serang (1/1) - rapat."), "published_date": "2025-06-30", "date_source": "header",
              "date_raw": "30 Juni 2025", "date_flag": None, "year_inferred": False}
    (row,) = assemble_articles([stored], {}, SATKER)
    assert (row["published_date"], row["date_source"], row["date_raw"]) == (dt.date(2025, 6, 30), "header",
                                                                             "30 Juni 2025")
