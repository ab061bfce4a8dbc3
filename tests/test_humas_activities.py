"""Humas activities: which articles, date/place/participants from the first paragraph, the
summary, the lead image of an article page, and polite cached image fetching."""
from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kpu_berita.demo_network.photos import photo_png
from kpu_berita.reports import images
from kpu_berita.reports.humas import (activity_date, activity_participants, activity_place, draft_activities,
                                      is_humas_article, strip_dateline, summary)
from kpu_berita.spiders.extract import extract_article

SEED_000_MIGRASI = ("Serang (8/9) - Kegiatan ini dilaksanakan pada Rabu, 8 September 2021 di Aula KPU Kabupaten "
                    "Serang. Tujuan dari acara ini adalah untuk menyeragamkan website KPU di Seluruh Indonesia. "
                    "Kegiatan ini diikuti oleh Komisioner Divisi Data dan Informasi dan Divisi Sosdiklih Parmas dan "
                    "SDM serta Operator Website KPU Kabupaten Serang.")
SEED_000_JUKNIS = ("KPU Republik Indonesia mengadakan Sosialisasi Juknis Bakohumas KPU secara daring melalui Zoom "
                   "Meeting dan Streaming Akun Youtube KPU Republik Indonesia pada Hari Rabu, 15 September 2021 "
                   "pukul 13.00 sampai dengan selesai.")


def test_date_place_and_participants_from_the_first_paragraph():
    opening = strip_dateline(SEED_000_MIGRASI)
    assert opening.startswith("Kegiatan ini dilaksanakan")
    assert activity_date(opening) == dt.date(2021, 9, 8)
    assert activity_place(opening) == "Aula KPU Kabupaten Serang"
    assert activity_participants(opening) == ("Komisioner Divisi Data dan Informasi dan Divisi Sosdiklih Parmas dan "
                                              "SDM serta Operator Website KPU Kabupaten Serang")


def test_online_activity_place_and_no_participants():
    assert activity_place(SEED_000_JUKNIS) == ("Daring melalui Zoom Meeting dan Streaming Akun Youtube KPU Republik "
                                               "Indonesia")
    assert activity_date(SEED_000_JUKNIS) == dt.date(2021, 9, 15)
    assert activity_participants(SEED_000_JUKNIS) is None


@pytest.mark.parametrize("text, place", [
    ("KPU melaksanakan rapat pada Kamis, 9 September 2021 bertempat di Aula Kantor KPU Kabupaten Aceh Besar.",
     "Aula Kantor KPU Kabupaten Aceh Besar"),
    ("Kegiatan dilaksanakan di Hotel Grand Narita Sanggau pada hari Jumat, 3 Mei 2024.", "Hotel Grand Narita Sanggau"),
    ("Palu, 13 Oktober 2025 - KPU Kota Palu melaksanakan kegiatan Rapat pada Senin, 13 Oktober 2025.", None),
])
def test_place_forms(text, place):
    assert activity_place(strip_dateline(text)) == place


def test_summary_leaves_out_what_the_item_already_says():
    body = SEED_000_MIGRASI + "\n\nRapat membahas langkah migrasi konten ke template website yang seragam."
    assert summary(body) == ("Tujuan dari acara ini adalah untuk menyeragamkan website KPU di Seluruh Indonesia. "
                             "Rapat membahas langkah migrasi konten ke template website yang seragam.")
    long_tail = " ".join(f"Kalimat panjang sekali nomor {n}." for n in range(60))
    assert 400 < len(summary(body + " " + long_tail)) <= 480


def test_summary_says_a_repeated_sentence_once():
    # the demo's pages and some real ones close with the sentence the paragraph before ended on
    body = ("Serang (10/8) - KPU Kabupaten Serang menggelar webinar PPID.\n\n"
            "Ketua KPU menegaskan komitmen lembaga. Peserta aktif bertanya.\n\nKetua KPU menegaskan komitmen lembaga.")
    assert summary(body) == ("KPU Kabupaten Serang menggelar webinar PPID. Ketua KPU menegaskan komitmen lembaga. "
                             "Peserta aktif bertanya.")


def test_humas_articles_by_title_or_topic_confirmed_in_the_opening():
    assert is_humas_article("Sosialisasi Juknis Bakohumas KPU", "", [])
    assert is_humas_article("Rapat Koordinasi", "Rapat membahas pengelolaan PPID.", ["kehumasan_ppid"])
    # the topic alone (fired by a "dok. foto Humas" tail) is not enough
    assert not is_humas_article("Rapat Koordinasi DPB", "Rapat membahas daftar pemilih.", ["kehumasan_ppid"])


