"""Shapes of the real sites (kpu_sites.md) that an audit against the notes found mis-read:
each case is a documented fact or a real item's text, through the project's pure functions."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles
from kpu_berita.pipelines.clean import clean_body, detect_repost
from kpu_berita.pipelines.dates import YEAR_FROM_CRAWL_DATE, decide_article_date, parse_date_expression
from kpu_berita.pipelines.urls import article_key
from kpu_berita.spiders.extract import chosen_title, discover_category_id, extract_article, other_category_heading
from kpu_berita.spiders.listing import extract_listing
from kpu_berita.warehouse.stage import known_at_crawl

ARTICLE = "https://kota-surakarta.kpu.go.id/blog/read/8314_rapat-pleno"
LISTING = "https://kab-bantul.kpu.go.id/index.php/blog/category/104?page=2"
TITLES = ["KPU Bantul Gelar Rapat Pleno Rekapitulasi DPB Triwulan III Tahun 2025",
          "Sosialisasi Pendidikan Pemilih bagi Pemilih Pemula di SMA Negeri 1 Bantul"]
EXCERPTS = ["Bantul, 3 Oktober 2025 – KPU Kabupaten Bantul menggelar rapat pleno terbuka ...",
            "Bantul, 1 Oktober 2025 – KPU Kabupaten Bantul melaksanakan sosialisasi ..."]


def article_page(body: str, head: str = "", after: str = "") -> str:
    return (f"<html><head>{head}<title>Rapat Pleno PDPB Triwulan IV - KPU Kota Surakarta</title></head><body>"
            f"<h2>Rapat Pleno PDPB Triwulan IV</h2><div class='post'>{body}</div>{after}</body></html>")


# --- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("meta", ["Tanggal: 2026-10-21 08:30:00", "Ditulis Oleh: ADMIN Tanggal: 2026-10-21",
                                  "Admin | Diterbitkan 2026-10-21", "Tanggal: Rabu (21/10/26)",
                                  "Tanggal: 21/10/2026", "Diposting: 21/10/26 oleh Admin", "Tanggal: 21-Okt-2026"])
def test_a_header_date_written_as_numbers_is_read_whole(meta):
    # the header line was cut after its first four digits ("Tanggal: 2026"), and a two-digit
    # year was not read at all: the article undated
    page = extract_article(article_page("<p>Isi berita yang cukup panjang.</p>").replace(
        "<div class='post'>", f"<div class='meta'>{meta}</div><div class='post'>"), ARTICLE)
    found = decide_article_date(header=page.header_text, meta=page.meta_date, body=page.body,
                                listing_date_text=None, reference=dt.date(2026, 12, 2))
    assert (found.date, found.source) == (dt.date(2026, 10, 21), "header")


def test_a_body_sentence_with_tanggal_is_no_header_line():
    """"... dilaksanakan pada tanggal 2 Oktober 2025 ..." (a real PDPB item) named an earlier
    event; read as a header line it outranked the meta date and the dateline."""
    body = ("<p>Surakarta, Senin (08/12/2025) – KPU Kota Surakarta menggelar Rapat Pleno.</p>"
            "<p>Kegiatan ini kelanjutan dari kegiatan yang dilaksanakan pada tanggal 2 Oktober 2025.</p>")
    page = extract_article(article_page(body, "<meta property='article:published_time' content='2025-12-08T10:00:00+07:00'>"), ARTICLE)
    assert page.header_text is None
    found = decide_article_date(header=page.header_text, meta=page.meta_date, body=page.body,
                                listing_date_text=None, reference=dt.date(2025, 12, 20))
    assert (found.date, found.source) == (dt.date(2025, 12, 8), "meta")
    # a header line of its own still counts, as does one after a meta separator
    for line in ("<div class='meta'>Tanggal: 15 September 2021</div>", "<div class='meta'>Admin | Diterbitkan 15 September 2021</div>"):
        page = extract_article(article_page("<p>Isi berita yang cukup panjang.</p>", after="").replace("<div class='post'>", line + "<div class='post'>"), ARTICLE)
        assert page.header_text and page.header_text.endswith("15 September 2021"), line


@pytest.mark.parametrize("text, expected", [
    ("Kamis, 28 Pebruari 2013", dt.date(2013, 2, 28)),  # a real kab-badung item
    ("Serang, 3 Agust 2025 –", dt.date(2025, 8, 3)),
    ("PATI – Jumat Tanggal 29 April Tahun 2016 KPU Pati", dt.date(2016, 4, 29)),  # a real kab-pati item
    ("Jayawijaya, 13 s.d 14 Juli 2024 –", dt.date(2024, 7, 13)),  # a range: the day it began
    ("pada tanggal 13 dan 14 Juli 2024", dt.date(2024, 7, 13)),
    ("Jayawijaya, 13–14 Juli 2024 –", dt.date(2024, 7, 13)),
    ("KPU menggelar rapat pukul 10.05-12.00 WIB pada Senin (3/11/2025)", dt.date(2025, 11, 3)),  # no 10 May 2012
    ("Rapat dimulai pukul 09.10-11 siang, Senin (3/11/2025)", dt.date(2025, 11, 3)),
    ("Serang, 08/12/2025 -", dt.date(2025, 12, 8)),
])
def test_date_wordings_of_the_real_sites(text, expected):
    assert parse_date_expression(text).date == expected


def test_a_year_less_dateline_with_a_named_month():
    found = parse_date_expression("Palu, 13 Oktober - KPU Kota Palu menggelar rapat", dt.date(2025, 10, 20))
    assert (found.date, found.raw, found.year_inferred) == (dt.date(2025, 10, 13), "13 Oktober", True)
    # a range with its year further on is read whole, not as a year-less first day
    found = parse_date_expression("13 Oktober - 14 November 2024 KPU", dt.date(2025, 12, 1))
    assert found.date == dt.date(2024, 11, 14)


def test_a_year_guessed_from_the_crawl_date_is_flagged_and_bounds_nobody(tmp_path):
    """Deep in a backfill, "Serang (30/9) -" of 2021 read in 2026 can only be placed by the
    crawl's date: said in date_flag; and a stored guess is no neighbour's bound later."""
    satker = {"kab-serang": SatkerInfo("kab-serang", "KPU Kabupaten Serang", "https://kab-serang.kpu.go.id")}
    fetched = "2026-02-10T01:00:00+00:00"
    pages = [{"article_key": f"kab-serang/id:{n}", "satker_id": "kab-serang", "url": f"https://kab-serang.kpu.go.id/blog/read/{n}_x",
              "title": "Rapat", "header_text": None, "meta_date": None, "body": body, "author": None,
              "listing_title": "Rapat", "fetched_at": fetched}
             for n, body in ((3300, "Serang (30/9) - KPU menggelar rapat."), (3299, "Serang (15/8) - KPU menggelar bimtek."))]
    listings = {p["article_key"]: {"satker_id": "kab-serang", "crawl_id": "c1", "page": 130, "position": i,
                                   "date_text": None, "first_seen_at": fetched} for i, p in enumerate(pages)}
    rows = assemble_articles(pages, listings, satker)
    assert [(r["published_date"], r["date_flag"]) for r in rows] == [(dt.date(2025, 9, 30), YEAR_FROM_CRAWL_DATE),
                                                                     (dt.date(2025, 8, 15), YEAR_FROM_CRAWL_DATE)]
    # bounded by a neighbour with a written year, it is not flagged
    pages[1]["body"] = "Serang, 3 Agustus 2021 - KPU menggelar bimtek."
    guessed, firm = assemble_articles(pages, listings, satker)
    assert (guessed["published_date"], guessed["date_flag"]) == (dt.date(2021, 9, 30), None)
    assert firm["date_flag"] is None

    (tmp_path / "known.json").write_text(json.dumps({
        "kab-serang/id:1": {"date": "2025-09-30", "title": "a", "firm": False},
        "kab-serang/id:2": {"date": "2021-08-03", "title": "b", "firm": True},
        "kab-serang/id:3": {"date": "2021-08-01", "title": "c"}}))  # written before "firm" was
    assert known_at_crawl(tmp_path) == {"kab-serang/id:1": None, "kab-serang/id:2": "2021-08-03",
                                        "kab-serang/id:3": "2021-08-01"}


# --- views and titles ----------------------------------------------------------------

@pytest.mark.parametrize("sentence", ["Daftar pemilih dapat dilihat 24 jam melalui cekdptonline.kpu.go.id.",
                                      "KPU melaksanakan review 2025 atas laporan keuangan."])
def test_a_sentence_is_no_view_count(sentence):
    page = extract_article(article_page(f"<p>Serang, 3 Juli 2025 – {sentence}</p><p>Isi kedua.</p>"), ARTICLE)
    assert page.views is None


@pytest.mark.parametrize("line, views", [("Telah dilihat 164 kali", 164), ("Dilihat: 1.234", 1234),
                                         ("Admin | Dibaca 56 | 3 Juli 2025", 56), ("Views: 12", 12)])
def test_view_lines_still_count(line, views):
    page = extract_article(article_page("<p>Serang, 3 Juli 2025 – KPU menggelar rapat.</p>", after=f"<div>{line}</div>"), ARTICLE)
    assert page.views == views


OWN_VIEWS = "<div>Bagikan:</div><div>facebook twitter whatapps</div><div>Telah dilihat 164 kali</div>"


@pytest.mark.parametrize("widget", [
    "<div><a href='/blog/read/1_a'>KPU Gelar Rakor</a> Telah dilihat 9.876 kali</div>",
    "<ul><li><a href='/blog/read/1_a'>KPU Gelar Rakor</a><span>Telah dilihat 9.876 kali</span></li></ul>",
    "<div class='item'><h5><a href='/blog/read/1_a'>KPU Gelar Rakor</a></h5><div class='meta'><span>Telah dilihat 9.876 kali</span></div></div>",
])
@pytest.mark.parametrize("own_line, views", [(OWN_VIEWS, 164), ("", None)])
def test_a_popular_widget_lends_the_article_no_view_count(widget, own_line, views):
    """A "Berita Populer" list in a <div> before the article: each item's count is the linked
    article's, not the page's, whether or not the page shows its own."""
    sidebar = f"<div class='sidebar'><h4>Berita Populer</h4>{widget}</div>"
    html = article_page("<p>Surakarta, Senin (08/12/2025) – KPU Kota Surakarta menggelar Rapat Pleno.</p>", after=own_line)
    assert extract_article(html.replace("<h2>", sidebar + "<h2>"), ARTICLE).views == views


def test_a_popular_widget_item_of_the_page_itself_is_its_count():
    widget = "<div class='sidebar'><h4>Berita Populer</h4><div><a href='/blog/read/8314_rapat-pleno'>Rapat Pleno</a> Telah dilihat 980 kali</div></div>"
    html = article_page("<p>Surakarta, Senin (08/12/2025) – KPU Kota Surakarta menggelar Rapat Pleno.</p>")
    assert extract_article(html.replace("<h2>", widget + "<h2>"), ARTICLE).views == 980


def test_a_generic_page_title_gives_way_to_the_listing_title():
    """A page whose <title> is the site's name and which has no og:title (kpu_sites.md 5)."""
    assert chosen_title("KPU Kabupaten Kendal", "KPU Kendal Tetapkan Rekapitulasi DPB") == "KPU Kendal Tetapkan Rekapitulasi DPB"
    assert chosen_title("Berita Terkini", "Rapat") == "Rapat"
    assert chosen_title("", "Rapat") == "Rapat"
    # a real title that looks like a name stays when the listing's is no longer (cut short on a card)
    assert chosen_title("KPU Kota Palu Gelar Rakor", "KPU Kota Palu Gelar...") == "KPU Kota Palu Gelar Rakor"
    assert chosen_title("Rapat Pleno Terbuka", "Rapat Pleno Terbuka Rekapitulasi") == "Rapat Pleno Terbuka"


