"""The one writer and the publish: `warehouse` merges the staged crawls into the working
DuckDB file and refreshes the marts the merges touched; `published_warehouse` swaps a
checked copy in for analysts. Both hold HOME/work/build.lock, so two runs on one home
never write at once."""

import dagster as dg

from kpu_berita.dagster_project.assets import (PROGRESS_MARK, crawls_to_build, article_categories, markdown_table,
                                               view_snapshots)
from kpu_berita.dagster_project.checks import SPECS, run_checks
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.pipelines.classify import CATEGORY_LABELS
from kpu_berita.warehouse import merge, stage
from kpu_berita.warehouse.db import compact_if_sparse, connect
from kpu_berita.warehouse.publish import ensure_working_copy, publish

# What an operator sees of each mart in the run's metadata (Dagster UI, `kpu-berita build -v`).
MART_PREVIEWS = {
    "mart_quarterly_satker": """SELECT quarter, satker_id, articles, views, views_gained FROM mart_quarterly_satker
                                ORDER BY quarter DESC, satker_id LIMIT 10""",
    "mart_quarterly_province": """SELECT quarter, province, satker, satker_silent, articles, views
                                  FROM mart_quarterly_province ORDER BY quarter DESC, province LIMIT 10""",
}


def _previews(con) -> dict:
    metadata = {}
    for mart, sql in MART_PREVIEWS.items():
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
        metadata[f"{mart}_preview"] = dg.MetadataValue.md(markdown_table(rows, columns))
    return metadata


@dg.asset(group_name="warehouse", deps=[article_categories, view_snapshots], kinds={"duckdb"}, check_specs=SPECS)
def warehouse(context: dg.AssetExecutionContext, kpu: KpuBerita) -> dg.MaterializeResult:
    """HOME/work/warehouse.duckdb: the staged crawls merged (articles, categories, views),
    report_articles and the marts refreshed for the periods they touched, checked."""
    with merge.writer_lock(kpu.home_path), stage.in_use(kpu.home_path):
        ensure_working_copy(kpu.warehouse_path, kpu.published_path)
        con = connect(kpu.warehouse_path)
        budget = merge.REBUILD if kpu.rebuild else merge.NIGHTLY
        merged, already_merged, totals = [], [], {"new_articles": 0, "updated_articles": 0, "view_snapshots": 0}
        try:
            merge.tune(con, kpu.home_path, budget)
            crawl_dirs, registry_rows = crawls_to_build(kpu), kpu.registry_rows()
            unknown = merge.satker_unknown_to(con, crawl_dirs, registry_rows)
            if unknown:
                raise merge.UnlistedSatker(
                    f"the crawls fetched {len(unknown)} satker that {kpu.registry_name} does not list "
                    f"({', '.join(unknown[:10])}{' ...' if len(unknown) > 10 else ''}): build with the registry "
                    "they were crawled with (--registry or KPU_BERITA_REGISTRY); nothing was merged")
            elsewhere = merge.satker_elsewhere(crawl_dirs, registry_rows)
            if elsewhere:
                satker, crawled, listed = elsewhere[0]
                raise merge.SatkerElsewhere(
                    f"the crawls fetched {len(elsewhere)} satker from other addresses than {kpu.registry_name} "
                    f"gives ({satker}: {crawled}, the registry: {listed}"
                    f"{'; ...' if len(elsewhere) > 1 else ''}): build with the registry they were crawled with "
                    "(--registry or KPU_BERITA_REGISTRY); nothing was merged")
            merge.load_dimensions(con, registry_rows, CATEGORY_LABELS)
            if kpu.rebuild:
                totals["new_articles"] = merge.rebuild_from_stage(con, crawl_dirs, kpu.home_path).get("articles", 0)
                merged = [c.name for c in crawl_dirs]
            for crawl_dir in [] if kpu.rebuild else crawl_dirs:
                counts = merge.merge_crawl(con, crawl_dir, kpu.home_path)
                # one a killed build had merged is skipped: marked below, not counted again
                (already_merged if counts.get("skipped") else merged).append(crawl_dir.name)
                for key in totals:
                    totals[key] += counts.get(key, 0)
            refreshed = merge.refresh_marts(con, budget.refresh_batch)
            context.log.info(f"{PROGRESS_MARK} warehouse: {len(merged)} crawl(s) merged, "
                             f"{refreshed['periods_refreshed']} period marts refreshed")
            checks = run_checks(con)
            articles, duplicates, by_category = con.execute(
                "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(duplicate_of), "
                "histogram(category) FILTER (WHERE duplicate_of IS NULL) FROM article_facts").fetchone()
            metadata = {"crawls_merged": len(merged), "crawls_merged_before": len(already_merged), **totals,
                        # an article published twice (articles.duplicate_of) is one row, once in the marts
                        **refreshed, "rows": articles, "duplicates": duplicates,
                        "by_category": dg.MetadataValue.json({k: int(v) for k, v in (by_category or {}).items()}),
                        **_previews(con)}
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # rows keep their order (preserve_insertion_order is on here): the report's zone maps rely on it
        metadata["compacted"] = compact_if_sparse(kpu.warehouse_path, merge.memory_settings(kpu.home_path, budget))
        for crawl_id in merged + already_merged:
            stage.mark_merged(kpu.home_path, crawl_id)
    return dg.MaterializeResult(metadata=metadata, check_results=checks)


@dg.asset(group_name="warehouse", deps=[warehouse], kinds={"duckdb"})
def published_warehouse(kpu: KpuBerita) -> dg.MaterializeResult:
    """The analysts' copy at HOME/warehouse.duckdb, replaced atomically by a checked copy of
    the working file (readers never block the build, and never see half of one)."""
    with merge.writer_lock(kpu.home_path):
        return dg.MaterializeResult(metadata=publish(kpu.warehouse_path, kpu.published_path))


BUILD_ASSETS = [warehouse, published_warehouse]
