"""Warehouse benchmark: build time and peak RSS from staged crawl rows to the published
file, report and mart query latency, classification throughput.

Synthetic but shaped like the real network: the 552 registry satker with a skewed spread
of article counts, sites starting 2015-2020, Indonesian titles and bodies written from the
demo network's vocabulary plus real titles from the labelled data, each site's own date
form (header line, meta tag, dateline, year-less "(28/1)", date in a sentence), reposts of
KPU RI news, credit tails and page chrome. Every article is seen on the listing by 19
nightly crawls (views never decreasing) and its page fetched once: 20 view snapshots each.
The rows are written by DuckDB SQL straight into raw_listing_items / raw_article_pages,
as the staging asset leaves them; the build then runs the project's own assets.

`.venv/bin/python -m benchmarks.warehouse [--full]` prints the figures as JSON.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kpu_berita import config
from kpu_berita.demo_network.content import (ACTIVITY_SENTENCES, ADHOC, AUDIENCES, CATEGORY_WEIGHTS, CLOSING,
                                             INSTITUTIONS, TOPICS, VILLAGES, WEEKDAYS_ID)
from kpu_berita.pipelines.classify import CATEGORY_LABELS, DATA, Classifier
from kpu_berita.pipelines.dates import MONTH_LABELS_ID, decide_article_date
from kpu_berita.registry import load_registry
from kpu_berita.spiders import raw_store
from kpu_berita.warehouse import db
from kpu_berita.reports.data import province_report, satker_report
from kpu_berita.reports.periods import quarter_period

REPO_ROOT = Path(__file__).resolve().parents[1]
FULL_ARTICLES = 1_000_000
QUICK_SCALE = 0.1
LISTING_CRAWLS = 19  # nightly listing refreshes; + the one article-page fetch = 20 snapshots per article
SNAPSHOTS_PER_ARTICLE = LISTING_CRAWLS + 1
FIRST_CRAWL = dt.datetime(2025, 12, 13, 18, 0, tzinfo=dt.timezone.utc)
LAST_PUBLISHED = dt.date(2025, 12, 12)
PER_LISTING_PAGE = 10
CLASSIFY_ARTICLES = 20_000
REPORT_CALLS = 300
QUERY_BUDGET_S = 60.0  # per query kind: a slow query at 1M gets fewer calls, not a run of hours
SEED = 20251213

# Share of satker per date form (the template decides it, so it is a site trait).
DATE_STYLES = {"header": 0.35, "meta": 0.2, "dateline": 0.2, "paren": 0.15, "sentence": 0.1}
UNDATED_SHARE, REPOST_SHARE, REAL_TITLE_SHARE = 0.01, 0.04, 0.25

# Titles per category, in the demo network's voice (placeholders filled in SQL).
TITLE_TEMPLATES = {
    "rapat": ["Rapat Koordinasi {topic} Periode {period}", "Rapat Evaluasi {topic} Tahun {year}",
              "Rapat Pleno Terbuka Rekapitulasi Daftar Pemilih Berkelanjutan Bulan {period}",
              "KPU {short} Ikuti Rapat Koordinasi {topic} bersama {institution}"],
    "sosialisasi": ["Sosialisasi {topic} kepada {audience}", "KPU {short} Gelar Pendidikan Pemilih bagi {audience}",
                    "Desa Peduli Pemilu dan Pemilihan di Desa {village}", "Sosialisasi {topic} di Desa {village}"],
    "bimtek": ["Bimbingan Teknis {topic} bagi {adhoc}", "Pelatihan Operator {topic}",
               "Workshop Peningkatan Kapasitas Pengelola {topic}"],
    "diskusi": ["Webinar {topic}: Tantangan dan Harapan", "Rabu Ngopi Edisi {period}: {topic}",
                "Diskusi Publik {topic} bersama {audience}"],
    "audiensi": ["Audiensi dengan {institution} {short}", "Kunjungan Kerja {institution} ke KPU {short}",
                 "Silaturahmi KPU {short} ke {institution}"],
    "tahapan": ["Coklit Data Pemilih di Desa {village}", "Monitoring Pelaksanaan {topic}",
                "Sortir dan Lipat Surat Suara Gudang Logistik KPU {short}"],
    "seremoni": ["Pelantikan {adhoc} Se-{short}", "Apel Siaga Pegawai KPU {short}",
                 "Penandatanganan Perjanjian Kinerja Tahun {year}"],
    "pengumuman": ["Pengumuman Hasil Seleksi Calon Anggota {adhoc}", "Infografis {topic}",
                   "Jadwal Pendaftaran Calon Anggota {adhoc} {period}"],
    "ucapan": ["Selamat Memperingati Hari Kartini Tahun {year}", "Ucapan Selamat Hari Jadi {short}",
               "Selamat Hari Raya Idul Fitri 1446 H"],
    "opini": ["Opini: Menjaga Integritas {topic}", "Mengenal {topic} Lebih Dekat"],
    "lainnya": ["Senam Sehat Bersama Pegawai KPU {short}", "Penataan Arsip Inaktif Sekretariat {period}"],
}
# Real titles name a place or a period often enough that few repeat within a satker.
TITLE_SUFFIXES = ["", "", "", " Tahun {year}", " di Kecamatan {village}", " Se-{short}"]
CREDITS = ["Humas KPU {short}", "Tim Hupmas KPU {short}", "ADMIN", "TIM", "Liv"]
AUTHORS = ["ADMIN", "Humas", "Operator Website", "Tim Teknis"]


# --- synthetic staging data -------------------------------------------------------------

def satker_sites(registry: list[dict], articles: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per satker with its traits and an article count; counts are skewed
    (log-normal, provinces busier) and add up to `articles` exactly."""
    weights = rng.lognormal(0.0, 1.1, len(registry)) * [1.5 if r["level"] == "provinsi" else 1.0 for r in registry]
    share = weights / weights.sum() * articles
    counts = np.floor(share).astype(int)
    counts[np.argsort(share - counts)[::-1][: articles - counts.sum()]] += 1  # largest remainders
    styles = list(DATE_STYLES)
    rows = []
    for r, n in zip(registry, counts):
        short = r["name"].removeprefix("KPU ").removeprefix("KIP ")
        place = short.removeprefix("Kabupaten ").removeprefix("Kota ").removeprefix("Provinsi ")
        first_day = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.random() ** 2 * 6 * 365))
        rows.append({"satker_id": r["satker_id"], "base_url": r["base_url"], "short": short, "place": place,
                     "n_articles": int(n), "first_day": first_day, "span_days": (LAST_PUBLISHED - first_day).days,
                     "first_id": int(rng.integers(100, 5000)),
                     "style": styles[rng.choice(len(styles), p=list(DATE_STYLES.values()))],
                     "listing_dates": bool(rng.random() < 0.25),  # table templates print the date
                     "credit": CREDITS[rng.integers(len(CREDITS))].format(short=short),
                     "views_scale": float(rng.lognormal(0.0, 0.8))})
    return pd.DataFrame(rows)


