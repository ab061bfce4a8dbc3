"""Section 3 of the Bakohumas report, drafted from the period's articles about kehumasan
(Bakohumas, PPID, website, media, humas sosialisasi/bimtek). Pure functions: the date, place
and participants come from the article's first paragraph, where KPU news writes them
("Kegiatan ini dilaksanakan pada Rabu, 8 September 2021 di Aula KPU Kabupaten Serang ...
diikuti oleh ..."). The operator edits the draft; nothing here invents a fact."""
from __future__ import annotations

import datetime as dt
import re

from kpu_berita.pipelines.dates import INDONESIAN_MONTHS
from kpu_berita.reports.periods import weekday_date

HUMAS_TOPIC = "kehumasan_ppid"
# Title cues: the classifier's topic also fires on a body's "dok. foto Humas KPU ..." tail,
# so the cue must be in the title or the first paragraph, where the activity is named.
HUMAS_CUES = re.compile(
    r"\b(bakohumas|kehumasan|humas|ppid|website|web|media\s+sosial|medsos|informasi\s+publik|jurnalistik|"
    r"publikasi|siaran\s+pers|rilis\s+berita|konten|pengelola\s+informasi)\b", re.I)
_MONTHS = "|".join(sorted(INDONESIAN_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu)"
ACTIVITY_DATE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY}),?\s*(?:\(\s*)?)?(?P<d>\d{{1,2}})\s+(?P<m>{_MONTHS})\.?\s+(?P<y>\d{{4}})", re.I)
PLACE = re.compile(
    r"\b(?:bertempat\s+di|berlokasi\s+di|di)\s+(?P<place>(?:Aula|Kantor|Hotel|Gedung|Ruang|Ruangan|Sekretariat|"
    r"Balai|Pendopo|Pendapa|Graha|Wisma|Auditorium|Media\s+Center|Taman|Kafe|Cafe|Rumah|Gudang|Desa|Kelurahan|"
    r"Kecamatan|Studio|Universitas|Kampus|Sekolah|SMA|SMK|Mall)\b[^.;:()]*?)(?=\s*(?:[.;:(]|,\s|\s+pada\s|"
    r"\s+yang\s|\s+dan\s+diikuti|\s+dengan\s|$))", re.I)
ONLINE = re.compile(r"\bsecara\s+daring(?:\s+melalui\s+(?P<via>[^.;]*?))?(?=\s+pada\s|[.;,]|$)", re.I)
PARTICIPANTS = re.compile(
    r"\b(?:diikuti\s+oleh|diikuti|dihadiri\s+oleh|dihadiri|melibatkan)\s+(?P<who>[^.;]+)", re.I)
DATELINE = re.compile(r"^[^.\n]{0,60}?(?:\(\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?\s*\)|\d{4})\s*[-–—.]\s+")
SUMMARY_CHARS = 480
CAPTION_LABEL = "Keterangan Gambar: "  # how the seed reports caption their photos


def is_humas_article(title: str, first_paragraph: str, topics) -> bool:
    """An article about kehumasan: a cue in its title, or the classifier's kehumasan topic
    confirmed by a cue in the first paragraph."""
    if HUMAS_CUES.search(title or ""):
        return True
    return HUMAS_TOPIC in list(topics or ()) and bool(HUMAS_CUES.search(first_paragraph or ""))


def first_paragraph(body: str | None) -> str:
    for paragraph in (body or "").split("\n\n"):
        if paragraph.strip():
            return " ".join(paragraph.split())
    return ""


def strip_dateline(text: str) -> str:
    """'Serang (8/9) - Kegiatan ini ...' -> 'Kegiatan ini ...'."""
    return DATELINE.sub("", text, count=1)


def activity_date(text: str) -> dt.date | None:
    m = ACTIVITY_DATE.search(text or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group("y")), INDONESIAN_MONTHS[m.group("m").lower().rstrip(".")], int(m.group("d")))
    except (ValueError, KeyError):
        return None


def activity_place(text: str) -> str | None:
    """'... di Aula KPU Kabupaten Serang. ...' -> 'Aula KPU Kabupaten Serang'; online -> 'Daring melalui ...'."""
    m = PLACE.search(text or "")
    if m:
        return m.group("place").strip(" ,")
    online = ONLINE.search(text or "")
    if online:
        via = " ".join((online.group("via") or "").replace("*", "").split())
        return f"Daring melalui {via}" if via else "Daring"
    return None


def activity_participants(text: str) -> str | None:
    """'Kegiatan ini diikuti oleh Komisioner Divisi ... serta Operator Website.' -> 'Komisioner Divisi ...'."""
    m = PARTICIPANTS.search(text or "")
    return " ".join(m.group("who").split()).strip(" ,") if m else None


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“(])", text) if s.strip()]


def summary(body: str | None, limit: int = SUMMARY_CHARS) -> str:
    """One paragraph from the article's opening, without the dateline and without the
    sentences that only state the date, place or participants (the item says those
    already); cut at a sentence end within `limit` characters."""
    paragraphs = [strip_dateline(" ".join(p.split())) for p in (body or "").split("\n\n") if p.strip()]
    kept = [s for p in paragraphs[:3] for s in _sentences(p)
            if not (ACTIVITY_DATE.search(s) or PARTICIPANTS.search(s) or s.startswith("Baca Juga"))]
    # sites repeat a sentence (a caption that is also the closing line): say it once
    kept = list(dict.fromkeys(kept))
    text = ""
    for sentence in kept:
        if len(text) + len(sentence) + 1 > limit:
            break
        text = f"{text} {sentence}".strip()
    return text or (kept[0][:limit].rsplit(" ", 1)[0] + " ..." if kept else "")


def caption(title: str, place: str | None) -> str:
    """'Keterangan Gambar: <title> di <place>.', as the seed reports caption their photos."""
    where = f" di {place}" if place and not place.startswith("Daring") else ""
    return f"{CAPTION_LABEL}{title}{where}."


# Posts that are no activity, whatever kehumasan word their title has (taxonomy.md): an
# "Infografis Pengelolaan PPID" or a siaran pers (pengumuman), a greeting, an essay.
NOT_ACTIVITIES = frozenset(("pengumuman", "ucapan", "opini"))
# after the day, where the opening names none: the day the article was posted, said as such
POSTED_DAY = " (tanggal unggah artikel)"


def draft_activity(row: dict) -> dict:
    """One section-3 item from an article row (title, url, published_date, body, lead_image_url)."""
    opening = strip_dateline(first_paragraph(row.get("body")))
    held_on = activity_date(opening)
    day = held_on or row["published_date"]
    place = activity_place(opening)
    return {"title": row["title"], "url": row["url"], "published_date": row["published_date"].isoformat(),
            "date": day.isoformat(), "date_label": weekday_date(day) + ("" if held_on else POSTED_DAY),
            "place": place,
            "participants": activity_participants(opening), "summary": summary(row.get("body")),
            "photo_url": row.get("lead_image_url"), "caption": caption(row["title"], place)}


def draft_activities(rows: list[dict]) -> list[dict]:
    """The period's humas activities, oldest first."""
    chosen = [r for r in rows if r.get("category") not in NOT_ACTIVITIES
              and is_humas_article(r["title"], first_paragraph(r.get("body")), r.get("topics"))]
    return [draft_activity(r) for r in chosen]
