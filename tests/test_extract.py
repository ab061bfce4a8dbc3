"""Extraction from saved pages of both article URL shapes (/blog/read/ID_slug and
/berita/baca/ID/slug) and of two listing layouts (cards with an eye icon, an old table),
field by field: a failure names the page and the field."""
from __future__ import annotations

import pytest

from kpu_berita.pipelines.urls import article_key, canonical_url
from kpu_berita.spiders.extract import discover_category_id, extract_article
from kpu_berita.spiders.listing import extract_listing
from kpu_berita.site_knowledge import listing_url
from tests.conftest import saved_page

SERANG = "https://kab-serang.kpu.go.id/blog/read/"
KAYONGUTARA = "https://kab-kayongutara.kpu.go.id/blog/read/"

# What each saved page must yield, field by field (listing fields list the items in page order).
ARTICLE_FIELDS = {
    "article_blog_kota-malang.html": {
        "title": "SAMBUTAN DAN ARAHAN KPU RI DALAM SOSIALISASI JUKNIS BAKOHUMAS KPU, KPU PROVINSI DAN KPU KAB/KOTA",
        "header_text": "Ditulis Oleh: ADMIN Tanggal: 15 September 2021",
        "meta_date": None,
        "author": "ADMIN",
        "views": 212,
        "body_start": "Pada Rabu (15/09/21) Komisi Pemilihan Umum Republik Indonesia melaksan",
        "body_end": "paikan dengan cara yang baik dan beradab.\n\n(ADMIN)",
        "body_paragraphs": 6,
        "body_has_chrome": False,  # "Bagikan", share links, "Telah dilihat" stay out of the body
    },
    "article_legacy_kota-palu.html": {
        "title": "KPU Kota Palu Gelar Sosialisasi PKPU Nomor 13 dan Nomor 14",  # not the h1 logo
        "header_text": None,
        "meta_date": None,
        "author": None,
        "views": 164,
        "body_start": "Palu, kota-palu.kpu.go.id – Palu, 13 Oktober 2025 - KPU Kota Palu meng",
        "body_end": "utan\n\n[Humas KPU Kota Palu, cml/ft andika/ed rudy]",
        "body_paragraphs": 4,
        "body_has_chrome": False,  # nor the "Berita Lainnya" aside
    },
}
LISTING_FIELDS = {
    "listing_blog_kab-serang.html": {  # seed 002
        "url": [SERANG + "9100_menjelang-pemilu-2024-bakohumas-kunci-tangkal-hoaks-dan-disinformasi",
                SERANG + "9099_tingkatkan-koordinasi-dengan-diskominfo-persandian-dan-statistik-kabupaten-seran",
                SERANG + "9098_memulai-2022-kpu-kabupaten-serang-serahkan-lakip-tahun-2021-dan-penandatanganan-",
                SERANG + "9097_outlook-pemilu-dan-pemilihan-tahun-2024-menyiapkan-demokrasi-elektoral-yang-part",
                SERANG + "9096_pendidikan-pemilih-dan-pemilih-berdaulat",
                SERANG + "9095_optimalisasi-peran-bakohumas-kunci-dalam-menjalin-informasi-dengan-para-stakehol"],
        "title": ["Menjelang Pemilu 2024, Bakohumas Kunci Tangkal Hoaks dan Disinformasi",
                  "Tingkatkan Koordinasi dengan Diskominfo, Persandian dan Statistik Kabupaten Serang, Bakohumas "
                  "Kunci Penyebaran Informasi Yang Efektif dan Akurat",
                  "Memulai 2022, KPU Kabupaten Serang Serahkan LAKIP Tahun 2021 dan Penandatanganan Perjanjian "
                  "Kinerja Tahun 2022 Bersama KPU Provinsi Banten",
                  "Outlook Pemilu dan Pemilihan Tahun 2024: Menyiapkan Demokrasi Elektoral yang Partisipatif dan "
                  "Berkeadilan",
                  "PENDIDIKAN PEMILIH DAN PEMILIH BERDAULAT",
                  "Optimalisasi Peran Bakohumas Kunci Dalam Menjalin Informasi Dengan Para Stakeholder"],
        "views": [60, 78, 101, 79, 301, 90],  # the eye-icon number of each card
        "date_text": [None] * 6,  # this layout prints no date
    },
    "listing_table_kab-kayongutara.html": {
        "url": [KAYONGUTARA + "3301_rapat-pleno-rekapitulasi-dpb-bulan-september-2021",
                KAYONGUTARA + "3297_sosialisasi-pendidikan-pemilih-bagi-pemilih-pemula",
                KAYONGUTARA + "3290_ucapan-selamat-hari-jadi-kabupaten-kayong-utara"],
        "title": ["Rapat Pleno Rekapitulasi DPB Bulan September 2021",
                  "Sosialisasi Pendidikan Pemilih bagi Pemilih Pemula",
                  "Ucapan Selamat Hari Jadi Kabupaten Kayong Utara"],
        "views": [128, 1204, 77],  # "Dibaca N"
        "date_text": ["30/09/2021", "22/09/2021", "15/09/2021"],
    },
}


