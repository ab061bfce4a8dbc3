"""A complete satker report dict (the JSON contract) for renderer and template tests, and
seed 000's own list of titles to hold the reports to."""
from __future__ import annotations

import re

from tests.conftest import FILES

SEED_000_MONTHS = {"Juli 2021": "2021-07", "Agustus 2021": "2021-08", "September 2021": "2021-09"}

TRICKY = 'Rapat & Evaluasi <DPB> "Tahap 1" \'kutip\' *penting* [draf]'


def _article(title, day, views, category="rapat", n=1):
    return {"title": title, "url": f"https://kab-serang.kpu.go.id/blog/read/{n}_x", "published_date": day,
            "views": views, "category": category}


def sample_report(*, photo_url: str | None = "https://kab-serang.kpu.go.id/img/1.png") -> dict:
    july = [_article("Rapat Koordinasi DPB Periode Juni", "2021-07-02", 40, n=1),
            _article("Sosialisasi Tata Cara Penyusunan SKP", "2021-07-20", None, "sosialisasi", n=2)]
    august = [_article(TRICKY, "2021-08-03", 12, n=3)]
    humas = {"title": "Rapat Migrasi Template Website", "url": "https://kab-serang.kpu.go.id/blog/read/4_x",
             "published_date": "2021-09-09", "date": "2021-09-08", "date_label": "Rabu, 8 September 2021",
             "place": "Aula KPU Kabupaten Serang", "participants": "Operator Website KPU Kabupaten Serang",
             "summary": "Tujuan dari acara ini adalah menyeragamkan website KPU.", "photo_url": photo_url,
             "caption": "Keterangan Gambar: Rapat Migrasi Template Website di Aula KPU Kabupaten Serang."}
    return {"satker_id": "kab-serang", "satker_name": "KPU Kabupaten Serang", "website": "kab-serang.kpu.go.id",
            "quarter": "2021Q3", "period": {"start": "2021-07-01", "end": "2021-09-30"}, "period_key": "2021Q3",
            "period_label": "Triwulan III Tahun 2021", "period_range_label": "(01 JULI 2021 - 30 SEPTEMBER 2021)",
            "total_articles": 3, "total_views": 52,
            "months": [{"month": "2021-07", "label": "Juli 2021", "articles": july},
                       {"month": "2021-08", "label": "Agustus 2021", "articles": august},
                       {"month": "2021-09", "label": "September 2021", "articles": []}],
            "categories": [{"category": "rapat", "label": "Rapat & Koordinasi", "articles": 2, "views": 52},
                           {"category": "sosialisasi", "label": "Sosialisasi", "articles": 1, "views": 0}],
            "top_articles": [july[0], august[0]],
            "social": [{"platform": "Facebook", "posts": 458, "followers": 4926},
                       {"platform": "Youtube", "posts": 15, "followers": None}],
            "social_by_content_type": [{"content_type": "Foto Berita", "posts": {"Facebook": 98, "Youtube": 19}}],
            "humas_activities": [humas], "crawled_until": "2021-10-05", "generated_at": "2026-11-22T10:00:00+07:00"}


def seed_000_section() -> str:
    """Seed 000's section II.B.1 from its count sentence to section 2, as written."""
    text = (FILES / "seed_000_bakohumas_kab-serang_2021Q3.txt").read_text(encoding="utf-8")
    return text[text.index("telah mengunggah sebanyak 36 artikel"):text.index("2. Akun Media Sosial")]


def seed_000_titles() -> dict[str, list[str]]:
    """Month -> titles, parsed from the seed report's section II.B.1 as written."""
    titles, month = {}, None
    for line in seed_000_section().splitlines():
        line = line.strip().lstrip("- ").strip()
        if line.rstrip(":") in SEED_000_MONTHS:
            month = SEED_000_MONTHS[line.rstrip(":")]
            titles[month] = []
        elif month and (m := re.match(r"^[a-z]\. (.+)$", line)):
            titles[month].append(m.group(1).strip())
    return titles