# --- listings ------------------------------------------------------------------------

def _cards(href: str = "/blog/read/", card_class: str = "card", badge: bool = False) -> str:
    return "<div class='list'>" + "".join(
        f"<div class='{card_class}'>" + (f"<div class='tgl'><span>{k + 3}</span><span>Okt</span></div>" if badge else "")
        + f"<h3><a href='{href}{900 + k}_x{k}'>{t}</a></h3><p>{b}</p></div>"
        for k, (t, b) in enumerate(zip(TITLES, EXCERPTS))) + "</div>"


def _urls(items) -> list[str]:
    return [i.url for i in items]


def test_a_flat_listing_of_sibling_titles_and_excerpts():
    """"heading, then alternating TITLE / BODY blocks" (kpu_sites.md 4): no element holds one
    item whole. Read as nothing, it ended the site's walk at page 1."""
    flat = "".join(f"<h3><a href='/blog/read/{900 + k}_x{k}'>{t}</a></h3><p>{b}</p><div>Dibaca {10 + k} kali</div>"
                   for k, (t, b) in enumerate(zip(TITLES, EXCERPTS)))
    items = extract_listing(f"<html><body><div class='content'><h2>Berita Terkini</h2>{flat}</div></body></html>", LISTING)
    assert [(i.title, i.views) for i in items] == [(TITLES[0], 10), (TITLES[1], 11)]