def _real_titles() -> pd.DataFrame:
    rows = []
    for name in ("labeled_dev.csv", "real_items_dev.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            rows += [{"title": r["title"], "category": r["category"]} for r in csv.DictReader(f)
                     if r.get("category") in CATEGORY_LABELS and r.get("title")]
    return pd.DataFrame(rows).drop_duplicates("title").reset_index(drop=True).rename_axis("idx").reset_index()


def _fill(expr: str) -> str:
    """SQL that fills a template's placeholders, each with its own random draw."""
    for name, value in (("topic", "pick(v.topics)"), ("audience", "pick(v.audiences)"),
                        ("institution", "pick(v.institutions)"), ("adhoc", "pick(v.adhoc)"),
                        ("village", "pick(v.villages)"), ("short", "b.short"), ("period", "b.period"),
                        ("year", "CAST(year(b.published) AS VARCHAR)")):
        expr = f"replace({expr}, '{{{name}}}', {value})"
    return expr


def _category_case() -> str:
    total, cumulative, parts = sum(w for _, w in CATEGORY_WEIGHTS), 0, []
    for category, weight in CATEGORY_WEIGHTS:
        cumulative += weight
        parts.append(f"WHEN r_category < {cumulative / total} THEN '{category}'")
    return "CASE " + " ".join(parts) + " ELSE 'lainnya' END"


def _style_case() -> str:
    # a year-less dateline site still writes the year on about half its posts' header lines,
    # which is what lets assemble_articles date the others from their listing neighbours
    return (f"CASE WHEN random() < {UNDATED_SHARE} THEN 'none' "
            "WHEN s.style = 'paren' AND random() < 0.5 THEN 'header' ELSE s.style END")


