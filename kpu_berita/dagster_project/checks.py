"""Asset checks for the invariants operators rely on. Each names the satker and symptom."""

import dagster as dg

from kpu_berita.dagster_project.assets import article_categories, articles, quarterly_marts, staged_crawl_items
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.pipelines.classify import CATEGORY_LABELS

# A satker whose articles mostly lack a date has a template we no longer read.
MAX_UNDATED_SHARE = 0.5
MIN_ARTICLES_FOR_DATE_CHECK = 5


def _query(kpu: KpuBerita, sql: str, params=None):
    con = kpu.connect()
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@dg.asset_check(asset=staged_crawl_items, description="Every satker of the newest crawl had listing items.")
def listing_not_empty(kpu: KpuBerita) -> dg.AssetCheckResult:
    rows = _query(kpu, """
        SELECT s.satker_id, count(r.article_key)
        FROM (SELECT crawl_id, unnest(satker_ids) AS satker_id FROM crawls ORDER BY crawl_id DESC LIMIT 1) s
        LEFT JOIN raw_listing_items r USING (crawl_id, satker_id)
        GROUP BY ALL""")
    empty = sorted(satker for satker, items in rows if items == 0)
    return dg.AssetCheckResult(
        passed=not empty,
        metadata={"satker_without_listing_items": ", ".join(empty) or "none",
                  "symptom": "listing yielded no items (template changed, wrong category, or site down)" if empty else "ok"})


@dg.asset_check(asset=articles, description="No satker has most of its articles without a date.")
def articles_have_dates(kpu: KpuBerita) -> dg.AssetCheckResult:
    rows = _query(kpu, """SELECT satker_id, count(*) AS n, count(*) FILTER (WHERE published_date IS NULL) AS undated
                          FROM articles GROUP BY ALL ORDER BY satker_id""")
    broken = [f"{s} ({u}/{n} undated)" for s, n, u in rows
              if n >= MIN_ARTICLES_FOR_DATE_CHECK and u / n > MAX_UNDATED_SHARE]
    return dg.AssetCheckResult(passed=not broken,
                               metadata={"satker_mostly_undated": ", ".join(broken) or "none",
                                         "undated_total": sum(u for _, _, u in rows)})


@dg.asset_check(asset=article_categories, description="Every article has exactly one taxonomy category.")
def categories_cover_articles(kpu: KpuBerita) -> dg.AssetCheckResult:
    missing = _query(kpu, "SELECT count(*) FROM articles ANTI JOIN article_categories USING (article_key)")[0][0]
    invalid = _query(kpu, "SELECT count(*) FROM article_categories WHERE NOT list_contains(?, category)",
                     [list(CATEGORY_LABELS)])[0][0]
    return dg.AssetCheckResult(passed=missing == 0 and invalid == 0,
                               metadata={"articles_without_category": missing, "unknown_codes": invalid})


@dg.asset_check(asset=quarterly_marts, description="Quarterly counts add up to the dated articles.")
def marts_match_articles(kpu: KpuBerita) -> dg.AssetCheckResult:
    ((mart_total, article_total),) = _query(kpu, """
        SELECT (SELECT coalesce(sum(articles), 0) FROM mart_quarterly_satker),
               (SELECT count(*) FROM articles WHERE published_date IS NOT NULL)""")
    return dg.AssetCheckResult(passed=mart_total == article_total,
                               metadata={"mart_articles": int(mart_total), "dated_articles": int(article_total)})


@dg.asset_check(asset=quarterly_marts, description="No crawled satker has been silent for more than 30 days.")
def satker_fresh(kpu: KpuBerita) -> dg.AssetCheckResult:
    # A warning, not an error: a satker may really publish nothing for a month, but an
    # operator should look (abandoned site, or a template we no longer read).
    rows = _query(kpu, """SELECT satker_id, days_since_last_article FROM mart_satker_activity
                          WHERE silent_30d ORDER BY days_since_last_article DESC NULLS FIRST, satker_id""")
    silent = [f"{s} ({'no articles' if days is None else f'{days} days'})" for s, days in rows]
    return dg.AssetCheckResult(passed=not silent, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"satker_silent_30d": ", ".join(silent) or "none", "count": len(silent)})


ALL_CHECKS = [listing_not_empty, articles_have_dates, categories_cover_articles, marts_match_articles, satker_fresh]