@pytest.mark.parametrize("more", ["", "<a href='/blog/read/{id}_x{k}'>Selengkapnya</a>"])
def test_a_flat_listing_with_the_view_number_above_each_title(more):
    """The documented text shape "60 / TITLE / BODY / Selengkapnya / 78 / TITLE ..." (kpu_sites.md 4,
    seed 002) set as siblings: each number is the item's below it. The first item took the
    second's 78, the second none."""
    flat = "".join(f"<span>{v}</span><h3><a href='/blog/read/{900 + k}_x{k}'>{t}</a></h3><p>{b}</p>"
                   + more.format(id=900 + k, k=k) for k, (v, t, b) in enumerate(zip((60, 78), TITLES, EXCERPTS)))
    items = extract_listing(f"<html><body><div class='content'><h2>Berita Terkini</h2>{flat}</div></body></html>", LISTING)
    assert [(i.title, i.views) for i in items] == [(TITLES[0], 60), (TITLES[1], 78)]


@pytest.mark.parametrize("sentence", ["Daftar pemilih dapat dilihat 24 jam melalui cekdptonline.", "KPU melaksanakan review 2025 atas laporan."])
def test_an_excerpt_sentence_is_no_listing_view_count(sentence):
    cards = _cards().replace("menggelar rapat pleno terbuka ...", sentence).replace("melaksanakan sosialisasi ...", sentence)
    assert [i.views for i in extract_listing(f"<html><body>{cards}</body></html>", LISTING)] == [None, None]