def generate_raw_crawls(home: Path, articles: int, seed: int = SEED) -> dict:
    """Write LISTING_CRAWLS finished crawls under HOME/raw as the spider leaves them
    (items.jsonl.gz, spec.json, done.json); return what was generated."""
    registry = load_registry()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    sites = satker_sites(registry, articles, np.random.default_rng(seed))
    real = _real_titles()
    templates = pd.DataFrame([{"category": c, "templates": t, "sentence": ACTIVITY_SENTENCES[c]}
                              for c, t in TITLE_TEMPLATES.items()])
    con.register("sites_df", sites)
    con.register("real_df", real)
    con.register("templates_df", templates)
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    con.execute("CREATE TEMP MACRO pick(l) AS l[1 + floor(random() * len(l))::INTEGER]")
    con.execute("""CREATE TEMP TABLE vocab AS SELECT ?::VARCHAR[] AS topics, ?::VARCHAR[] AS audiences,
                   ?::VARCHAR[] AS institutions, ?::VARCHAR[] AS adhoc, ?::VARCHAR[] AS villages,
                   ?::VARCHAR[] AS months, ?::VARCHAR[] AS weekdays, ?::VARCHAR[] AS closings,
                   ?::VARCHAR[] AS suffixes, ?::VARCHAR[] AS authors""",
                [list(TOPICS), list(AUDIENCES), list(INSTITUTIONS), list(ADHOC), list(VILLAGES),
                 list(MONTH_LABELS_ID), list(WEEKDAYS_ID), list(CLOSING), TITLE_SUFFIXES, AUTHORS])
    # One row per article with everything the raw rows are written from. Dates rise with the
    # CMS id within a site, denser towards today (sites post more than they used to).
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        WITH drawn AS (
            SELECT s.*, t.seq, s.first_id + t.seq AS cms_id,
                   s.first_day + floor(s.span_days * pow((t.seq + random()) / s.n_articles, 0.7))::INTEGER AS published,
                   random() AS r_category, random() < {REAL_TITLE_SHARE} AS use_real,
                   floor(random() * (SELECT count(*) FROM real_df))::INTEGER AS real_idx,
                   {_style_case()} AS date_style, random() < {REPOST_SHARE} AS repost,
                   -- log-normal views (Box-Muller)
                   3.5 + 1.1 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS log_views
            FROM sites_df s, range(s.n_articles) t(seq)),
        b AS (
            SELECT d.*, {_category_case()} AS drawn_category, v.months[month(published)] || ' ' || year(published) AS period,
                   day(published) || ' ' || v.months[month(published)] || ' ' || year(published) AS d_text,
                   v.weekdays[isodow(published)] AS weekday
            FROM drawn d, vocab v),
        articles_drawn AS (
            SELECT b.satker_id, b.base_url, b.short, b.place, b.credit, b.listing_dates, b.seq, b.published,
                   b.date_style, b.repost, b.d_text, b.weekday,
                   b.satker_id || '/id:' || b.cms_id AS article_key, b.cms_id,
                   coalesce(r.category, b.drawn_category) AS category,
                   CASE WHEN b.use_real THEN r.title
                        ELSE {_fill('pick(t.templates)')} || {_fill('pick(v.suffixes)')} END AS title,
                   (b.n_articles - 1 - b.seq) // {PER_LISTING_PAGE} + 1 AS page,
                   (b.n_articles - 1 - b.seq) % {PER_LISTING_PAGE} AS position,
                   floor(b.views_scale * exp(b.log_views))::INTEGER AS views0,
                   -- views gained per night: fresh posts gain, old ones mostly don't
                   CASE WHEN b.published > DATE '{LAST_PUBLISHED}' - 60 THEN floor(random() * 12)
                        ELSE floor(pow(random(), 6) * 3) END::INTEGER AS views_per_crawl,
                   pick(v.authors) AS author, pick(v.closings) AS closing1, pick(v.closings) AS closing2,
                   {_fill('s.sentence')} AS activity, random() AS r_chrome
            FROM b CROSS JOIN vocab v
            JOIN templates_df t ON t.category = b.drawn_category
            LEFT JOIN real_df r ON b.use_real AND r.idx = b.real_idx
            JOIN templates_df s ON s.category = coalesce(r.category, b.drawn_category))
        -- the URL once per article, not per listing sighting: the slug regex is the generator's dearest step
        SELECT *, base_url || '/berita/baca/' || cms_id || '/'
                  || trim(regexp_replace(lower(title), '[^a-z0-9]+', '-', 'g'), '-') AS url
        FROM articles_drawn""")
    con.execute("""CREATE TEMP TABLE crawl_times AS
                   SELECT j, strftime(?::TIMESTAMPTZ + to_days(j::INTEGER), '%Y%m%dT%H%M%S') || '000000Z' AS crawl_id,
                          ?::TIMESTAMPTZ + to_days(j::INTEGER) AS crawl_at
                   FROM range(?) t(j)""", [FIRST_CRAWL, FIRST_CRAWL, LISTING_CRAWLS])
    # The page text as the extractor leaves it: dateline or date sentence first, credit tail last.
    first_paragraph = """CASE
        WHEN g.repost THEN 'Jakarta, kpu.go.id - Komisi Pemilihan Umum (KPU) RI menggelar ' || g.title
                           || ' pada ' || g.weekday || ', ' || g.d_text || '.'
        WHEN g.date_style = 'none' THEN 'KPU ' || g.short || ' melaksanakan kegiatan ' || g.title || '.'
        WHEN g.date_style = 'paren' THEN g.place || ' (' || day(g.published) || '/' || month(g.published) || ') - KPU '
                                         || g.short || ' melaksanakan kegiatan ' || g.title || '.'
        WHEN g.date_style = 'dateline' THEN g.place || ', ' || g.d_text || ' - KPU ' || g.short
                                            || ' melaksanakan kegiatan ' || g.title || ' pada hari ' || g.weekday || '.'
        ELSE 'KPU ' || g.short || ' melaksanakan kegiatan ' || g.title || ' pada ' || g.weekday || ', ' || g.d_text
             || ' bertempat di Aula Kantor KPU ' || g.short || '.' END"""
    body = f"""concat_ws(chr(10) || chr(10), {first_paragraph},
        g.activity || ' ' || replace(g.closing1, '{{short}}', g.short),
        CASE WHEN g.r_chrome < 0.25 THEN 'Baca Juga: ' || lag(g.title) OVER (PARTITION BY g.satker_id ORDER BY g.seq) END,
        CASE WHEN g.r_chrome BETWEEN 0.2 AND 0.5 THEN 'dok. foto Humas KPU ' || g.short END,
        CASE WHEN g.r_chrome > 0.85 THEN 'Bagikan: Facebook Twitter WhatsApp' END,
        replace(g.closing2, '{{short}}', g.short) || ' (' || g.credit || ')')"""
    pages = f"""
        SELECT 'article' AS kind, g.satker_id, g.url, g.article_key, g.title,
               CASE WHEN g.date_style = 'header' THEN 'Ditulis Oleh: ' || g.author || ' Tanggal: ' || g.d_text END AS header_text,
               CASE WHEN g.date_style = 'meta' THEN strftime(g.published, '%Y-%m-%d') || 'T09:30:00+07:00' END AS meta_date,
               g.author, {body} AS body, g.views0 AS views, g.title AS listing_title, g.page AS listing_page,
               g.position AS listing_position, c.crawl_at + to_seconds(g.page * 2 + 1) AS fetched_at
        FROM gen g, crawl_times c WHERE c.j = 0"""
    # the pages with the date the spider decides as it fetches each one (berita.parse_article)
    con.execute(f"""CREATE TEMP TABLE fetched_pages AS
        SELECT p.*, CASE WHEN g.listing_dates AND g.date_style <> 'none' THEN strftime(g.published, '%d/%m/%Y') END
                    AS listing_date_text, c.crawl_at::DATE AS crawl_date
        FROM ({pages}) p JOIN gen g USING (article_key), crawl_times c WHERE c.j = 0""")
    con.register("decided_df", decided_dates(con.sql(
        "SELECT article_key, header_text, meta_date, body, listing_date_text, crawl_date FROM fetched_pages")))
    pages = """SELECT p.* EXCLUDE (listing_date_text, crawl_date), d.* EXCLUDE (article_key)
               FROM fetched_pages p JOIN decided_df d USING (article_key)"""
    listing = """
        SELECT 'listing' AS kind, g.satker_id, g.url, g.article_key, g.title, g.views0 + c.j * g.views_per_crawl AS views,
               CASE WHEN g.listing_dates AND g.date_style <> 'none' THEN strftime(g.published, '%d/%m/%Y') END AS date_text,
               g.page, g.position, g.base_url || '/berita/terkini?page=' || g.page AS listing_url,
               c.crawl_at + to_seconds(g.page * 2) AS seen_at
        FROM gen g, crawl_times c WHERE c.j = ?"""
    satker_ids = [r["satker_id"] for r in registry]
    seal_s = 0.0
    for j, crawl_id in con.execute("SELECT j, crawl_id FROM crawl_times ORDER BY j").fetchall():
        parts = [listing] + ([pages] if j == 0 else [])
        seal_s += write_crawl(con, home, crawl_id, satker_ids, parts, [[j]] + ([[]] if j == 0 else []))
    generated = con.execute("SELECT count(*), count(DISTINCT title) FROM gen").fetchall()[0]
    con.close()
    return {"articles": generated[0], "distinct_titles": generated[1],
            "view_snapshots": generated[0] * SNAPSHOTS_PER_ARTICLE, "raw_seal_s": round(seal_s, 2)}


def decided_dates(relation, batch_rows: int = 50_000) -> pa.Table:
    """article_key and the spider's date decision (ArticlePage's date fields) for each page of
    a relation (article_key, header_text, meta_date, body, listing_date_text, crawl_date),
    decided batch by batch as the spider decides it."""
    decided = {"article_key": [], "published_date": [], "date_source": [], "date_raw": [], "date_flag": [],
               "year_inferred": []}
    for batch in relation.to_arrow_reader(batch_rows):
        for page in batch.to_pylist():
            found = decide_article_date(header=page["header_text"], meta=page["meta_date"], body=page["body"],
                                        listing_date_text=page["listing_date_text"], reference=page["crawl_date"])
            decided["article_key"].append(page["article_key"])
            decided["published_date"].append(found.date if found else None)
            decided["date_source"].append(found.source if found else "none")
            decided["date_raw"].append(found.raw if found else None)
            decided["date_flag"].append(found.flag if found else None)
            decided["year_inferred"].append(bool(found and found.year_inferred))
    return pa.table(decided)


# Generating 1M articles takes minutes and is not what is measured: with this set, the raw
# crawls of one (size, seed) are generated once into that folder and copied from there.
RAW_CACHE_ENV = "KPU_BENCH_RAW_CACHE"
# raised when the generated crawls change, so that no older cache is taken for them
# (2: pages carry the date the spider decided when it fetched them; 3: pages are sealed
# in satker order, as raw_store writes them since then)
GENERATOR_VERSION = 3


def cached_raw_crawls(home: Path, articles: int, seed: int) -> dict:
    cache_root = os.environ.get(RAW_CACHE_ENV)
    if not cache_root:
        return generate_raw_crawls(home, articles, seed)
    cache = Path(cache_root) / f"{articles}-{seed}-{GENERATOR_VERSION}"
    if not (cache / "generated.json").exists():
        shutil.rmtree(cache, ignore_errors=True)
        generated = generate_raw_crawls(cache, articles, seed)
        (cache / "generated.json").write_text(json.dumps(generated))
    shutil.copytree(cache / "raw", home / "raw", dirs_exist_ok=True)
    return json.loads((cache / "generated.json").read_text())


def write_crawl(con, home: Path, crawl_id: str, satker_ids: list[str], selects: list[str], params: list) -> float:
    """One finished crawl folder as the spider and run.py leave it; return the seconds
    run.py's last step, writing the items' columnar copy, took."""
    crawl_dir = config.raw_dir(home) / crawl_id
    crawl_dir.mkdir(parents=True, exist_ok=True)
    for n, (sql, args) in enumerate(zip(selects, params)):
        con.execute(f"COPY ({sql}) TO '{crawl_dir / f'part{n}.jsonl.gz'}' (FORMAT json, COMPRESSION gzip)", args)
    # the crawl's one items file: gzip members concatenate into one valid stream
    with open(crawl_dir / "items.jsonl.gz", "wb") as out:
        for part in sorted(crawl_dir.glob("part*.jsonl.gz")):
            out.write(part.read_bytes())
            part.unlink()
    start = time.perf_counter()
    raw_store.seal_columnar(crawl_dir)
    seal_s = time.perf_counter() - start
    address = {r["satker_id"]: r["base_url"] for r in load_registry()}  # the registry the build uses
    (crawl_dir / "spec.json").write_text(json.dumps({"crawl_id": crawl_id, "sites": [
        {"satker_id": s, "base_url": address[s]} for s in satker_ids]}), encoding="utf-8")
    (crawl_dir / "done.json").write_text(json.dumps({"stats": {"finish_reason": "finished"}}), encoding="utf-8")
    return seal_s


NIGHT_NEW_ARTICLES = 3_000
NIGHT_SNAPSHOTS = 50_000


def generate_night(home: Path, scale: float, seed: int = SEED) -> dict:
    """One more night on top of the built warehouse: new articles (3,000 at full size) on
    page 1 of their sites and the refresh window's listing rows (50,000 snapshots)."""
    new, snapshots = round(NIGHT_NEW_ARTICLES * scale), round(NIGHT_SNAPSHOTS * scale)
    con = duckdb.connect()
    con.execute(f"ATTACH '{config.warehouse_path(home)}' AS w (READ_ONLY)")
    con.execute(f"SELECT setseed({(seed % 997) / 1000})")
    night = FIRST_CRAWL + dt.timedelta(days=LISTING_CRAWLS)
    con.execute("""CREATE TEMP TABLE fresh AS
        SELECT s.satker_id, s.base_url, 9000000 + n AS cms_id,
               'Rapat Koordinasi Malam ' || n || ' KPU ' || s.name AS title
        FROM range(?) t(n), (SELECT *, row_number() OVER () AS k FROM w.satker) s
        WHERE s.k = 1 + n % (SELECT count(*) FROM w.satker)""", [new])
    pages = f"""SELECT 'article' AS kind, satker_id, base_url || '/berita/baca/' || cms_id || '/rapat' AS url,
                       satker_id || '/id:' || cms_id AS article_key, title,
                       'Ditulis Oleh: ADMIN Tanggal: 13 Januari 2026' AS header_text, NULL AS meta_date, 'ADMIN' AS author,
                       'Serang, 13 Januari 2026 - KPU melaksanakan ' || title || '.' AS body, 1 AS views,
                       title AS listing_title, 1 AS listing_page, 0 AS listing_position,
                       '{night.isoformat()}'::TIMESTAMPTZ AS fetched_at FROM fresh"""
    listing = f"""SELECT 'listing' AS kind, satker_id, url, article_key, title, views, NULL AS date_text, 1 AS page,
                         0 AS position, '' AS listing_url, '{night.isoformat()}'::TIMESTAMPTZ AS seen_at FROM (
                      SELECT satker_id, base_url || '/berita/baca/' || cms_id || '/rapat' AS url,
                             satker_id || '/id:' || cms_id AS article_key, title, 1 AS views FROM fresh
                      UNION ALL
                      SELECT a.satker_id, a.url, a.article_key, a.title, v.views + 3
                      FROM (SELECT * FROM w.articles ORDER BY published_date DESC NULLS LAST LIMIT {snapshots}) a
                      JOIN w.article_latest_views v USING (article_key))"""
    crawl_id = night.strftime("%Y%m%dT%H%M%S") + "000000Z"
    satker_ids = [s for (s,) in con.execute("SELECT satker_id FROM w.satker").fetchall()]
    seal_s = write_crawl(con, home, crawl_id, satker_ids, [listing, pages], [[], []])
    con.close()
    return {"night_new_articles": new, "night_view_snapshots": snapshots + new,
            "night_crawl_seal_s": round(seal_s, 2)}