def test_draft_activity_without_lead_image_has_no_photo():
    row = {"title": "Rapat Migrasi Template Website", "url": "u", "published_date": dt.date(2021, 9, 9),
           "body": SEED_000_MIGRASI, "lead_image_url": None, "topics": []}
    [item] = draft_activities([row, dict(row, title="Rapat DPB", body="Rapat daftar pemilih.")])
    assert item["date_label"] == "Rabu, 8 September 2021" and item["photo_url"] is None
    assert item["caption"] == "Keterangan Gambar: Rapat Migrasi Template Website di Aula KPU Kabupaten Serang."


def test_posts_that_are_no_activity_are_left_out_and_no_day_is_made_up():
    """An infographic about PPID is a kehumasan post, not an activity section 3 lists; and an
    opening that names no day gets the posting day, said as such, not as the activity's."""
    row = {"title": "Rapat Migrasi Template Website", "url": "u", "published_date": dt.date(2021, 9, 9),
           "body": SEED_000_MIGRASI, "lead_image_url": None, "topics": [], "category": "rapat"}
    infographic = dict(row, title="Infografis Pengelolaan PPID", category="pengumuman",
                       body="Berikut data pengelolaan PPID KPU Kabupaten Serang.")
    undated = dict(row, title="Bimtek Pengelola Website", category="bimtek",
                   body="KPU Kabupaten Serang mengikuti bimtek pengelola website.")
    items = draft_activities([row, infographic, undated])
    assert [i["title"] for i in items] == ["Rapat Migrasi Template Website", "Bimtek Pengelola Website"]
    assert items[0]["date_label"] == "Rabu, 8 September 2021"
    assert items[1]["date_label"] == "Kamis, 9 September 2021 (tanggal unggah artikel)"


def test_lead_image_is_og_image_else_first_body_image():
    page = ('<html><head><meta property="og:image" content="/img/a.jpg"></head><body><div class="post">'
            '<img src="/b.jpg"><p>{}</p></div></body></html>')
    assert extract_article(page.format("teks " * 50), "https://x.kpu.go.id/blog/read/1").lead_image_url == \
        "https://x.kpu.go.id/img/a.jpg"
    no_og = page.replace('<meta property="og:image" content="/img/a.jpg">', "")
    assert extract_article(no_og.format("teks " * 50), "https://x.kpu.go.id/blog/read/1").lead_image_url == \
        "https://x.kpu.go.id/b.jpg"
    bare = no_og.replace('<img src="/b.jpg">', "")
    assert extract_article(bare.format("teks " * 50), "https://x.kpu.go.id/blog/read/1").lead_image_url is None


@pytest.fixture
def image_server():
    served = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            served.append((self.path, self.headers.get("User-Agent")))
            body, kind = {"/ok.png": (photo_png(1), "image/png"), "/big.png": (b"\0" * (3 * 1024 * 1024), "image/png"),
                          "/page.png": (b"<html></html>", "text/html")}.get(self.path, (b"", "text/plain"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


def test_images_fetched_politely_capped_and_cached(image_server, tmp_path):
    base, served = image_server
    urls = [f"{base}/ok.png", f"{base}/big.png", f"{base}/page.png", f"{base}/missing.png", "ftp://x/a.png"]
    found = images.fetch_all(urls, tmp_path, allow_loopback=True)
    assert list(found) == [f"{base}/ok.png"] and found[f"{base}/ok.png"].read_bytes() == photo_png(1)
    assert all(agent == images.USER_AGENT for _, agent in served) and len(served) == 4
    assert images.fetch_all([f"{base}/ok.png"], tmp_path) == found  # from the cache: no request, no loopback check
    assert len(served) == 4


def test_loopback_refused_unless_allowed(image_server, tmp_path):
    base, served = image_server
    assert images.fetch(f"{base}/ok.png", tmp_path) is None and served == []


def test_a_photo_that_could_not_be_fetched_is_named_in_the_word_report(tmp_path):
    # it was dropped with its caption: the humas officer never learned a photo was missing
    from docx import Document

    from kpu_berita.reports.render_docx import PHOTO_NOT_FETCHED, render_docx
    from tests.report_samples import sample_report

    report = sample_report(photo_url="https://kab-serang.kpu.go.id/img/1.png")
    render_docx(report, tmp_path / "r.docx", photos={})  # nothing fetched
    document = Document(str(tmp_path / "r.docx"))
    texts = [p.text for p in document.paragraphs]
    missing = next(p for p in document.paragraphs if p.text.startswith(PHOTO_NOT_FETCHED))
    assert missing.text.endswith("https://kab-serang.kpu.go.id/img/1.png") and missing.runs[0].font.color.rgb is not None
    caption = report["humas_activities"][0]["caption"]
    assert caption in texts and texts.index(caption) == texts.index(missing.text) + 1
    assert len(document.inline_shapes) == 1  # the month chart; no photo