def test_links_to_the_www_form_of_the_host_are_the_sites_articles():
    items = extract_listing(f"<html><body>{_cards('https://www.kab-bantul.kpu.go.id/blog/read/')}</body></html>", LISTING)
    assert _urls(items) == ["https://kab-bantul.kpu.go.id/blog/read/900_x0", "https://kab-bantul.kpu.go.id/blog/read/901_x1"]
    at_www = LISTING.replace("//kab-", "//www.kab-")
    items = extract_listing(f"<html><body>{_cards('https://kab-bantul.kpu.go.id/blog/read/')}</body></html>", at_www)
    assert _urls(items) == ["https://www.kab-bantul.kpu.go.id/blog/read/900_x0", "https://www.kab-bantul.kpu.go.id/blog/read/901_x1"]


def test_relative_links_follow_the_pages_base_href():
    html = f"<html><head><base href='https://kab-bantul.kpu.go.id/'></head><body>{_cards('blog/read/')}</body></html>"
    assert _urls(extract_listing(html, LISTING)) == ["https://kab-bantul.kpu.go.id/blog/read/900_x0",
                                                     "https://kab-bantul.kpu.go.id/blog/read/901_x1"]


def test_a_date_badge_or_a_preview_class_is_no_view_count():
    assert [i.views for i in extract_listing(f"<html><body>{_cards(badge=True)}</body></html>", LISTING)] == [None, None]
    assert [i.views for i in extract_listing(f"<html><body>{_cards(card_class='post-preview')}</body></html>", LISTING)] == [None, None]
    # a bare number above the title (seed 002) still is one
    numbered = _cards().replace("<h3>", "<div>60</div><h3>")
    assert [i.views for i in extract_listing(f"<html><body>{numbered}</body></html>", LISTING)] == [60, 60]


