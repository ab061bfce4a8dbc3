"""The crawl as a graph-backed asset: the selected satker are split into shards (whole
provinces, so a host is never crawled by two processes), each shard is one Scrapy process
in its own Dagster step, and the run shows each shard's per-satker table.

With the multiprocess executor the shards run side by side on one machine; with
dagster-k8s or dagster-celery each shard is a pod or a worker (docs/operations.md). The
CLI's in-process executor runs steps one after another, so it asks for every shard in one
step (`crawl_in_one_step`), which starts their Scrapy processes side by side.
"""

import datetime as dt
import threading
from collections.abc import Container
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait

import dagster as dg

from kpu_berita.dagster_project.assets import PROGRESS_MARK, markdown_table
from kpu_berita.dagster_project.checks import listed
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.registry import shards
from kpu_berita.spiders.plan import known_articles_in, refresh_window_start
from kpu_berita.spiders.raw_store import SatkerCounts, crawl_counts
from kpu_berita.spiders.run import refuse_if_busy, run_crawl

SUMMARY_COLUMNS = ["satker", "listing_pages", "fetched", "new_articles", "retitled", "view_snapshots", "errors",
                   "error_kinds", "stop"]


def crawl_summary_rows(per_satker: dict[str, dict], counts: dict[str, SatkerCounts], held: Container[str],
                       known: Container[str]) -> list[dict]:
    """One row per satker of the crawl. Pages fetched, view snapshots and errors come from the
    crawl's own files (raw_store.crawl_counts), so a resumed crawl counts its earlier
    processes too; listing pages and why the walk stopped are the last process's stats (each
    process walks the listing from page 1). An article is new when `held`, the keys the
    warehouse held as the crawl began, lacks it: a full crawl fetches the held ones again,
    and neither they nor a retitled one are new. A fetched article the crawl `known` (empty
    in a full crawl) is retitled: the spider fetches a known article only when the listing
    shows it under another title."""
    rows = []
    for satker_id in sorted(set(per_satker) | set(counts)):
        stats, found = per_satker.get(satker_id, {}), counts.get(satker_id, SatkerCounts())
        rows.append({"satker": satker_id, "listing_pages": stats.get("listing_pages", 0),
                     "fetched": len(found.fetched), "new_articles": sum(key not in held for key in found.fetched),
                     "retitled": sum(key in known for key in found.fetched),
                     "view_snapshots": found.view_snapshots, "errors": sum(found.errors.values()),
                     "error_kinds": ", ".join(f"{k}:{v}" for k, v in sorted(found.errors.items())) or "-",
                     "stop": stats.get("stop_reason", "-"),
                     # not in the table: what sites_answered says of a walk stopped at another category
                     **({"listing_heading": stats.get("listing_heading"), "category_id": stats.get("category_id")}
                        if "listing_heading" in stats else {})})
    return rows


@dg.op(out=dg.DynamicOut(list))
def plan_crawl_shards(context: dg.OpExecutionContext, kpu: KpuBerita):
    """The selected satker in `crawl_process_count` shards of whole provinces: one step per
    shard, or all of them in one step with `crawl_in_one_step` (runner.materialize: the CLI, the demo)."""
    rows = kpu.selected_rows()
    refuse_if_busy(kpu.home_path, [r["satker_id"] for r in rows])  # before any shard's step starts
    parts = []
    for n, shard in enumerate(shards(rows, kpu.crawl_process_count)):
        provinces = sorted({r["province"] for r in shard})
        context.log.info(f"shard {n}: {len(shard)} satker of {', '.join(provinces)}")
        parts.append([{"satker_id": r["satker_id"], "base_url": r["base_url"], "category_id": r.get("category_id")}
                      for r in shard])
    if kpu.crawl_in_one_step:
        yield dg.DynamicOutput(parts, mapping_key="all_shards")
        return
    for n, part in enumerate(parts):
        yield dg.DynamicOutput([part], mapping_key=f"shard_{n}")


@dg.op
def crawl_shard(context: dg.OpExecutionContext, kpu: KpuBerita, shard_group: list) -> list:
    """Crawl each shard of the group into HOME/raw, each in its own Scrapy process, side by
    side; incremental against the published warehouse unless `full`."""
    today = dt.date.fromisoformat(kpu.crawl_date) if kpu.crawl_date else dt.date.today()
    log_lock, latest = threading.Lock(), {}  # the shards report from their threads; the line sums them

    def progress_of(shard: int):
        def progress(counts: dict) -> None:
            with log_lock:
                latest[shard] = counts
                total = {k: sum(c[k] for c in latest.values()) for k in ("listing_items", "articles", "errors")}
                context.log.info(f"{PROGRESS_MARK} crawl: {total['listing_items']} listing items, "
                                 f"{total['articles']} articles, {total['errors']} errors so far")
        return progress

    # the threads only wait: each shard's work is in its Scrapy process
    stop = threading.Event()
    with ThreadPoolExecutor(len(shard_group)) as pool:
        futures = [pool.submit(_crawl_one_shard, kpu, sites, today, progress_of(n), stop)
                   for n, sites in enumerate(shard_group)]
        try:
            futures_wait(futures)
        except BaseException:  # Ctrl-C or SIGTERM: every shard stops its Scrapy gracefully, then we go
            stop.set()
            raise
    results = [f.result() for f in futures]  # a shard that stopped early fails the step, once all have ended
    rows = [r for result in results for r in result["rows"]]
    context.add_output_metadata({"crawl_id": ", ".join(r["crawl_id"] for r in results),
                                 "per_satker": dg.MetadataValue.md(markdown_table(rows, SUMMARY_COLUMNS))})
    return results


