"""The command line's options (a contract users' scripts rely on: extend, never break)."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from kpu_berita import config
from kpu_berita.cli.common import (date_arg, month_arg, output_file, past_date_arg, positive_int, province_arg,
                                   published_date_arg, quarter_arg, satker_arg)

DESCRIPTION = "kpu-berita: crawl KPU satker news, build the warehouse, fill the Bakohumas report."

EPILOG = {
    "demo": "example: kpu-berita demo && kpu-berita report --satker kab-serang --quarter 2021Q3 --format md",
    "crawl": "example: kpu-berita crawl --satker kab-serang --satker kota-palu --since 2025-07-01\n"
             "         kpu-berita crawl --province Banten            (re-crawl one province)\n"
             "         kpu-berita crawl --processes 2                (two Scrapy processes)",
    "build": "example: kpu-berita build            (the crawls not yet in the warehouse)\n"
             "         kpu-berita build --full     (everything again, after new rules or a new model)",
    "status": "example: kpu-berita status   (before a build: which crawls wait for it, which stopped early)",
    "report": "example: kpu-berita report --satker kab-serang --quarter 2021Q3 --format docx --out serang-2021Q3.docx\n"
              "         kpu-berita report --satker kab-kayongutara --period 2021-03-01..2021-06-30 --layout table\n"
              "         kpu-berita report --satker kab-serang --quarter 2021Q3 --titles-only --out serang-tw3.docx\n"
              "         kpu-berita report --satker kab-serang --quarter 2021Q3 --full --out laporan-tw3-2021.docx\n"
              "         kpu-berita report --satker kab-serang --semester 2021S2 --template laporan.docx --out out.docx\n"
              "         kpu-berita report --province Banten --quarter 2021Q3 --format md",
    "social": "example: kpu-berita social --import medsos-2021Q3.csv\n"
              "         (satker_id,period,platform,posts,followers / kab-serang,2021Q3,Facebook,458,4926)",
    "classify": "example: kpu-berita classify --input titles.csv --output titles_with_category.csv",
    "eval": "example: kpu-berita eval   (grouped CV on the open part, the frozen part, rule precision, saved models)\n"
            "         kpu-berita eval --labeled my_labels.csv   (the current model on your labelled rows)",
    "train": "example: kpu-berita train   (labelled data + the warehouse's corrections -> HOME/models/<version>)",
    "review": "example: kpu-berita review --satker kab-serang --quarter 2021Q3 --out review.xlsx\n"
              "         then fill `category` and run: kpu-berita correct --file review.xlsx && kpu-berita train",
    "correct": "example: kpu-berita correct --article kab-serang/id:1150 --category audiensi --note 'kunjungan, bukan rapat'\n"
               "         kpu-berita correct --file corrections.csv   (columns article_key, category, published_date, note)",
    "export": "example: kpu-berita export --mart mart_quarterly_satker --quarter 2021Q3 --province Banten --out banten.xlsx\n"
              "         kpu-berita export --mart mart_top_articles --satker kab-serang --out top.csv",
    "bench": "example: kpu-berita bench --quick --out bench.json   (figures for docs/PERFORMANCE.md)",
    "sql": "example: kpu-berita sql \"SELECT quarter, articles, views FROM mart_quarterly_satker WHERE satker_id = 'kab-serang'\"",
}


class OneLineErrors(argparse.ArgumentParser):
    """An option argparse refuses is one line, as every other bad input of the CLI: its usage
    block above it buried the line that names the problem (`--help` still shows the usage).
    The subcommands' parsers are of this class too (add_subparsers makes them so)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (`{self.prog} --help` lists the options)\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS,
                        help=f"folder holding all state (default ${config.HOME_ENV} or ./{config.DEFAULT_HOME})")
    # SUPPRESS: otherwise the subcommand's default would undo a flag given before it
    # (parse_args fills the missing ones in)
    common.add_argument("--registry", type=Path, default=argparse.SUPPRESS,
                        help=f"satker registry CSV (default ${config.REGISTRY_ENV}, else the home's own "
                             f"{config.HOME_REGISTRY} as the demo writes it, else the shipped 552 satker)")
    common.add_argument("--satker", action="append", metavar="ID", type=satker_arg, default=argparse.SUPPRESS,
                        help="satker id, e.g. kab-serang (repeatable)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show Dagster's and Scrapy's logs")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress lines while crawling and building")

    parser = OneLineErrors(prog="kpu-berita", description=DESCRIPTION, parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_text):
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common], epilog=EPILOG.get(name),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    _pipeline_commands(command)
    _report_commands(command)
    _add_category_commands(command)

    _warehouse_commands(command)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    for name in ("registry", "satker"):
        if not hasattr(args, name):
            setattr(args, name, None)
    return args