def _article_field(data, field: str):
    paragraphs = data.body.split("\n\n")
    derived = {
        "body_start": data.body[:70],
        "body_end": data.body[-50:],
        "body_paragraphs": len(paragraphs),
        "body_has_chrome": any(word in data.body for word in ("Bagikan", "Telah dilihat", "Berita Lainnya")),
    }
    return derived[field] if field in derived else getattr(data, field)


@pytest.mark.parametrize("name, field, expected", [
    (name, field, expected) for name, fields in ARTICLE_FIELDS.items() for field, expected in fields.items()])
def test_article_field(name, field, expected):
    response = saved_page(name)
    assert _article_field(extract_article(response.body, response.url), field) == expected


@pytest.mark.parametrize("name, field, expected", [
    (name, field, expected) for name, fields in LISTING_FIELDS.items() for field, expected in fields.items()])
def test_listing_field(name, field, expected):
    response = saved_page(name)
    assert [getattr(item, field) for item in extract_listing(response.body, response.url)] == expected


def test_sidebar_and_offsite_links_are_not_items():
    response = saved_page("listing_blog_kab-serang.html")
    urls = [i.url for i in extract_listing(response.body, response.url)]
    assert len(urls) == len(set(urls)) == 6
    assert not any("kpu.go.id/berita" in u and "kab-serang" not in u for u in urls)


def test_white_card_class_is_not_a_view_counter():
    # Bootstrap's "bg-white" holds "hit": the card's first number (a date) is no view count
    html = ('<div class="list"><div class="card bg-white"><span>30/09/2021</span>'
            '<a href="/blog/read/1_a">Rapat Pleno Rekapitulasi</a><p>Ringkasan berita</p></div>'
            '<div class="card bg-white"><span>22/09/2021</span>'
            '<a href="/blog/read/2_b">Sosialisasi Pendidikan Pemilih</a><p>Ringkasan berita</p></div></div>')
    items = extract_listing(html, "https://kab-x.kpu.go.id/blog/category/104")
    assert [(i.views, i.date_text) for i in items] == [(None, "30/09/2021"), (None, "22/09/2021")]


def test_view_count_split_over_sibling_elements_is_found():
    html = ('<html><body><h1>Judul Berita</h1><div class="content"><p>Isi berita yang panjang.</p></div>'
            '<div class="meta"><span>Dilihat</span> <span>1.234</span></div></body></html>')
    assert extract_article(html, "https://kab-x.kpu.go.id/blog/read/1_a").views == 1234


def test_page_title_is_not_a_header_line():
    html = ('<html><head><title>Penetapan Tanggal 14 Februari 2024 - KPU</title></head><body>'
            '<div class="content"><p>Isi berita tanpa baris penulis.</p></div></body></html>')
    data = extract_article(html, "https://kab-x.kpu.go.id/blog/read/1_a")
    assert data.header_text is None


def test_meta_date_follows_site_knowledge_order():
    html = ('<html><head><meta name="pubdate" content="2021-09-16"><meta property="article:published_time" '
            'content="2021-09-15T08:00:00+07:00"></head><body><time datetime="2020-01-01">x</time>'
            '<p>Isi</p></body></html>')
    assert extract_article(html, "https://kab-x.kpu.go.id/blog/read/1_a").meta_date == "2021-09-15T08:00:00+07:00"
    no_meta = html.replace("<meta", "<link")
    assert extract_article(no_meta, "https://kab-x.kpu.go.id/blog/read/1_a").meta_date == "2020-01-01"


def test_category_discovery_from_menu():
    page = saved_page("listing_blog_kab-serang.html")
    assert discover_category_id(page.body, page.url) == 104
    assert discover_category_id('<a href="/index.php/blog/category/29">Berita Terkini</a>'
                                '<a href="/blog/category/104">Berita KPU</a>', "https://kota-kupang.kpu.go.id/") == 29
    assert discover_category_id("<p>no menu</p>", "https://kota-kupang.kpu.go.id/") is None


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