def test_a_title_with_a_date_is_not_the_items_date():
    titled = _cards().replace(TITLES[0], "Pemungutan Suara Pilkada 27 November 2024").replace("<p>", "<div>12/09/2024</div><p>")
    items = extract_listing(f"<html><body>{titled}</body></html>", LISTING)
    assert [i.date_text for i in items] == ["12/09/2024", "12/09/2024"]


# --- cleaning and reposts ------------------------------------------------------------

@pytest.mark.parametrize("ending", ["Pemungutan suara ulang digelar hari ini, Sabtu (31/10).",  # a real kab-lamongan item
                                    "Hasilnya disampaikan kepada Mahkamah Konstitusi (MK).",
                                    "Seluruh tahapan diawasi Badan Pengawas Pemilu (Bawaslu)."])
def test_a_closing_parenthesis_of_the_sentence_is_no_credit(ending):
    cleaned = clean_body(f"KPU menggelar rapat.\n{ending}")
    assert (cleaned.credit, cleaned.text.endswith(ending)) == (None, True)


@pytest.mark.parametrize("tail, credit", [("(Tim Humas KPU Kabupaten Serang)", "Tim Humas KPU Kabupaten Serang"),
                                          ("(ADMIN)", "ADMIN"), ("(HY)", "HY"), ("(eko).", "eko")])
def test_credits_after_the_last_sentence_still_are(tail, credit):
    assert clean_body(f"KPU menggelar rapat berkelanjutan. {tail}").credit == credit


def test_share_lines_go_but_a_sentence_starting_with_bagikan_stays():
    text = clean_body("KPU menggelar rapat.\nBagikan informasi ini kepada keluarga.\nBagikan:\nShare: Facebook Twitter\n"
                      "Bagikan ke WhatsApp\nBACA JUGA: KPU Palu Gelar Rakor").text
    assert text == "KPU menggelar rapat.\n\nBagikan informasi ini kepada keluarga."


PALU_LEAD = "KPU Kota Palu menggelar sosialisasi."
PALU_LINK = "KPU Kota Palu Tetapkan Rekapitulasi Data Pemilih Berkelanjutan"


@pytest.mark.parametrize("after_label, kept", [
    # the audit's case: the title has no full stop, the next sentence was lost with it
    (f"{PALU_LINK} Kegiatan ini diikuti 50 peserta dari partai politik.", "Kegiatan ini diikuti 50 peserta dari partai politik."),
    (f"{PALU_LINK} Dalam kegiatan tersebut hadir 50 peserta.", "Dalam kegiatan tersebut hadir 50 peserta."),
    (f"{PALU_LINK}. Kegiatan ini diikuti 50 peserta.", "Kegiatan ini diikuti 50 peserta."),
    (f"“{PALU_LINK}” Ketua KPU Kota Palu mengatakan rapat ini penting.", "Ketua KPU Kota Palu mengatakan rapat ini penting."),
    (f"{PALU_LINK} dan Pemilih Pemula", ""),  # all title, to the paragraph's end
])
def test_an_inline_read_also_title_ends_where_the_next_sentence_starts(after_label, kept):
    for label in ("Baca Juga:", "BACA JUGA :", "baca juga:"):
        cleaned = clean_body(f"{PALU_LEAD} {label} {after_label}\nAcara ditutup pukul 12.00 WITA.")
        assert cleaned.text == f"{PALU_LEAD} {kept}".strip() + "\n\nAcara ditutup pukul 12.00 WITA.", label
        assert PALU_LINK in " ".join(cleaned.removed)


