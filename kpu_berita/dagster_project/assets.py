"""Assets from the raw crawl to the report marts. Bodies are glue: read through the
resource, call the pure step, write through warehouse/, return row-count metadata."""

import datetime as dt

import dagster as dg

from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles
from kpu_berita.pipelines.classify import CATEGORY_LABELS, Classifier
from kpu_berita.spiders.plan import known_articles, refresh_window_start
from kpu_berita.spiders.run import run_crawl
from kpu_berita.warehouse import load
from kpu_berita.warehouse.db import create_marts
from kpu_berita.warehouse.publish import publish


PROGRESS_MARK = "progress:"  # log lines the CLI's progress logger shows (runner.progress_logger)


def _markdown_table(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def crawl_summary_rows(per_satker: dict[str, dict]) -> list[dict]:
    rows = []
    for satker_id, s in sorted(per_satker.items()):
        errors = s.get("errors", {})
        rows.append({"satker": satker_id, "listing_pages": s.get("listing_pages", 0),
                     "new_articles": s.get("articles", 0), "view_snapshots": s.get("view_snapshots", 0),
                     "errors": sum(errors.values()),
                     "error_kinds": ", ".join(f"{k}:{v}" for k, v in sorted(errors.items())) or "-",
                     "stop": s.get("stop_reason", "-")})
    return rows


@dg.asset(group_name="crawl", kinds={"scrapy"})
def raw_crawl(context: dg.AssetExecutionContext, kpu: KpuBerita) -> dg.MaterializeResult:
    """A crawl of the selected satker's Berita Terkini into HOME/raw (JSON lines per crawl).

    Incremental unless `full`: articles already in the warehouse are not fetched again and
    listing walks stop at known articles older than the refresh window.
    """
    sites = kpu.selected_rows()
    today = dt.date.fromisoformat(kpu.crawl_date) if kpu.crawl_date else dt.date.today()
    known, refresh_from = {}, None
    if not kpu.full and (kpu.warehouse_path.exists() or kpu.published_path.exists()):
        con = kpu.connect()
        try:
            known = known_articles(con, [s["satker_id"] for s in sites])
        finally:
            con.close()
        refresh_from = refresh_window_start(today).isoformat() if known else None

    def progress(counts: dict) -> None:
        context.log.info(f"{PROGRESS_MARK} crawl: {counts['listing_items']} listing items, "
                         f"{counts['articles']} articles, {counts['errors']} errors so far")

    result = run_crawl(kpu.home_path, sites, since=kpu.since, refresh_from=refresh_from, known=known,
                       profile=kpu.profile, crawl_date=today.isoformat(), progress=progress)
    if not result.finished:
        raise dg.Failure(f"crawl {result.crawl_id} stopped before the end (exit {result.returncode}); "
                         f"see {result.crawl_dir / 'crawl.log'}; the next run resumes it")
    rows = crawl_summary_rows(result.per_satker())
    context.log.info("crawl %s: %s", result.crawl_id, rows)
    return dg.MaterializeResult(metadata={
        "crawl_id": result.crawl_id,
        "resumed": result.resumed,
        "incremental": refresh_from is not None,
        "requests": result.stats.get("downloader/request_count", 0),
        "new_articles": sum(r["new_articles"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "per_satker": dg.MetadataValue.md(_markdown_table(rows, list(rows[0]) if rows else ["satker"])),
    })


@dg.asset(group_name="staging", deps=[raw_crawl], kinds={"duckdb"})
def staged_crawl_items(kpu: KpuBerita) -> dg.MaterializeResult:
    """The raw crawl files loaded into raw_listing_items / raw_article_pages / raw_crawl_errors."""
    con = kpu.connect()
    try:
        load.load_satker(con, kpu.registry_rows())
        load.load_categories(con, CATEGORY_LABELS)
        summary = load.load_raw_crawls(con, kpu.raw_path)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("raw_listing_items", "raw_article_pages", "raw_crawl_errors")}
    finally:
        con.close()
    return dg.MaterializeResult(metadata={**summary, **counts})


@dg.asset(group_name="articles", deps=[staged_crawl_items], kinds={"duckdb"})
def articles(kpu: KpuBerita) -> dg.MaterializeResult:
    """One cleaned row per article: dated, boilerplate removed, credit and reposts flagged."""
    con = kpu.connect()
    try:
        satker = {r["satker_id"]: SatkerInfo(r["satker_id"], r["name"], r["base_url"])
                  for r in con.execute("SELECT * FROM satker").df().to_dict("records")}
        rows = assemble_articles(load.latest_pages(con), load.latest_listings(con), satker,
                                 load.read_corrections(con))
        written = load.write_articles(con, rows)
        undated = sum(1 for r in rows if r["published_date"] is None)
        reposts = sum(1 for r in rows if r["is_repost"])
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"rows": written, "undated": undated, "reposts": reposts})