def _pipeline_commands(command) -> None:
    """demo, crawl and build."""
    demo = command("demo", "Serve the embedded demo network on loopback, crawl it, build the warehouse, write sample reports.")
    demo.add_argument("--as-of", type=lambda text: dt.date.fromisoformat(date_arg(text)),
                      help="the demo network's date (default 2025-12-31)")

    crawl = command("crawl", "Crawl the satker's Berita Terkini (incremental unless --full) into HOME/raw.")
    crawl.add_argument("--since", type=past_date_arg, help="YYYY-MM-DD: stop walking listings past older articles")
    crawl.add_argument("--full", action="store_true", help="backfill: walk every listing page, fetch every article")
    crawl.add_argument("--profile", default="polite", choices=["polite", "loopback"],
                       help="crawl settings; 'loopback' (no delays) only runs against 127.0.0.0/8")
    crawl.add_argument("--processes", type=positive_int, default=None,
                       help="split the crawl into N shards of whole provinces, one Scrapy process each "
                            "(default: one per CPU, at most 2)")

    build = command("build", "Merge the new crawls into the warehouse, refresh the marts they touched, publish.")
    build.add_argument("--full", action="store_true",
                       help="rebuild everything from every raw crawl (after a change of rules, model or schema)")
    build.add_argument("--processes", type=positive_int, default=None,
                       help="clean and classify a large crawl in N processes (default: one per CPU, at most 2)")
    status = command("status", "What the home holds: the published warehouse's figures and each crawl's state.")
    status.add_argument("--crawls", type=positive_int, default=10, help="show the newest N crawls (default: 10)")

    for sub_parser in (crawl, build):
        sub_parser.add_argument("--province", type=province_arg, action="append", metavar="NAME",
                                help="only the satker of this province, e.g. Banten (repeatable)")


def _warehouse_commands(command) -> None:
    """export, bench and sql."""
    export = command("export", "Export a mart (or report_articles) to CSV or Excel, optionally filtered.")
    export.add_argument("--mart", required=True, help="e.g. mart_quarterly_satker, mart_monthly_satker_category")
    export.add_argument("--out", type=output_file, required=True, help="FILE.csv or FILE.xlsx")
    export.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out's suffix")
    export.add_argument("--quarter", action="append", type=quarter_arg, help="keep these quarters, e.g. 2021Q3 (repeatable)")
    export.add_argument("--month", action="append", type=month_arg, help="keep these months, e.g. 2021-07 (repeatable)")
    export.add_argument("--province", type=province_arg, action="append", help="keep these provinces (repeatable)")

    bench = command("bench", "Benchmarks: national-network crawl, extraction, warehouse, cleaning and classification.")
    bench.add_argument("--quick", action="store_true", help="scaled-down sizes, a few minutes on 2 cores")
    bench.add_argument("--only", action="append", choices=["national", "extraction", "warehouse", "pipeline"],
                       help="run only these parts (repeatable)")
    bench.add_argument("--full-size", action="append", choices=["national", "extraction", "warehouse", "pipeline"],
                       help="with --quick, run these parts at full size anyway (repeatable), e.g. the national "
                            "nightly and the 1M warehouse in one run: --quick --full-size warehouse")
    bench.add_argument("--out", type=output_file, default=Path("bench.json"), help="JSON file of the figures")

    sql = command("sql", "Run a read-only SQL query against the warehouse and print the result.")
    sql.add_argument("query")