@pytest.mark.parametrize("paragraph", [
    # where the title ends can't be told (the sentence's subject is several capitalised words): kept whole
    f"{PALU_LEAD} Baca Juga: {PALU_LINK} Ketua KPU Kota Palu mengatakan rapat ini penting.",
    f"{PALU_LEAD} Baca Juga: KPU Palu gelar rapat Kegiatan ini diikuti 50 peserta.",  # a title in sentence case
    "Masyarakat dapat membaca juga pengumuman di laman KPU.",  # no label
])
def test_an_inline_read_also_that_cant_be_told_apart_keeps_the_text(paragraph):
    assert clean_body(paragraph).text == paragraph


@pytest.mark.parametrize("link_html", [
    f"Baca Juga: <a href='/blog/read/kpu-kota-palu-tetapkan'>{PALU_LINK}</a>",
    f"<strong>Baca Juga:</strong> <a href='/blog/read/kpu-kota-palu-tetapkan'>{PALU_LINK}</a>",
    f"<strong>Baca Juga: <a href='/blog/read/kpu-kota-palu-tetapkan'>{PALU_LINK}</a></strong>",
    f"<b>BACA JUGA &gt;&gt; </b><a href='/blog/read/kpu-kota-palu-tetapkan'>{PALU_LINK}</a>",
    f"<a href='/blog/read/kpu-kota-palu-tetapkan'>Baca juga: {PALU_LINK}</a>",
])
def test_a_read_also_link_goes_at_extraction_where_the_markup_shows_its_end(link_html):
    """In the HTML the link's end is the title's end, even before a sentence the text rule
    can't place ("Ketua KPU Kota Palu mengatakan ..."); the sentence stays."""
    html = article_page(f"<p>{PALU_LEAD} {link_html} Ketua KPU Kota Palu mengatakan rapat ini penting.</p><p>Paragraf kedua.</p>")
    body = extract_article(html, ARTICLE).body
    assert body == f"{PALU_LEAD} Ketua KPU Kota Palu mengatakan rapat ini penting.\n\nParagraf kedua."


def test_a_link_in_a_sentence_that_says_baca_juga_stays():
    html = article_page("<p>Silakan baca juga <a href='/blog/read/1_a'>pengumuman DPT</a> di laman KPU.</p>")
    assert extract_article(html, ARTICLE).body == "Silakan baca juga pengumuman DPT di laman KPU."


@pytest.mark.parametrize("paragraph, text", [
    ("KPU Kota Palu menggelar sosialisasi (dok. foto Humas KPU Kota Palu). Kegiatan berjalan lancar.",
     "KPU Kota Palu menggelar sosialisasi. Kegiatan berjalan lancar."),
    ("KPU menggelar rapat [Foto: Humas KPU Kota Palu] di aula kantor.", "KPU menggelar rapat di aula kantor."),
    # at a paragraph's end the group is no inline caption: kept (the credit tail reads the last one)
    ("KPU menggelar rapat (dok. foto Humas).", "KPU menggelar rapat (dok. foto Humas)."),
    ("Peserta berfoto bersama (foto bersama peserta) usai rapat.", "Peserta berfoto bersama (foto bersama peserta) usai rapat."),
])
def test_an_inline_photo_caption_goes(paragraph, text):
    assert clean_body(f"{paragraph}\nAcara selesai.").text == f"{text}\n\nAcara selesai."