@dg.asset(group_name="articles", deps=[articles], kinds={"duckdb", "scikit-learn"})
def article_categories(kpu: KpuBerita) -> dg.MaterializeResult:
    """One activity category per article (rules, then the model) with confidence and needs_review; corrections override."""
    con = kpu.connect()
    try:
        frame = con.execute("SELECT article_key, title, body FROM articles ORDER BY article_key").df()
        classifier = Classifier.for_home(kpu.home_path)  # the newest `kpu-berita train` model, else shipped
        results = classifier.classify_many(frame["title"].tolist(), frame["body"].tolist())
        corrections = load.read_corrections(con)
        rows = []
        for key, title, body, result in zip(frame["article_key"], frame["title"], frame["body"], results):
            fix = corrections.get(key, {}).get("category")
            rows.append({"article_key": key,
                         "category": fix or result.category,
                         "confidence": 1.0 if fix else result.confidence,
                         "reason": "correction" if fix else result.reason,
                         "topics": classifier.topics(title, body),
                         "needs_review": False if fix else result.needs_review,
                         "second_category": result.second_category, "second_confidence": result.second_confidence,
                         "model_version": result.model_version})
        written = load.write_article_categories(con, rows)
        by_category = dict(con.execute("SELECT category, count(*) FROM article_categories GROUP BY ALL ORDER BY 2 DESC").fetchall())
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"rows": written, "by_category": dg.MetadataValue.json(by_category),
                                          "needs_review": sum(bool(r["needs_review"]) for r in rows)})


@dg.asset(group_name="articles", deps=[staged_crawl_items], kinds={"duckdb"})
def view_snapshots(kpu: KpuBerita) -> dg.MaterializeResult:
    """Views per article per crawl, from listing pages and article pages."""
    con = kpu.connect()
    try:
        rows = load.build_view_snapshots(con)
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(group_name="marts", deps=[article_categories, view_snapshots], kinds={"duckdb"})
def quarterly_marts(kpu: KpuBerita) -> dg.MaterializeResult:
    """The marts (warehouse/sql/create_marts.sql): per month and quarter by satker and
    category, province roll-ups, top articles, satker activity."""
    con = kpu.connect()
    try:
        create_marts(con)
        metadata = {}
        for mart, preview_sql in MART_PREVIEWS.items():
            metadata[f"{mart}_rows"] = con.execute(f"SELECT count(*) FROM {mart}").fetchone()[0]
            metadata[f"{mart}_preview"] = dg.MetadataValue.md(con.execute(preview_sql).df().to_markdown(index=False))
    finally:
        con.close()
    metadata["rows"] = metadata["mart_quarterly_satker_rows"]
    return dg.MaterializeResult(metadata=metadata)


# What an operator sees of each mart in the run's metadata (Dagster UI, `kpu-berita build -v`).
MART_PREVIEWS = {
    "mart_quarterly_satker": """SELECT quarter, satker_id, articles, views, views_gained FROM mart_quarterly_satker
                                ORDER BY quarter DESC, satker_id LIMIT 10""",
    "mart_quarterly_province": """SELECT quarter, province, satker, satker_silent, articles, views
                                  FROM mart_quarterly_province ORDER BY quarter DESC, province LIMIT 10""",
    "mart_satker_activity": """SELECT satker_id, articles, last_published_date, days_since_last_article, silent_30d
                               FROM mart_satker_activity ORDER BY days_since_last_article DESC NULLS FIRST LIMIT 10""",
}


@dg.asset(group_name="marts", deps=[quarterly_marts], kinds={"duckdb"})
def published_warehouse(kpu: KpuBerita) -> dg.MaterializeResult:
    """The analysts' copy at HOME/warehouse.duckdb, replaced atomically (readers never block the build)."""
    return dg.MaterializeResult(metadata=publish(kpu.warehouse_path, kpu.published_path))


ALL_ASSETS = [raw_crawl, staged_crawl_items, articles, article_categories, view_snapshots, quarterly_marts,
              published_warehouse]