def _crawl_one_shard(kpu: KpuBerita, sites: list, today: dt.date, progress, stop: threading.Event) -> dict:
    # the published copy: never opened for writing, so reading it can't collide with a build;
    # and what finished crawls brought that no build has published yet
    held = known_articles_in(kpu.published_path, [s["satker_id"] for s in sites], kpu.raw_path)
    known = {} if kpu.full else held  # a full crawl walks as if nothing were held; `held` only counts what is new
    refresh_from = refresh_window_start(today).isoformat() if known else None
    result = run_crawl(kpu.home_path, sites, since=kpu.since, refresh_from=refresh_from, known=known,
                       profile=kpu.profile, crawl_date=today.isoformat(), progress=progress, stop=stop)
    if not result.finished:
        raise dg.Failure(f"crawl {result.crawl_id} stopped before the end (exit {result.returncode}); "
                         f"see {result.crawl_dir / 'crawl.log'}; the next run resumes it")
    rows = crawl_summary_rows(result.per_satker(), crawl_counts(result.crawl_dir), held, known)
    return {"crawl_id": result.crawl_id, "resumed": result.resumed, "incremental": refresh_from is not None,
            "requests": result.stats.get("downloader/request_count", 0), "rows": rows}


@dg.op
def summarise_crawl(context: dg.OpExecutionContext, shard_results: list) -> dict:
    """One per-satker table for the whole crawl (the asset's metadata)."""
    shard_results = [shard for group in shard_results for shard in group]
    rows = sorted((r for s in shard_results for r in s["rows"]), key=lambda r: r["satker"])
    summary = {"crawl_id": ", ".join(s["crawl_id"] for s in shard_results),
               "resumed": any(s["resumed"] for s in shard_results),
               "incremental": all(s["incremental"] for s in shard_results),
               "requests": sum(s["requests"] for s in shard_results),
               "fetched": sum(r["fetched"] for r in rows),
               "new_articles": sum(r["new_articles"] for r in rows),
               "errors": sum(r["errors"] for r in rows)}
    context.add_output_metadata({**summary, "shards": len(shard_results),
                                 "per_satker": dg.MetadataValue.md(markdown_table(rows, SUMMARY_COLUMNS))})
    return {**summary, "rows": rows}


@dg.graph_asset(group_name="crawl", kinds={"scrapy"})
def raw_crawl():
    """A crawl of the selected satker's Berita Terkini into HOME/raw (JSON lines per crawl),
    in shards of whole provinces. Incremental unless `full`: articles already published are
    not fetched again unless the listing shows them under a new title, and listing walks
    stop at known articles older than the refresh window."""
    return summarise_crawl(plan_crawl_shards().map(crawl_shard).collect())


# how a walk ends when its site never answered the listing, when the category it read was
# headed by another category's label, or when its article pages kept failing
# (spiders/berita.py, which this module does not import: it would load Scrapy into
# Dagster's definitions)
NOT_BERITA_TERKINI = "not_berita_terkini"
UNANSWERED = ("site_unreachable", "listing_error", NOT_BERITA_TERKINI, "articles_failing")


def _why(row: dict) -> str:
    if row["stop"] == NOT_BERITA_TERKINI:
        return (f"not_berita_terkini: /blog/category/{row.get('category_id')} is headed "
                f"{row.get('listing_heading')!r}; give its category_id in the registry")
    return row["stop"]


@dg.asset_check(asset=raw_crawl, description="Every crawled satker's site answered its Berita Terkini listing. "
                                             "One down all night, or whose listing was another category's, is "
                                             "named; its stored articles stay.")
def sites_answered(raw_crawl: dict) -> dg.AssetCheckResult:
    """A warning, not an error: a satker's site is often down for a night, and the next crawl
    tries again. Run after the crawl, so `kpu-berita crawl` names such sites too (the
    build's checks only see what the crawls brought)."""
    down = [f"{r['satker']} ({_why(r)})" for r in raw_crawl["rows"] if r["stop"] in UNANSWERED]
    return dg.AssetCheckResult(passed=not down, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"satker_unanswered": listed(down, "the crawl's per_satker table"),
                                         "count": len(down), "of": len(raw_crawl["rows"])})