# --- the build, in a child process ------------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's own high-water RSS. Not ru_maxrss: Linux carries the parent's RSS
    across fork+exec into it, so a child of a big parent would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_kb(pid: int, file: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise OSError(f"no {field} in /proc/{pid}/{file}")


def _tree_memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of pid and all its descendants (worker processes included), summed.

    The RSS sum errs high: a page the forked workers share with their forkserver (the
    preloaded code, the classifier) counts once per process. PSS splits each shared page
    among the processes that map it, so its sum is the memory the tree really holds (at the
    1M rebuild's derive-step peak: 2,091 MB RSS against 1,573 MB PSS at one instant)."""
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rss_kb = _status_kb(current, "status", "VmRSS:")
            try:
                pss_kb = _status_kb(current, "smaps_rollup", "Pss:")
            except OSError:  # a kernel without smaps_rollup: RSS is the upper bound
                pss_kb = rss_kb
            rss, pss = rss + rss_kb, pss + pss_kb
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return rss / 1024, pss / 1024


class TreePeak(threading.Thread):
    """Samples this process tree's summed RSS and PSS every 0.2 s; .peak_mb and .peak_pss_mb
    are the highest seen."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_mb, self.peak_pss_mb, self.done = 0.0, 0.0, threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            rss, pss = _tree_memory_mb(os.getpid())
            self.peak_mb, self.peak_pss_mb = max(self.peak_mb, rss), max(self.peak_pss_mb, pss)


def _timed(owner, name: str, totals: dict) -> None:
    """Wrap owner.name so its calls add their wall time to totals[name]."""
    inner = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
    setattr(owner, name, wrapper)


def build_child(home: Path, classify_n: int, rebuild: bool) -> dict:
    """Materialise everything downstream of the crawl with the project's own runner (the
    same assets as the nightly job), timing each step; then time classification."""
    from kpu_berita import runner
    from kpu_berita.dagster_project.resources import KpuBerita
    from kpu_berita.pipelines import classify

    classify.Classifier.default()  # trained once per process at first use: not part of a nightly's data cost
    kpu = KpuBerita(home=str(home), rebuild=rebuild)
    tree = TreePeak()
    tree.start()
    start = time.perf_counter()
    result = runner.materialize(kpu, runner.DOWNSTREAM_OF_CRAWL)
    total = time.perf_counter() - start
    tree.done.set()
    tree.join()
    durations = {e.step_key: e.event_specific_data.duration_ms / 1000
                 for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
    build = {"steps": durations, "functions": {}, "build_s": total, "peak_rss_mb": _peak_rss_mb(),
             "tree_peak_rss_mb": max(tree.peak_mb, _peak_rss_mb()),
             # samples 0.2 s apart can miss the build process's own peak: its high-water mark is a floor
             "tree_peak_pss_mb": max(tree.peak_pss_mb, _peak_rss_mb())}
    if not classify_n:
        return build
    con = db.connect(config.warehouse_path(home), read_only=True)
    try:
        return build | classify_figures(con, classify_n)
    finally:
        con.close()


def build_while_reporting(home: Path, classify_n: int, rng: random.Random) -> tuple[dict, dict]:
    """The nightly build in its child process while this one asks the published file for
    satker reports, as an analyst would during the night: the report latency under a build."""
    box: dict = {}
    builder = threading.Thread(target=lambda: box.setdefault("build", run_build_in_child(home, classify_n)))
    con = db.connect(config.warehouse_path(home), read_only=True)
    try:
        satker = [r[0] for r in con.execute("SELECT satker_id FROM satker ORDER BY 1").fetchall()]
        quarters = [f"{y}Q{q}" for y in range(2020, 2026) for q in range(1, 5)]
        seconds = []
        builder.start()
        while builder.is_alive() or not seconds:
            start = time.perf_counter()
            satker_report(con, rng.choice(satker), quarter_period(rng.choice(quarters)))
            seconds.append(time.perf_counter() - start)
        builder.join()
    finally:
        con.close()
    p50, p95 = _percentiles_ms(seconds)
    # `report_query_p95_ms` is the one analysts feel at night: measured while a nightly build runs
    return box["build"], {"report_query_p50_ms": p50, "report_query_p95_ms": p95, "report_query_calls": len(seconds)}


def run_build_in_child(home: Path, classify_n: int, rebuild: bool = False) -> dict:
    """The build and the classification figures in a fresh interpreter: its peak RSS is the
    build's alone, and the model it trained for article_categories serves both."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.warehouse", "--build-child", str(home),
                           str(classify_n)] + (["--rebuild"] if rebuild else []), capture_output=True, text=True,
                          cwd=REPO_ROOT)  # benchmarks/ is not installed: it runs from the source checkout
    if done.returncode != 0:
        raise RuntimeError(f"build child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- queries and classification -----------------------------------------------------------

def _percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.array(seconds) * 1000, [50, 95])
    return round(float(p50), 2), round(float(p95), 2)


