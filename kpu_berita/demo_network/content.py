"""Deterministic articles of the demo network's satker sites (pure: no clock, no IO).

Each site draws its articles month by month from an RNG seeded with (satker, year, month),
so moving `as_of` forward adds articles without changing any earlier one. Titles and bodies
are written from per-activity templates (taxonomy.md), so a title and its body agree.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, replace

from kpu_berita.demo_network.seed_articles import SEED_000_HUMAS_BODIES, SEED_000_Q3_2021, SEED_002_JANUARY_2022
from kpu_berita.pipelines.dates import MONTH_LABELS_ID

DEFAULT_AS_OF = dt.date(2025, 12, 31)
FIRST_MONTH = dt.date(2021, 1, 1)
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class DemoArticle:
    article_id: int
    slug: str
    title: str
    published: dt.date
    author: str
    body: str  # paragraphs separated by "\n\n"
    base_views: int  # views shown at DEFAULT_AS_OF
    path: str  # URL path on its site


@dataclass(frozen=True)
class DemoSite:
    satker_id: str
    template: str  # blog | blog_slug | table
    category_id: int
    articles: tuple[DemoArticle, ...]  # newest first


@dataclass(frozen=True)
class SiteProfile:
    satker_id: str
    short: str  # "Kabupaten Serang"
    place: str  # dateline place
    template: str
    category_id: int
    per_month: tuple[int, int]  # articles per month, min..max
    dateline: str  # how this site's bodies open
    credit: str
    first_id: int


PROFILES = (
    SiteProfile("kab-serang", "Kabupaten Serang", "Serang", "blog", 104, (3, 5), "paren_short",
                "Tim Hupmas KPU Kabupaten Serang", 1000),
    SiteProfile("kota-serang", "Kota Serang", "Serang", "blog", 104, (1, 2), "place_long", "ADMIN", 2000),
    SiteProfile("kota-palu", "Kota Palu", "Palu", "blog_slug", 104, (1, 3), "place_long",
                "Humas KPU Kota Palu", 8000),
    SiteProfile("kota-kupang", "Kota Kupang", "Kupang", "blog", 29, (1, 2), "weekday_full", "TIM", 3000),
    SiteProfile("kab-kayongutara", "Kabupaten Kayong Utara", "Sukadana", "table", 104, (1, 2), "place_numeric",
                "Liv", 4000),
    SiteProfile("kip-acehbesar", "Kabupaten Aceh Besar", "Jantho", "blog", 104, (1, 2), "sentence", "ADMIN", 5000),
    SiteProfile("bali", "Provinsi Bali", "Denpasar", "blog", 104, (1, 3), "place_long", "Humas KPU Provinsi Bali", 6000),
)

TOPICS = ("Daftar Pemilih Berkelanjutan", "Pemutakhiran Data Pemilih", "Pengelolaan Arsip", "Laporan Keuangan",
          "Pengelolaan PPID", "Sistem Informasi Data Pemilih (Sidalih)", "Sistem Pengendalian Intern Pemerintah",
          "Penyusunan Sasaran Kinerja Pegawai", "Pengelolaan Website dan Media Sosial", "Tahapan Pemilu 2024",
          "Tahapan Pemilihan Serentak 2024", "Partisipasi Masyarakat", "Jaringan Dokumentasi dan Informasi Hukum")
AUDIENCES = ("Pemilih Pemula", "Penyandang Disabilitas", "Organisasi Kemasyarakatan", "Tokoh Agama",
             "Mahasiswa", "Pelajar SMA", "Karang Taruna", "Komunitas Perempuan", "Partai Politik")
INSTITUTIONS = ("Bawaslu", "Pemerintah Daerah", "DPRD", "Kepolisian Resor", "Dinas Kependudukan dan Pencatatan Sipil",
                "Kantor Kementerian Agama", "Dinas Komunikasi dan Informatika", "Pengadilan Negeri", "Kodim")
ADHOC = ("PPK", "PPS", "KPPS", "Pantarlih")
VILLAGES = ("Sukamaju", "Cikande", "Mekarsari", "Sindangsari", "Tegalsari", "Kramat", "Pasirjaya", "Margamulya")


def _d(day: dt.date) -> str:
    return f"{day.day} {MONTH_LABELS_ID[day.month - 1]} {day.year}"


def _weekday(day: dt.date) -> str:
    return WEEKDAYS_ID[day.weekday()]


def _title(category: str, rng: random.Random, profile: SiteProfile, day: dt.date) -> str:
    period = f"{MONTH_LABELS_ID[day.month - 1]} {day.year}"
    topic, audience = rng.choice(TOPICS), rng.choice(AUDIENCES)
    institution, adhoc, village = rng.choice(INSTITUTIONS), rng.choice(ADHOC), rng.choice(VILLAGES)
    choices = {
        "rapat": [f"Rapat Koordinasi {topic} Periode {period}",
                  f"Rapat Pleno Terbuka Rekapitulasi Daftar Pemilih Berkelanjutan Bulan {period}",
                  f"Rapat Evaluasi {topic} Tahun {day.year}"],
        "sosialisasi": [f"Sosialisasi {topic} kepada {audience}",
                        f"KPU {profile.short} Gelar Pendidikan Pemilih bagi {audience}",
                        f"Desa Peduli Pemilu dan Pemilihan di Desa {village}"],
        "bimtek": [f"Bimbingan Teknis {topic} bagi {adhoc}", f"Pelatihan Operator {topic}",
                   f"Workshop Peningkatan Kapasitas Pengelola {topic}"],
        "diskusi": [f"Webinar {topic}: Tantangan dan Harapan", f"Rabu Ngopi Edisi {period}: {topic}",
                    f"Diskusi Publik {topic} bersama {audience}"],
        "audiensi": [f"Audiensi dengan {institution} {profile.short}",
                     f"Kunjungan Kerja {institution} ke KPU {profile.short}",
                     f"Silaturahmi KPU {profile.short} ke {institution}"],
        "tahapan": [f"Coklit Data Pemilih di Desa {village}", f"Monitoring Pelaksanaan {topic}",
                    f"Sortir dan Lipat Surat Suara Gudang Logistik KPU {profile.short}"],
        "seremoni": [f"Pelantikan {adhoc} Se-{profile.short}", f"Apel Siaga Pegawai KPU {profile.short}",
                     f"Penandatanganan Perjanjian Kinerja Tahun {day.year}"],
        "pengumuman": [f"Pengumuman Hasil Seleksi Calon Anggota {adhoc}", f"Infografis {topic}",
                       f"Jadwal Pendaftaran Calon Anggota {adhoc} {period}"],
        "ucapan": [f"Selamat Memperingati Hari Kartini Tahun {day.year}", f"Ucapan Selamat Hari Jadi {profile.short}",
                   f"Dirgahayu Republik Indonesia ke-{day.year - 1945}"],
        "opini": [f"Opini: Menjaga Integritas {topic}", f"Mengenal {topic} Lebih Dekat"],
        "lainnya": [f"Senam Sehat Bersama Pegawai KPU {profile.short}", f"Penataan Arsip Inaktif Sekretariat {period}"],
    }
    return rng.choice(choices[category])


CATEGORY_WEIGHTS = (("rapat", 24), ("sosialisasi", 16), ("bimtek", 8), ("diskusi", 8), ("audiensi", 10),
                    ("tahapan", 8), ("seremoni", 8), ("pengumuman", 8), ("ucapan", 5), ("opini", 3), ("lainnya", 2))

ACTIVITY_SENTENCES = {
    "rapat": "KPU {short} menggelar rapat yang dihadiri para anggota dan jajaran sekretariat untuk membahas {topic}.",
    "sosialisasi": "Kegiatan sosialisasi ini menyasar {audience} agar memahami hak pilih dan tahapan pemilu.",
    "bimtek": "Bimbingan teknis ini diberikan agar peserta mampu melaksanakan tugas sesuai ketentuan.",
    "diskusi": "Diskusi menghadirkan narasumber dari akademisi dan penyelenggara pemilu serta dihadiri peserta secara daring.",
    "audiensi": "Rombongan KPU {short} diterima langsung oleh pimpinan {institution} dalam suasana kekeluargaan.",
    "tahapan": "Petugas turun langsung ke lapangan untuk memastikan tahapan berjalan sesuai jadwal.",
    "seremoni": "Acara berlangsung khidmat dan dihadiri jajaran komisioner serta sekretariat.",
    "pengumuman": "Informasi selengkapnya dapat dilihat pada lampiran pengumuman dan kanal media sosial resmi.",
    "ucapan": "Keluarga besar KPU {short} menyampaikan ucapan ini kepada seluruh masyarakat.",
    "opini": "Tulisan ini mengajak pembaca memahami pentingnya partisipasi dalam kehidupan berdemokrasi.",
    "lainnya": "Kegiatan ini diikuti seluruh pegawai sebagai bagian dari menjaga kebersamaan.",
}
CLOSING = ("Kegiatan berjalan lancar dan tertib dengan tetap memperhatikan protokol kesehatan.",
           "Diharapkan kegiatan ini dapat meningkatkan kualitas penyelenggaraan pemilu dan pemilihan.",
           "Para peserta menyambut baik kegiatan ini dan berharap dapat dilaksanakan secara berkala.",
           "Ketua KPU {short} menegaskan komitmen lembaga untuk bekerja profesional dan berintegritas.")


def _dateline(profile: SiteProfile, day: dt.date) -> str:
    if profile.dateline == "paren_short":
        return f"{profile.place} ({day.day}/{day.month}) - "
    if profile.dateline == "place_long":
        return f"{profile.place}, {_d(day)} - "
    if profile.dateline == "weekday_full":
        return f"{profile.place}, {_weekday(day)} ({day.day:02d}/{day.month:02d}/{day.year}) - "
    if profile.dateline == "place_numeric":
        return f"{profile.place}, ({day.day}/{day.month}/{day.year}). "
    return ""


def _body(profile: SiteProfile, category: str, title: str, day: dt.date, rng: random.Random,
          other_title: str | None) -> str:
    fill = {"short": profile.short, "topic": rng.choice(TOPICS), "audience": rng.choice(AUDIENCES),
            "institution": rng.choice(INSTITUTIONS)}
    opening = _dateline(profile, day)
    if profile.dateline == "sentence":
        first = (f"KPU {profile.short} melaksanakan kegiatan {title} pada {_weekday(day)}, {_d(day)} "
                 f"bertempat di Aula Kantor KPU {profile.short}.")
    else:
        first = f"{opening}KPU {profile.short} melaksanakan kegiatan {title} pada {_weekday(day)}, {_d(day)}."
    paragraphs = [first, ACTIVITY_SENTENCES[category].format(**fill) + " " + rng.choice(CLOSING).format(**fill)]
    if other_title and rng.random() < 0.25:
        paragraphs.append(f"Baca Juga: {other_title}")
    if rng.random() < 0.3:
        paragraphs.append(f"dok. foto Humas KPU {profile.short}")
    paragraphs.append(rng.choice(CLOSING).format(**fill) + f" ({profile.credit})")
    return "\n\n".join(paragraphs)


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:90]


def _month_starts(until: dt.date):
    month = FIRST_MONTH
    while month <= until:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _days_in_month(month: dt.date) -> int:
    return ((month + dt.timedelta(days=32)).replace(day=1) - month).days


def _planned(profile: SiteProfile, until: dt.date) -> list[tuple[dt.date, str, str, str | None, int | None]]:
    """(date, category, title, body or None, fixed views or None), oldest first."""
    planned = []
    for month in _month_starts(until):
        key = month.strftime("%Y-%m")
        if profile.satker_id == "kab-serang" and key in SEED_000_Q3_2021:
            titles = SEED_000_Q3_2021[key]
            step = (_days_in_month(month) - 2) / len(titles)
            for i, title in enumerate(titles):
                planned.append((month + dt.timedelta(days=1 + int(i * step)), "seed", title,
                                SEED_000_HUMAS_BODIES.get(title), None))
            continue
        rng = random.Random(f"{profile.satker_id}:{key}")
        count = rng.randint(*profile.per_month)
        last_day = _days_in_month(month)
        if profile.satker_id == "kab-serang" and key == "2022-01":
            last_day = 15  # the seed-002 items own the rest of January 2022
        days = sorted(rng.randint(1, last_day) for _ in range(count))
        for day in days:
            category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
            planned.append((month.replace(day=day), category, None, None, None))
        if profile.satker_id == "kab-serang" and key == "2022-01":
            for item in reversed(SEED_002_JANUARY_2022):
                planned.append((dt.date.fromisoformat(item["published"]), "seed", item["title"], item["body"],
                                item["views"]))
    return planned


def _path(profile: SiteProfile, article_id: int, slug: str, published: dt.date) -> str:
    if profile.template == "blog_slug":
        # older articles of this site kept their legacy URL through the CMS migration
        return f"/berita/baca/{article_id}/{slug}" if published.year < 2023 else f"/blog/read/{slug}"
    return f"/blog/read/{article_id}_{slug}"


def _site(profile: SiteProfile, as_of: dt.date, new_per_site: int) -> DemoSite:
    until = max(as_of, DEFAULT_AS_OF)
    articles, titles_used = [], set()
    previous_title = None
    for n, (day, category, title, body, views) in enumerate(_planned(profile, until)):
        rng = random.Random(f"{profile.satker_id}:{n}:{day.isoformat()}")
        if title is None:
            title = _title(category, rng, profile, day)
            if title in titles_used:
                title = f"{title} ({_d(day)})"
        titles_used.add(title)
        if body is None:
            body = _body(profile, category if category != "seed" else "rapat", title, day, rng, previous_title)
        article_id = profile.first_id + n
        slug = slugify(title)
        if profile.template == "blog_slug" and n % 7 == 3:
            slug = slug.replace("-", ",-", 1)  # real slugs sometimes keep a comma
        age_days = (DEFAULT_AS_OF - day).days
        base_views = views if views is not None else 15 + rng.randint(0, 120) + min(age_days, 900) // 6
        articles.append(DemoArticle(article_id, slug, title, day, "ADMIN", body, base_views,
                                    _path(profile, article_id, slug, day)))
        previous_title = title
    articles = [a for a in articles if a.published <= as_of]
    for k in range(new_per_site):
        rng = random.Random(f"{profile.satker_id}:new:{as_of.isoformat()}:{k}")
        day = as_of - dt.timedelta(days=rng.randint(0, 6))
        category = rng.choice([c for c, _ in CATEGORY_WEIGHTS[:9]])
        title = f"{_title(category, rng, profile, day)} (Kabar Terbaru {k + 1})"
        article_id = 90000 + profile.first_id + k
        slug = slugify(title)
        articles.append(DemoArticle(article_id, slug, title, day, "ADMIN",
                                    _body(profile, category, title, day, rng, None), rng.randint(1, 20),
                                    _path(profile, article_id, slug, day)))
    articles.sort(key=lambda a: (a.published, a.article_id), reverse=True)
    return DemoSite(profile.satker_id, profile.template, profile.category_id, tuple(articles))


def build_demo_sites(as_of: dt.date = DEFAULT_AS_OF, new_per_site: int = 0) -> list[DemoSite]:
    """The demo network's sites with their articles published up to `as_of` (newest first)."""
    return [_site(p, as_of, new_per_site) for p in PROFILES]


