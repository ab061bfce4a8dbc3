"""Assets from the raw crawl to the published warehouse. Bodies are glue: read through the
resource, call the pure step or the warehouse function, return row-count metadata.

One writer by design: every asset before `warehouse` writes only files (raw crawl JSON
lines, staged Parquet under HOME/work/stage), so Dagster's multiprocess executor can run
them in parallel processes. `warehouse` is the only step that opens the DuckDB working
file, and it runs its checks on the connection it holds; `published_warehouse` copies the
checked file. No two processes ever open the DuckDB file at once. Each step holds
`stage.in_use` while it works on the staged files: a rebuild clears them only when no step
of another build is at work on them.
"""

import dagster as dg
from tabulate import tabulate

from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.pipelines.build_articles import SatkerInfo
from kpu_berita.pipelines.classify import Classifier
from kpu_berita.warehouse import derive, stage, worker_pool

PROGRESS_MARK = "progress:"  # log lines the CLI's progress logger shows (runner.progress_logger)


def markdown_table(rows: list[dict], columns: list[str]) -> str:
    return tabulate([[r.get(c, "") for c in columns] for r in rows], headers=columns, tablefmt="github",
                    disable_numparse=True)


def crawls_to_build(kpu: KpuBerita) -> list:
    if kpu.rebuild:
        return stage.finished_crawls(kpu.raw_path)
    return stage.pending_crawls(kpu.raw_path, kpu.home_path)


@dg.asset(group_name="staging", deps=["raw_crawl"], kinds={"parquet"},
          check_specs=[dg.AssetCheckSpec("listing_not_empty", asset="staged_crawl_items",
                                         description="Every satker of the new crawls had listing items.")])
def staged_crawl_items(context: dg.AssetExecutionContext, kpu: KpuBerita):
    """The finished crawls not yet in the warehouse, as listing / pages / errors Parquet
    (HOME/work/stage/<crawl_id>/). A rebuild stages every crawl again."""
    if kpu.rebuild:
        stage.clear_stage(kpu.home_path)
    totals, empty = {"crawls": 0, "listing": 0, "pages": 0, "errors": 0}, []
    with stage.in_use(kpu.home_path):
        for crawl_dir in crawls_to_build(kpu):
            counts = stage.stage_crawl(crawl_dir, kpu.home_path)
            totals["crawls"] += 1
            for name, n in counts.items():
                totals[name] += n
            empty += stage.satker_without_listing_items(crawl_dir, kpu.home_path)
    context.log.info(f"{PROGRESS_MARK} staged {totals['crawls']} crawl(s): {totals['pages']} article pages")
    check = dg.AssetCheckResult(
        check_name="listing_not_empty", passed=not empty,
        metadata={"satker_without_listing_items": ", ".join(sorted(set(empty))) or "none",
                  "symptom": "listing yielded no items (template changed, wrong category, or site down)"
                  if empty else "ok"})
    return dg.MaterializeResult(metadata=totals, check_results=[check])


def _satker_info(kpu: KpuBerita) -> dict[str, SatkerInfo]:
    return {r["satker_id"]: SatkerInfo(r["satker_id"], r["name"], r["base_url"]) for r in kpu.registry_rows()}


@dg.asset(group_name="articles", deps=[staged_crawl_items], kinds={"parquet"})
def articles(context: dg.AssetExecutionContext, kpu: KpuBerita) -> dg.MaterializeResult:
    """The staged pages as cleaned articles: dated, boilerplate removed, credit and reposts
    flagged (HOME/work/stage/<crawl_id>/articles.parquet)."""
    satker, rows, undated = _satker_info(kpu), 0, 0
    with stage.in_use(kpu.home_path):
        for crawl_dir in crawls_to_build(kpu):
            counts = derive.derive_articles(crawl_dir, kpu.home_path, satker, kpu.derive_process_count)
            rows += counts["articles"]
            undated += counts["undated"] or 0
    context.log.info(f"{PROGRESS_MARK} articles: {rows} cleaned ({undated} undated)")
    return dg.MaterializeResult(metadata={"rows": rows, "undated": undated})


@dg.asset(group_name="articles", deps=[articles], kinds={"parquet", "scikit-learn"})
def article_categories(context: dg.AssetExecutionContext, kpu: KpuBerita) -> dg.MaterializeResult:
    """One activity category per new or changed article (rules, then the model)."""
    classifier, rows = Classifier.for_home(kpu.home_path), 0  # the newest `kpu-berita train` model, else shipped
    try:
        with stage.in_use(kpu.home_path):
            for crawl_dir in crawls_to_build(kpu):
                rows += derive.derive_categories(crawl_dir.name, kpu.home_path, classifier,
                                                 kpu.derive_process_count)["categorised"]
    finally:
        worker_pool.stop_workers()  # the articles step's forkserver served this one too; the writer needs no workers
    context.log.info(f"{PROGRESS_MARK} categories: {rows} articles classified")
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(group_name="articles", deps=[staged_crawl_items], kinds={"parquet"})
def view_snapshots(kpu: KpuBerita) -> dg.MaterializeResult:
    """Views per article per crawl, from listing pages and article pages."""
    with stage.in_use(kpu.home_path):
        rows = sum(derive.derive_views(c.name, kpu.home_path)["view_snapshots"] for c in crawls_to_build(kpu))
    return dg.MaterializeResult(metadata={"rows": rows})


ALL_ASSETS = [staged_crawl_items, articles, article_categories, view_snapshots]
