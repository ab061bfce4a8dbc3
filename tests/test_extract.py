"""Extraction from saved pages of both article URL shapes (/blog/read/ID_slug and
/berita/baca/ID/slug) and of two listing layouts (cards with an eye icon, an old table)."""
from __future__ import annotations

import pytest

from kpu_berita.pipelines.urls import article_key, canonical_url
from kpu_berita.spiders.extract import discover_category_id, extract_article, extract_listing
from kpu_berita.site_knowledge import listing_url
from tests.conftest import saved_page

SEED_002 = [
    (60, "Menjelang Pemilu 2024, Bakohumas Kunci Tangkal Hoaks dan Disinformasi"),
    (78, "Tingkatkan Koordinasi dengan Diskominfo, Persandian dan Statistik Kabupaten Serang, Bakohumas Kunci Penyebaran Informasi Yang Efektif dan Akurat"),
    (101, "Memulai 2022, KPU Kabupaten Serang Serahkan LAKIP Tahun 2021 dan Penandatanganan Perjanjian Kinerja Tahun 2022 Bersama KPU Provinsi Banten"),
    (79, "Outlook Pemilu dan Pemilihan Tahun 2024: Menyiapkan Demokrasi Elektoral yang Partisipatif dan Berkeadilan"),
    (301, "PENDIDIKAN PEMILIH DAN PEMILIH BERDAULAT"),
    (90, "Optimalisasi Peran Bakohumas Kunci Dalam Menjalin Informasi Dengan Para Stakeholder"),
]


def test_blog_listing_items_views_and_order():
    response = saved_page("listing_blog_kab-serang.html")
    items = extract_listing(response.body, response.url)
    assert [(i.views, i.title) for i in items] == SEED_002
    assert all(i.url.startswith("https://kab-serang.kpu.go.id/blog/read/") for i in items)
    assert items[0].date_text is None  # this layout prints no date


def test_sidebar_and_offsite_links_are_not_items():
    response = saved_page("listing_blog_kab-serang.html")
    urls = [i.url for i in extract_listing(response.body, response.url)]
    assert len(urls) == len(set(urls)) == 6
    assert not any("kpu.go.id/berita" in u and "kab-serang" not in u for u in urls)


def test_table_listing_dates_and_dibaca_views():
    response = saved_page("listing_table_kab-kayongutara.html")
    items = extract_listing(response.body, response.url)
    assert [(i.date_text, i.views) for i in items] == [("30/09/2021", 128), ("22/09/2021", 1204), ("15/09/2021", 77)]
    assert items[1].title == "Sosialisasi Pendidikan Pemilih bagi Pemilih Pemula"


def test_blog_article_header_author_views_body():
    response = saved_page("article_blog_kota-malang.html")
    data = extract_article(response.body, response.url)
    assert data.title == "SAMBUTAN DAN ARAHAN KPU RI DALAM SOSIALISASI JUKNIS BAKOHUMAS KPU, KPU PROVINSI DAN KPU KAB/KOTA"
    assert data.header_text == "Ditulis Oleh: ADMIN Tanggal: 15 September 2021"
    assert data.author == "ADMIN"
    assert data.views == 212
    assert data.body.startswith("Pada Rabu (15/09/21) Komisi Pemilihan Umum Republik Indonesia")
    assert data.body.rstrip().endswith("(ADMIN)")
    assert "Bagikan" not in data.body


def test_legacy_article_title_not_the_logo_and_views():
    response = saved_page("article_legacy_kota-palu.html")
    data = extract_article(response.body, response.url)
    assert data.title == "KPU Kota Palu Gelar Sosialisasi PKPU Nomor 13 dan Nomor 14"
    assert data.header_text is None and data.author is None
    assert data.views == 164
    assert data.body.startswith("Palu, kota-palu.kpu.go.id – Palu, 13 Oktober 2025 -")
    assert "Berita Lainnya" not in data.body


def test_category_discovery_from_menu():
    assert discover_category_id(saved_page("listing_blog_kab-serang.html").body) == 104
    assert discover_category_id('<a href="/index.php/blog/category/29">Berita Terkini</a>'
                                '<a href="/blog/category/104">Berita KPU</a>') == 29
    assert discover_category_id("<p>no menu</p>") is None


@pytest.mark.parametrize("url, key", [
    ("https://kab-serang.kpu.go.id/blog/read/9100_menjelang-pemilu", "kab-serang/id:9100"),
    ("https://kab-serang.kpu.go.id/index.php/blog/read/9100_menjelang-pemilu?x=1", "kab-serang/id:9100"),
    ("https://kota-palu.kpu.go.id/berita/baca/8168/pengumuman-nomor-163", "kota-palu/id:8168"),
    ("https://kip-naganraya.kpu.go.id/berita/baca/7771/-", "kip-naganraya/id:7771"),
    ("https://kab-bangli.kpu.go.id/blog/read/sambut-hari-lahir-pancasila,-kpu-bangli", "kab-bangli/slug:sambut-hari-lahir-pancasila,-kpu-bangli"),
])
def test_article_keys(url, key):
    assert article_key(key.split("/")[0], url) == key


def test_canonical_url_drops_index_php_and_query():
    assert canonical_url("https://Kab-Serang.kpu.go.id/index.php/blog/read/1_a?page=2#x") == \
        "https://kab-serang.kpu.go.id/blog/read/1_a"


def test_listing_urls_follow_the_real_shapes():
    assert listing_url("https://kab-serang.kpu.go.id/", 104, 1) == "https://kab-serang.kpu.go.id/blog/category/104"
    assert listing_url("https://kota-kupang.kpu.go.id", 29, 3) == "https://kota-kupang.kpu.go.id/index.php/blog/category/29?page=3"