def views_at(article: DemoArticle, as_of: dt.date) -> int:
    """base_views up to DEFAULT_AS_OF, then a few more each day."""
    extra_days = max(0, (as_of - DEFAULT_AS_OF).days)
    return article.base_views + extra_days * (1 + article.article_id % 3)


def _other_url_form(article: DemoArticle) -> str:
    """The article's path in the CMS's other URL form: "<id>_<slug>" <-> slug only (a legacy
    /berita/baca/ path becomes "<id>_<slug>")."""
    id_form = f"/blog/read/{article.article_id}_{article.slug}"
    return f"/blog/read/{article.slug}" if article.path == id_form else id_form


def edit_site(site: DemoSite, *, retitle: dict[int, str] | None = None, pin: int | None = None,
              moved: tuple[int, ...] = ()) -> DemoSite:
    """The site after real-site habits: titles corrected in place (same URL, by article_id),
    one older article pinned on top of page 1 (a standing pengumuman), and articles moved
    to the CMS's other URL form (`moved`, by article_id), as a site does when its URLs change."""
    retitle = retitle or {}
    articles = [replace(a, title=retitle[a.article_id]) if a.article_id in retitle else a for a in site.articles]
    articles = [replace(a, path=_other_url_form(a)) if a.article_id in moved else a for a in articles]
    if pin is not None:
        pinned = next(a for a in articles if a.article_id == pin)
        articles = [pinned] + [a for a in articles if a.article_id != pin]
    return replace(site, articles=tuple(articles))