def time_calls(call, argument_sets: list, budget_s: float = QUERY_BUDGET_S, minimum: int = 5) -> list[float]:
    """Wall time of call(*args) per argument set, stopping early once the budget is spent."""
    timings, spent = [], 0.0
    for args in argument_sets:
        start = time.perf_counter()
        call(*args)
        timings.append(time.perf_counter() - start)
        spent += timings[-1]
        if spent > budget_s and len(timings) >= minimum:
            break
    return timings


MART_QUERIES = (
    # quarter totals per province and level, the national overview
    ("""SELECT s.province, s.level, sum(m.articles) AS articles, sum(m.views) AS views
        FROM mart_quarterly_satker m JOIN satker s USING (satker_id) WHERE m.quarter = ? GROUP BY ALL""", "quarter"),
    # a province's category mix over one quarter
    ("""SELECT category_label, sum(articles), sum(views) FROM mart_quarterly_satker_category
        WHERE province = ? AND quarter = ? GROUP BY ALL ORDER BY 2 DESC""", "province_quarter"),
    # one satker's trend over all quarters
    ("SELECT quarter, articles, articles_own, views FROM mart_quarterly_satker WHERE satker_id = ? ORDER BY quarter",
     "satker"),
)


def query_figures(con, calls: int, rng: random.Random) -> dict:
    satker = [r[0] for r in con.execute("SELECT satker_id FROM satker ORDER BY 1").fetchall()]
    provinces = [r[0] for r in con.execute("SELECT DISTINCT province FROM satker ORDER BY 1").fetchall()]
    quarters = [f"{y}Q{q}" for y in range(2015, 2026) for q in range(1, 5)]
    report = time_calls(lambda s, q: satker_report(con, s, quarter_period(q)),
                        [(rng.choice(satker), rng.choice(quarters)) for _ in range(calls)])
    province = time_calls(lambda p, q: province_report(con, p, quarter_period(q)),
                          [(rng.choice(provinces), rng.choice(quarters)) for _ in range(calls // 3)])

    def mart(i, params):
        con.execute(MART_QUERIES[i][0], params).fetchall()
    params = {"quarter": lambda: [rng.choice(quarters)],
              "province_quarter": lambda: [rng.choice(provinces), rng.choice(quarters)],
              "satker": lambda: [rng.choice(satker)]}
    mart_args = [(i % len(MART_QUERIES), params[MART_QUERIES[i % len(MART_QUERIES)][1]]()) for i in range(calls)]
    marts = time_calls(mart, mart_args)
    (report_p50, report_p95), (province_p50, province_p95), (mart_p50, mart_p95) = map(
        _percentiles_ms, (report, province, marts))
    return {"report_query_after_build_p50_ms": report_p50, "report_query_after_build_p95_ms": report_p95,
            "report_query_after_build_calls": len(report),
            "province_report_p50_ms": province_p50, "province_report_p95_ms": province_p95,
            "province_report_calls": len(province),
            "mart_query_p50_ms": mart_p50, "mart_query_p95_ms": mart_p95, "mart_query_calls": len(marts)}


def classify_figures(con, n: int) -> dict:
    """classify_many over n distinct built articles (title + cleaned body, as the asset
    passes them); distinct titles so no repeat can flatter a cache. Single process."""
    rows = con.execute("""SELECT any_value(title ORDER BY article_key), any_value(body ORDER BY article_key)
                          FROM articles GROUP BY title ORDER BY hash(title) LIMIT ?""", [n]).fetchall()
    rows = (rows * (n // max(len(rows), 1) + 1))[:n]  # tiny test warehouses hold fewer titles than n
    titles, bodies = [r[0] for r in rows], [r[1] for r in rows]
    classifier = Classifier.default()  # training is a one-off per process, not throughput
    classifier.classify_many(titles[:200], bodies[:200])  # warm-up
    start = time.perf_counter()
    classifier.classify_many(titles, bodies)
    per_s = round(n / (time.perf_counter() - start))
    return {"classify_articles": n, "classify_articles_per_s": per_s, "classify_articles_per_s_per_core": per_s}


def warehouse_checks(con) -> dict:
    articles, distinct, undated, duplicates = con.execute("""
        SELECT count(*), count(DISTINCT article_key), count(*) FILTER (WHERE published_date IS NULL), count(duplicate_of)
        FROM articles""").fetchall()[0]
    return {"warehouse_built_articles": articles, "warehouse_distinct_article_keys": distinct,
            "warehouse_undated_articles": undated,
            # generated articles of one satker with the same title, day and text: one article published
            # twice (warehouse/sql/mark_duplicates.sql), counted once in the marts
            "warehouse_duplicate_articles": duplicates,
            "warehouse_built_view_snapshots": con.execute("SELECT count(*) FROM view_snapshots").fetchall()[0][0],
            "mart_articles_total": int(con.execute("SELECT coalesce(sum(articles), 0) FROM mart_quarterly_satker").fetchall()[0][0]),
            "warehouse_reposts": con.execute("SELECT count(*) FROM articles WHERE is_repost").fetchall()[0][0],
            "warehouse_decreasing_views": con.execute("""
                SELECT count(*) FILTER (WHERE views < previous) FROM (
                    SELECT views, lag(views) OVER (PARTITION BY article_key ORDER BY seen_at) AS previous
                    FROM view_snapshots)""").fetchall()[0][0]}


# --- the whole benchmark ------------------------------------------------------------------

TARGETS = {"build_s": 30.0, "peak_rss_mb": 2048.0, "report_p95_ms": 50.0, "classify_per_s": 20_000}
# Why a function costs what it does (from a cProfile of the build at 20k articles).
WHY = {
    "assemble_articles": "per-article Python: dates._matches runs every date regex over header, meta and body "
                         "start and sorts the hits; clean_body splits and regex-cleans every paragraph",
    "topics": "Classifier.topics is called once per article from the asset's Python loop",
    "build_view_snapshots": "the view_snapshots PRIMARY KEY index on every inserted row; the same insert into "
                            "a table without it was ~10x faster at 20k articles",
    "latest_pages": "a window over all pages, then pandas .df() and object-dtype dicts for every row",
    "latest_listings": "arg_max over every listing sighting, then a dict per article",
    "write_articles": "a pandas frame from row dicts, then the insert with the articles PRIMARY KEY",
    "classify_many": "the rules regexes per title, the model for titles the rules leave open",
    "publish": "checkpoint and a full copy of the file",
}


def schema_facts(con) -> dict:
    """What bounds queries, read from the built file rather than assumed."""
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    pk = con.execute("""SELECT count(*) FROM duckdb_constraints()
                        WHERE table_name = 'view_snapshots' AND constraint_type = 'PRIMARY KEY'""").fetchall()[0][0]
    return {"warehouse_marts_are_views": "mart_quarterly_satker" in views,
            "warehouse_latest_views_is_view": "article_latest_views" in views,
            "warehouse_snapshots_primary_key": bool(pk)}


def _note(figures: dict) -> str:
    n, full = figures["warehouse_articles"], figures["warehouse_scale"] >= 1
    slowest = max((k for k in figures if k.startswith("warehouse_full_step_")), key=figures.get)
    return " ".join([
        f"{n:,} synthetic articles over the 552 registry satker (log-normal counts, 2015-2025, "
        f"{figures['warehouse_distinct_titles']:,} distinct Indonesian titles, five date forms, reposts, credit "
        f"tails), {SNAPSHOTS_PER_ARTICLE} view snapshots each, written as {LISTING_CRAWLS} raw crawls "
        f"(items.jsonl.gz and its columnar copy) as the spider leaves them.",
        f"Full rebuild (build --full: stage, derive, classify, merge, marts, checks, publish; the project's "
        f"runner in a child process): {figures['warehouse_full_build_s']} s, "
        f"{figures['warehouse_full_peak_rss_mb']:.0f} MB peak RSS, with its worker processes "
        f"{figures['warehouse_full_tree_peak_pss_mb']:.0f} MB (PSS; {figures['warehouse_full_tree_peak_rss_mb']:.0f} MB "
        f"as summed RSS); slowest step {slowest[len('warehouse_full_step_'):-2]} "
        f"({figures[slowest]} s).",
        f"One night on top ({figures['night_new_articles']:,} new articles, {figures['night_view_snapshots']:,} "
        f"snapshots): {figures['warehouse_nightly_build_s']} s, {figures['warehouse_nightly_peak_rss_mb']:.0f} MB."
        + ("" if full else " Quick size: the targets (full 60 s / 2 GB, nightly 15 s / 1 GB) are for 1M articles."),
        f"Classification {figures['classify_articles_per_s']:,}/s in one single-threaded process.",
    ])


def publish_blocking_figures(home: Path, publishes: int = 2) -> dict:
    """How long a publish blocks readers: a reader opens the published file read-only and
    queries it in a loop, before and while the build's copy is published over it."""
    import threading

    from kpu_berita.warehouse.publish import publish

    published, working = config.warehouse_path(home), config.working_warehouse_path(home)
    stop, phase, samples, errors = threading.Event(), ["before"], {"before": [], "during": []}, []

    def reader():
        while not stop.is_set():
            start = time.perf_counter()
            try:
                con = db.connect(published, read_only=True)
                con.execute("SELECT max(build_id), (SELECT sum(articles) FROM mart_quarterly_satker) FROM _publications").fetchone()
                con.close()
            except Exception as exc:  # any error is a reader blocked or broken by the writer
                errors.append(str(exc))
            samples[phase[0]].append(time.perf_counter() - start)

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(1.0)
    phase[0] = "during"
    publish_seconds = []
    for _ in range(publishes):
        start = time.perf_counter()
        publish(working, published)
        publish_seconds.append(time.perf_counter() - start)
    stop.set()
    thread.join()
    return {"publish_s": round(max(publish_seconds), 2),
            "publish_reader_queries": len(samples["during"]), "publish_reader_errors": len(errors),
            "publish_reader_p50_ms_before": round(float(np.median(samples["before"])) * 1000, 1) if samples["before"] else None,
            "publish_reader_max_ms_during": round(max(samples["during"]) * 1000, 1) if samples["during"] else None}


def measure(articles: int, *, report_calls: int = REPORT_CALLS, classify_n: int = CLASSIFY_ARTICLES,
            seed: int = SEED) -> dict:
    """Full rebuild from LISTING_CRAWLS raw crawls, then one incremental night on top;
    each build in a fresh child process (its peak RSS is the build's alone)."""
    home = Path(tempfile.mkdtemp(prefix="kpu-bench-warehouse-"))
    scale = articles / FULL_ARTICLES
    try:
        start = time.perf_counter()
        generated = cached_raw_crawls(home, articles, seed)
        generate_s = time.perf_counter() - start
        full = run_build_in_child(home, 0, rebuild=True)
        night = generate_night(home, scale, seed)
        # A night comes a day after the last publish, whose copy back to the working file is
        # not fsynced (warehouse/publish.py): by then the kernel has written it. Here the night
        # follows at once, so that write-back is waited for first, and reported, not timed
        # as the night's.
        start = time.perf_counter()
        os.sync()
        writeback_s = time.perf_counter() - start
        nightly, during = build_while_reporting(home, classify_n, random.Random(seed))
        figures = {"warehouse_articles": generated["articles"],
                   "warehouse_view_snapshots": generated["view_snapshots"],
                   "warehouse_scale": round(scale, 6),
                   "warehouse_generate_s": round(generate_s, 2),
                   # paid by each crawl as it finishes (spiders/run.py), once, never by a build
                   "warehouse_raw_seal_s": generated.get("raw_seal_s"),
                   "warehouse_full_build_s": round(full["build_s"], 2),
                   "warehouse_full_peak_rss_mb": round(full["peak_rss_mb"], 1),
                   "warehouse_full_tree_peak_rss_mb": round(full["tree_peak_rss_mb"], 1),
                   "warehouse_full_tree_peak_pss_mb": round(full["tree_peak_pss_mb"], 1),
                   "warehouse_nightly_build_s": round(nightly["build_s"], 2),
                   "warehouse_nightly_peak_rss_mb": round(nightly["peak_rss_mb"], 1),
                   "warehouse_nightly_tree_peak_rss_mb": round(nightly["tree_peak_rss_mb"], 1),
                   "warehouse_nightly_tree_peak_pss_mb": round(nightly["tree_peak_pss_mb"], 1),
                   "warehouse_writeback_before_night_s": round(writeback_s, 2),
                   **night, **during,
                   "warehouse_distinct_titles": generated["distinct_titles"],
                   **{k: v for k, v in nightly.items() if k.startswith("classify_")},
                   **{f"warehouse_full_step_{k}_s": round(v, 2) for k, v in full["steps"].items()},
                   **{f"warehouse_nightly_step_{k}_s": round(v, 2) for k, v in nightly["steps"].items()}}
        # the figures' old names, kept for scripts that read them
        figures["warehouse_build_s"] = figures["warehouse_full_build_s"]
        figures["warehouse_peak_rss_mb"] = figures["warehouse_full_peak_rss_mb"]
        con = db.connect(config.warehouse_path(home), read_only=True)
        try:
            figures |= warehouse_checks(con) | schema_facts(con)
            figures |= query_figures(con, report_calls, random.Random(seed))
        finally:
            con.close()
        figures |= publish_blocking_figures(home)
        figures["warehouse_note"] = _note(figures)
        return figures
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(quick: bool = True) -> dict:
    return measure(round(FULL_ARTICLES * (QUICK_SCALE if quick else 1)))


if __name__ == "__main__":
    if "--build-child" in sys.argv:
        at = sys.argv.index("--build-child")
        print(json.dumps(build_child(Path(sys.argv[at + 1]), int(sys.argv[at + 2]), "--rebuild" in sys.argv)))
    else:
        print(json.dumps(run(quick="--full" not in sys.argv), indent=2, ensure_ascii=False))