def test_a_photo_credit_ending_the_body_still_is_the_credit():
    cleaned = clean_body("KPU menggelar rapat. (dok. foto Humas KPU Kota Palu)")
    assert (cleaned.text, cleaned.credit) == ("KPU menggelar rapat.", "dok. foto Humas KPU Kota Palu")


# --- article identity and category ---------------------------------------------------------

@pytest.mark.parametrize("path, key", [
    # the CMS's <id>_<slug> form whatever the id: ids 1900-2100 are real ids (urls.article_key)
    ("/blog/read/2025_tahun-pemilih", "kab-x/id:2025"),
    ("/blog/read/8314_2025-rapat-pleno", "kab-x/id:8314"),
    # a slug-only title that starts with a year has a hyphen, never an underscore
    ("/blog/read/2025-tahun-pemilih", "kab-x/slug:2025-tahun-pemilih"),
    ("/blog/read/17-agustus-2025-upacara", "kab-x/slug:17-agustus-2025-upacara"),
])
def test_a_year_at_the_start_of_the_path(path, key):
    assert article_key("kab-x", f"https://kab-x.kpu.go.id{path}") == key


KUPANG = "https://kota-kupang.kpu.go.id/"


@pytest.mark.parametrize("html, category", [
    # the menu's "Berita" opens Umum; the home's "Berita Terkini" section says where the news is
    ("<nav><a href='/blog/category/14'>Berita</a></nav><section><h2>Berita Terkini</h2>"
     "<div><a href='/blog/read/1_a'>Rapat</a></div><a href='/blog/category/29'>Lihat Semua</a></section>", 29),
    # a menu link to the province's (or KPU RI's) news is not the site's
    ("<nav><a href='https://ntt.kpu.go.id/blog/category/52'>Berita Terkini</a><a href='/blog/category/29'>Berita</a></nav>", 29),
    ("<nav><a href='https://www.kota-kupang.kpu.go.id/index.php/blog/category/29'>Berita Terkini</a></nav>", 29),
    # another section's "Lihat Semua" is no Berita Terkini: the generic "Berita" stays the choice
    ("<nav><a href='/blog/category/14'>Berita</a></nav><section><h2>Pengumuman</h2><a href='/blog/category/11'>Lihat Semua</a></section>", 14),
    ("<nav><a href='https://ntt.kpu.go.id/blog/category/52'>Berita Terkini</a></nav>", None),  # the spider falls back to 104
])
def test_category_discovery_prefers_the_sites_own_berita_terkini(html, category):
    assert discover_category_id(html, KUPANG) == category


ITEMS = ("<div class='list'><div><h3><a href='/blog/read/7_rapat'>Rapat Pleno DPB</a></h3><p>Ringkasan ...</p></div>"
         "<div><h3><a href='/blog/read/6_sosialisasi'>Sosialisasi Pemilih Pemula</a></h3></div></div>")


@pytest.mark.parametrize("html, heading", [
    (f"<h2>Pengumuman</h2>{ITEMS}", "Pengumuman"),
    (f"<nav><a href='/blog/category/104'>Berita Terkini</a></nav><h1>  OPINI </h1>{ITEMS}", "OPINI"),
    (f"<h2>Berita Terkini</h2>{ITEMS}", None),
    (f"<h2>Berita KPU Kab Klaten</h2>{ITEMS}", None),  # kab-klaten's own label for 104
    (ITEMS, None),  # no heading: nothing to say (the items' titles are no heading)
    # a sidebar's "Pengumuman" widget before a list without heading: its links are not the list's
    (f"<aside><h4>Pengumuman</h4><a href='/blog/read/3_jadwal'>Jadwal Seleksi PPK</a></aside>{ITEMS}", None),
    (f"<h2>Berita Terkini</h2>{ITEMS}<aside><h4>Pengumuman</h4><a href='/blog/read/3_jadwal'>Jadwal</a></aside>", None),
    # the smaller headings are widgets', tickers', menus' and cards' badges, not the page's
    (f"<h2>Berita Terkini</h2><h5>Pengumuman</h5><marquee>Pendaftaran PPK dibuka</marquee>{ITEMS}", None),
    (f"<nav><h6>Arsip</h6></nav><div><h6>Sosialisasi</h6>{ITEMS}</div>", None),
])
def test_page_1_headed_by_another_category_is_told(html, heading):
    page = "https://kab-x.kpu.go.id/blog/category/104"
    listed = {item.url for item in extract_listing(f"<html><body>{html}</body></html>", page)}
    assert other_category_heading(f"<html><body>{html}</body></html>", page, listed) == heading


