"""Checks of the built warehouse, run by the `warehouse` asset on the connection it holds
(a separate check step would open the DuckDB file from another process). Each names the
satker and the symptom. The blocking ones guard the published file: when they fail, the
build stops before `published_warehouse` and analysts keep yesterday's warehouse."""

import dagster as dg

from kpu_berita.pipelines.classify import CATEGORY_LABELS

# A satker whose articles mostly lack a date has a template we no longer read.
MAX_UNDATED_SHARE = 0.5
MIN_ARTICLES_FOR_DATE_CHECK = 5

SPECS = [
    dg.AssetCheckSpec("articles_have_dates", asset="warehouse",
                      description="No satker has most of its articles without a date."),
    dg.AssetCheckSpec("categories_cover_articles", asset="warehouse", blocking=True,
                      description="Every article has exactly one taxonomy category."),
    dg.AssetCheckSpec("marts_match_articles", asset="warehouse", blocking=True,
                      description="The report list and the quarterly counts add up to the dated articles, "
                                  "each listed once."),
    dg.AssetCheckSpec("satker_fresh", asset="warehouse",
                      description="No crawled satker has been silent for more than 30 days."),
]


# how many satker a check names in its metadata (and in the CLI's one CHECK line); the rest
# are counted: on a demo or a fresh national home hundreds can be silent at once
LISTED_SATKER = 20


def listed(names: list[str], where: str) -> str:
    """The first LISTED_SATKER names, and how many more, and where to find them all."""
    if not names:
        return "none"
    if len(names) <= LISTED_SATKER:
        return ", ".join(names)
    return f"{', '.join(names[:LISTED_SATKER])} and {len(names) - LISTED_SATKER} more (all in {where})"


def articles_have_dates(con) -> dg.AssetCheckResult:
    rows = con.execute("""SELECT satker_id, count(*) AS n, count(*) FILTER (WHERE published_date IS NULL) AS undated
                          FROM article_facts GROUP BY ALL ORDER BY satker_id""").fetchall()
    broken = [f"{s} ({u}/{n} undated)" for s, n, u in rows
              if n >= MIN_ARTICLES_FOR_DATE_CHECK and u / n > MAX_UNDATED_SHARE]
    return dg.AssetCheckResult(check_name="articles_have_dates", passed=not broken,
                               metadata={"satker_mostly_undated": listed(broken, "article_facts"),
                                         "undated_total": sum(u for _, _, u in rows)})


def categories_cover_articles(con) -> dg.AssetCheckResult:
    missing = con.execute("SELECT count(*) FROM articles ANTI JOIN article_categories USING (article_key)").fetchone()[0]
    # article_categories has no key index (migration 013): an article categorised twice shows here
    twice = con.execute("SELECT count(*) - count(DISTINCT article_key) FROM article_categories").fetchone()[0]
    invalid = con.execute("SELECT count(*) FROM article_facts WHERE NOT list_contains(?, category)",
                          [list(CATEGORY_LABELS)]).fetchone()[0]
    return dg.AssetCheckResult(check_name="categories_cover_articles", passed=missing == twice == invalid == 0,
                               metadata={"articles_without_category": missing, "articles_categorised_twice": twice,
                                         "unknown_codes": invalid})


def marts_match_articles(con) -> dg.AssetCheckResult:
    # report_articles has no key index (migration 010): an article listed twice shows here
    mart, in_report, distinct, dated = con.execute("""
        SELECT (SELECT coalesce(sum(articles), 0) FROM mart_quarterly_satker),
               (SELECT count(*) FROM report_articles), (SELECT count(DISTINCT article_key) FROM report_articles),
               (SELECT count(*) FROM article_facts WHERE published_date IS NOT NULL AND duplicate_of IS NULL)""").fetchone()
    return dg.AssetCheckResult(check_name="marts_match_articles", passed=mart == in_report == distinct == dated,
                               metadata={"mart_articles": int(mart), "report_articles": int(in_report),
                                         "report_articles_listed_twice": int(in_report - distinct),
                                         "dated_articles": int(dated)})


def satker_fresh(con) -> dg.AssetCheckResult:
    # A warning, not an error: a satker may really publish nothing for a month, but an
    # operator should look (abandoned site, or a template we no longer read).
    rows = con.execute("""SELECT satker_id, days_since_last_article FROM mart_satker_activity
                          WHERE silent_30d ORDER BY days_since_last_article DESC NULLS FIRST, satker_id""").fetchall()
    silent = [f"{s} ({'no articles' if days is None else f'{days} days'})" for s, days in rows]
    return dg.AssetCheckResult(check_name="satker_fresh", passed=not silent, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"satker_silent_30d": listed(silent, "mart_satker_activity WHERE silent_30d"),
                                         "count": len(silent)})


def run_checks(con) -> list[dg.AssetCheckResult]:
    return [articles_have_dates(con), categories_cover_articles(con), marts_match_articles(con), satker_fresh(con)]