def _report_commands(command) -> None:
    """`report` (any period, layouts, templates) and `social` (the figures the report shows)."""
    report = command("report", "Write the Bakohumas report (website list, social media, humas activities) or a province report.")
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--quarter", help="e.g. 2021Q3")
    period.add_argument("--semester", help="e.g. 2021S1")
    period.add_argument("--year", help="e.g. 2021")
    period.add_argument("--period", metavar="START..END", help="any dates, e.g. 2021-03-01..2021-06-30")
    report.add_argument("--province", type=province_arg, help="a province report instead of one satker, e.g. Banten")
    report.add_argument("--format", choices=["md", "docx", "json"],
                        help="default: from --out's suffix (.docx, .json, .md), else md")
    report.add_argument("--layout", default="list", choices=["list", "table"],
                        help="list: titles lettered by month (default); table: numbered rows with the date")
    report.add_argument("--template", type=Path, metavar="FILE.docx",
                        help="fill your own Word template (docxtpl tags; see docs/report-template.md)")
    report.add_argument("--full", action="store_true",
                        help="the complete report (cover, daftar isi, BAB I-III) from the shipped template")
    report.add_argument("--out", type=output_file, help="output file (default: stdout for md/json, <satker>-<period>.docx)")
    report.add_argument("--exclude-reposts", action="store_true",
                        help="leave out republished KPU RI/province news (the report says how many)")
    report.add_argument("--titles-only", action="store_true",
                        help="list each article by its title alone, as the Bakohumas reports do, without "
                             "\"(2 Juli 2021, 229 kali dilihat)\" (md and docx, list layout)")

    social = command("social", "Import social-media figures (posts, followers per platform and period) into the warehouse.")
    social.add_argument("--import", dest="import_file", type=Path, required=True, metavar="FILE.csv",
                        help="columns satker_id, period (2021Q3 or YYYY-MM-DD..YYYY-MM-DD), platform, posts, "
                             "followers; optional content_type")


def _add_category_commands(command) -> None:
    """classify, eval, train, review and correct: the activity categories and their review loop."""
    classify = command("classify", "Add category, confidence, needs_review and reason columns to a CSV with a title "
                                   "(and optional body) column.")
    classify.add_argument("--input", type=Path, required=True,
                          help="CSV with a `title` column (and optional `body`); `,` `;` or tab separated")
    classify.add_argument("--output", type=output_file, required=True,
                          help="CSV to write: every input column as given, then the four added")

    evaluate = command("eval", "Per-category precision/recall/F1, macro-F1, accuracy, calibration and needs_review "
                               "figures: grouped CV and the frozen part, or the current model on --labeled rows.")
    evaluate.add_argument("--labeled", type=Path, action="append",
                          help="CSV with title, optional body, category (and satker for --cv); repeatable "
                               "(default: the shipped labelled data, split into open and frozen parts)")
    evaluate.add_argument("--cv", action="store_true", help="cross-validate grouped by satker instead of scoring the current model")

    train = command("train", "Refit the category model on the labelled data plus the warehouse's corrections; "
                             "save it under HOME/models/<version> for the next builds.")
    train.add_argument("--labeled", type=Path, action="append", help="labelled CSVs (default: the shipped ones)")
    train.add_argument("--no-corrections", action="store_true", help="leave the warehouse's corrections out")

    review = command("review", "List the articles flagged needs_review with their two candidate codes and reasons, "
                               "as a sheet to fill for `correct --file`.")
    review.add_argument("--quarter", required=True, help="e.g. 2021Q3")
    review.add_argument("--province", type=province_arg, help="every satker of a province, e.g. Banten")
    review.add_argument("--out", type=output_file, help="FILE.csv or FILE.xlsx (default: CSV on stdout)")

    correct = command("correct", "Override an article's category and/or date; the override survives every rebuild.")
    correct.add_argument("--article", metavar="KEY", help="article_key, e.g. kab-serang/id:1150 (see `sql`)")
    correct.add_argument("--category", help="a taxonomy code, e.g. audiensi")
    correct.add_argument("--date", type=published_date_arg, help="YYYY-MM-DD, a day that has come")
    correct.add_argument("--note", default="", help="why (kept with the correction)")
    correct.add_argument("--file", type=Path, help="CSV of corrections: article_key, category, published_date, note; "
                                                   "or a filled `review` sheet (.csv/.xlsx)")
    correct.add_argument("--remove", action="store_true", help="drop the correction of --article")