@pytest.mark.parametrize("satker, host, body", [
    ("KPU Kota Palu", "kota-palu.kpu.go.id", "Palu, palu-kota.kpu.go.id – KPU Kota Palu menggelar rapat pleno."),  # kpu_sites.md 1
    ("KPU Kabupaten Serang", "kab-serang.kpu.go.id", "Serang, www.kab-serang.kpu.go.id – KPU Kabupaten Serang menggelar rapat."),
    ("KPU Provinsi Sumatera Barat", "sumbar.kpu.go.id", "Padang, padang.sumbar.kpu.go.id – KPU Provinsi Sumatera Barat menggelar rapat."),
    # real items: satker signing their own news with the generic host
    ("KPU Kota Palangka Raya", "kota-palangkaraya.kpu.go.id", "Palangkaraya, kpu.go.id – Komisi Pemilihan Umum (KPU) Kota Palangka Raya menggelar rapat."),
    ("KPU Kabupaten Sukoharjo", "kab-sukoharjo.kpu.go.id", "Sukoharjo,kpu.go.id – Pemilihan Kepala Daerah (Pilkada) Serentak 2024."),
])
def test_a_satkers_own_signature_is_no_repost(satker, host, body):
    assert detect_repost(title="Rapat", body=body, satker_name=satker, satker_host=host) is None


@pytest.mark.parametrize("host, body, source", [
    ("kota-pontianak.kpu.go.id", "Jakarta, kpu.go.id – Untuk memberikan pemahaman kepada masyarakat.", "kpu_ri"),  # kpu_sites.md 7
    ("kab-serang.kpu.go.id", "Surabaya, kpu.go.id – KPU RI menggelar bimtek nasional.", "kpu_ri"),
    ("kab-serang.kpu.go.id", "Serang, banten.kpu.go.id – KPU Provinsi Banten menggelar rakor.", "provinsi"),
])
def test_other_offices_signatures_still_are_reposts(host, body, source):
    assert detect_repost(title="Rapat", body=body, satker_name="KPU Kabupaten Serang", satker_host=host) == source


def test_windows_1252_bytes_in_a_page_said_to_be_utf8_are_read_as_such():
    """A page declared UTF-8 holding windows-1252 bytes (text pasted from an old document)
    was stored as "\ufffdSangat Baik\ufffd \ufffd Caf\ufffd"; its real UTF-8 text stays as it is."""
    from scrapy.http import HtmlResponse

    from kpu_berita.spiders.page_text import response_text

    title = "Rapat “Sangat Baik” – Café"
    body = (f"<html><head><meta charset='utf-8'></head><body><h1>{title}</h1>".encode("cp1252")
            + "<div class='content'><p>Pemilih pemula ✓ naïve.</p></div></body></html>".encode("utf-8"))
    response = HtmlResponse("http://127.0.0.1/blog/read/1_x", body=body,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert "\ufffd" in response.text
    page = extract_article(response_text(response), response.url)
    assert page.title == title and "Pemilih pemula ✓ naïve." in page.body
    utf8 = HtmlResponse("http://127.0.0.1/x", body="<p>ok ✓ \ufffd</p>".encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    assert response_text(utf8) == utf8.text  # a replacement character the page really holds stays
