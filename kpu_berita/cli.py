"""`kpu-berita`: crawl KPU satker news, build the warehouse, fill the Bakohumas report.

The commands and options are a contract that users' scripts rely on: extend, never break.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

from kpu_berita import config

EPILOG = {
    "demo": "example: kpu-berita demo && kpu-berita report --satker kab-serang --quarter 2021Q3 --format md",
    "crawl": "example: kpu-berita crawl --satker kab-serang --satker kota-palu --since 2025-07-01\n"
             "         kpu-berita crawl --province Banten            (re-crawl one province)\n"
             "         kpu-berita crawl --processes 2                (two Scrapy processes)",
    "build": "example: kpu-berita build            (the crawls not yet in the warehouse)\n"
             "         kpu-berita build --full     (everything again, after new rules or a new model)",
    "report": "example: kpu-berita report --satker kab-serang --quarter 2021Q3 --format docx --out serang-2021Q3.docx\n"
              "         kpu-berita report --satker kab-kayongutara --period 2021-03-01..2021-06-30 --layout table\n"
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


class UserError(Exception):
    """Bad input: printed as one line naming the problem, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS,
                        help=f"folder holding all state (default ${config.HOME_ENV} or ./{config.DEFAULT_HOME})")
    common.add_argument("--registry", type=Path, help="satker registry CSV (default: the shipped 552 satker)")
    common.add_argument("--satker", action="append", metavar="ID", help="satker id, e.g. kab-serang (repeatable)")
    # SUPPRESS: otherwise the subcommand's default would undo a flag given before it
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show Dagster's and Scrapy's logs")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress lines while crawling and building")

    parser = argparse.ArgumentParser(prog="kpu-berita", description=__doc__.splitlines()[0], parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_text):
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common], epilog=EPILOG.get(name),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    demo = command("demo", "Serve the embedded demo network on loopback, crawl it, build the warehouse, write sample reports.")
    demo.add_argument("--as-of", type=dt.date.fromisoformat, help="the demo network's date (default 2025-12-31)")

    crawl = command("crawl", "Crawl the satker's Berita Terkini (incremental unless --full) into HOME/raw.")
    crawl.add_argument("--since", type=_date_arg, help="YYYY-MM-DD: stop walking listings past older articles")
    crawl.add_argument("--full", action="store_true", help="backfill: walk every listing page, fetch every article")
    crawl.add_argument("--profile", default="polite", choices=["polite", "loopback"],
                       help="crawl settings; 'loopback' (no delays) only runs against 127.0.0.0/8")
    crawl.add_argument("--processes", type=_positive_int, default=1,
                       help="split the crawl into N shards of whole provinces, one Scrapy process each")

    build = command("build", "Merge the new crawls into the warehouse, refresh the marts they touched, publish.")
    build.add_argument("--full", action="store_true",
                       help="rebuild everything from every raw crawl (after a change of rules, model or schema)")
    for sub_parser in (crawl, build):
        sub_parser.add_argument("--province", action="append", metavar="NAME",
                                help="only the satker of this province, e.g. Banten (repeatable)")

    _report_commands(command)

    _add_category_commands(command)

    export = command("export", "Export a mart (or report_articles) to CSV or Excel, optionally filtered.")
    export.add_argument("--mart", required=True, help="e.g. mart_quarterly_satker, mart_monthly_satker_category")
    export.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    export.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out's suffix")
    export.add_argument("--quarter", action="append", help="keep these quarters, e.g. 2021Q3 (repeatable)")
    export.add_argument("--month", action="append", help="keep these months, e.g. 2021-07 (repeatable)")
    export.add_argument("--province", action="append", help="keep these provinces (repeatable)")

    bench = command("bench", "Benchmarks: national-network crawl, extraction, warehouse, cleaning and classification.")
    bench.add_argument("--quick", action="store_true", help="scaled-down sizes, a few minutes on 2 cores")
    bench.add_argument("--only", action="append", choices=["national", "extraction", "warehouse", "pipeline"],
                       help="run only these parts (repeatable)")
    bench.add_argument("--out", type=Path, default=Path("bench.json"), help="JSON file of the figures")

    sql = command("sql", "Run a read-only SQL query against the warehouse and print the result.")
    sql.add_argument("query")
    return parser


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _report_commands(command) -> None:
    """`report` (any period, layouts, templates) and `social` (the figures the report shows)."""
    report = command("report", "Write the Bakohumas report (website list, social media, humas activities) or a province report.")
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--quarter", help="e.g. 2021Q3")
    period.add_argument("--semester", help="e.g. 2021S1")
    period.add_argument("--year", help="e.g. 2021")
    period.add_argument("--period", metavar="START..END", help="any dates, e.g. 2021-03-01..2021-06-30")
    report.add_argument("--province", help="a province report instead of one satker, e.g. Banten")
    report.add_argument("--format", default="md", choices=["md", "docx", "json"])
    report.add_argument("--layout", default="list", choices=["list", "table"],
                        help="list: titles lettered by month (default); table: numbered rows with the date")
    report.add_argument("--template", type=Path, metavar="FILE.docx",
                        help="fill your own Word template (docxtpl tags; see docs/report-template.md)")
    report.add_argument("--full", action="store_true",
                        help="the complete report (cover, daftar isi, BAB I-III) from the shipped template")
    report.add_argument("--out", type=Path, help="output file (default: stdout for md/json, <satker>-<period>.docx)")
    report.add_argument("--exclude-reposts", action="store_true", help="leave out republished KPU RI/province news")

    social = command("social", "Import social-media figures (posts, followers per platform and period) into the warehouse.")
    social.add_argument("--import", dest="import_file", type=Path, required=True, metavar="FILE.csv",
                        help="columns satker_id, period (2021Q3 or YYYY-MM-DD..YYYY-MM-DD), platform, posts, "
                             "followers; optional content_type")


def _add_category_commands(command) -> None:
    """classify, eval, train, review and correct: the activity categories and their review loop."""
    classify = command("classify", "Add category, confidence, needs_review and reason columns to a CSV with a title "
                                   "(and optional body) column.")
    classify.add_argument("--input", type=Path, required=True)
    classify.add_argument("--output", type=Path, required=True)

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
    review.add_argument("--province", help="every satker of a province, e.g. Banten")
    review.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx (default: CSV on stdout)")

    correct = command("correct", "Override an article's category and/or date; the override survives every rebuild.")
    correct.add_argument("--article", metavar="KEY", help="article_key, e.g. kab-serang/id:1150 (see `sql`)")
    correct.add_argument("--category", help="a taxonomy code, e.g. audiensi")
    correct.add_argument("--date", type=_date_arg, help="YYYY-MM-DD")
    correct.add_argument("--note", default="", help="why (kept with the correction)")
    correct.add_argument("--file", type=Path, help="CSV of corrections: article_key, category, published_date, note; "
                                                   "or a filled `review` sheet (.csv/.xlsx)")
    correct.add_argument("--remove", action="store_true", help="drop the correction of --article")


def _date_arg(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def _home(args) -> Path:
    return Path(getattr(args, "home", None) or config.default_home())


def _kpu(args, **overrides):
    from kpu_berita.dagster_project.resources import KpuBerita

    fields = {"home": str(_home(args).resolve()),
              "registry": str(args.registry.resolve()) if args.registry else None,
              "satker": args.satker or [], "province": getattr(args, "province", None) or []}
    fields.update(overrides)
    return KpuBerita(**fields)


def _check_registry(args) -> None:
    from kpu_berita.registry import RegistryError, load_registry, select_partition

    try:
        select_partition(load_registry(args.registry or config.default_registry()), satker_ids=args.satker,
                         provinces=getattr(args, "province", None))
    except RegistryError as exc:
        raise UserError(str(exc))


def _print_table(rows: list[dict], out=None) -> None:
    from tabulate import tabulate

    out = out or sys.stdout  # looked up per call, so redirected stdout is honoured
    print(tabulate(rows, headers="keys", disable_numparse=True) if rows else "(no rows)", file=out)


def _run(kpu, selection, args):
    from kpu_berita import runner

    try:
        return runner.materialize(kpu, selection, log_level="INFO" if getattr(args, "verbose", False) else "ERROR",
                                  progress=not getattr(args, "quiet", False))
    except runner.RunFailed as exc:
        raise UserError(str(exc))


def _summarise(result) -> None:
    from kpu_berita import runner

    crawl = runner.metadata_of(result, "raw_crawl")
    if crawl:
        print(f"crawl {crawl['crawl_id']}: {crawl['requests']} requests, {crawl['new_articles']} new articles, "
              f"{crawl['errors']} errors{' (resumed)' if crawl['resumed'] else ''}"
              f"{' (incremental)' if crawl['incremental'] else ' (full)'}")
        print(crawl["per_satker"])
    built = runner.metadata_of(result, "warehouse")
    if built:
        print(f"\nwarehouse: {built['rows']} articles ({built['new_articles']} new, {built['updated_articles']} updated "
              f"from {built['crawls_merged']} crawl(s)); {built['periods_refreshed']} period marts refreshed; "
              f"categories: {built.get('by_category', {})}")
    for line in runner.failed_checks(result, "WARN"):
        print(f"CHECK WARNING {line}", file=sys.stderr)
    for line in runner.failed_checks(result):
        print(f"CHECK FAILED {line}", file=sys.stderr)


def cmd_demo(args) -> int:
    from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
    from kpu_berita.runner import EVERYTHING

    home = _home(args)
    home.mkdir(parents=True, exist_ok=True)
    as_of = args.as_of or DEFAULT_AS_OF
    sites = build_demo_sites(as_of=as_of)
    if args.satker:
        unknown = sorted(set(args.satker) - {s.satker_id for s in sites})
        if unknown:
            raise UserError(f"unknown demo satker {', '.join(unknown)}: the demo network serves "
                            f"{', '.join(s.satker_id for s in sites)}")
    with DemoNetwork(sites, as_of=as_of) as network:
        registry = network.write_registry(home / "demo_registry.csv")
        print(f"demo network: {len(sites)} satker sites on loopback "
              f"({', '.join(network.base_url(s.satker_id) for s in sites[:2])}, ...)")
        kpu = _kpu(args, registry=str(registry.resolve()), profile="loopback")
        result = _run(kpu, EVERYTHING, args)
        _prefetch_demo_photos(home, args)
    _summarise(result)
    written = _demo_reports(home, args)
    print(f"\nwarehouse: {config.warehouse_path(home)}\nsample reports: {', '.join(str(p) for p in written)}")
    print("next: kpu-berita report --satker kab-serang --quarter 2021Q3 --format md")
    return 0


def _prefetch_demo_photos(home: Path, args) -> None:
    from kpu_berita.reports.make import prefetch_demo_photos
    from kpu_berita.reports.periods import quarter_period

    if config.warehouse_path(home).exists():  # a failed build published nothing
        prefetch_demo_photos(home, (args.satker or ["kab-serang"])[:1], quarter_period("2021Q3"))


def _demo_reports(home: Path, args) -> list[Path]:
    from dataclasses import replace

    from kpu_berita.reports.make import ReportRequest, write_report
    from kpu_berita.reports.periods import quarter_period

    out_dir = home / "reports"
    out_dir.mkdir(exist_ok=True)
    satker_id = (args.satker or ["kab-serang"])[0]
    stem = out_dir / f"{satker_id}-2021Q3"
    request = ReportRequest(home=home, period=quarter_period("2021Q3"), satker_id=satker_id)
    written = []
    for fmt, suffix in (("md", ".md"), ("docx", ".docx"), ("json", ".json")):
        written.append(write_report(replace(request, format=fmt, out=stem.with_suffix(suffix))))
    written.append(write_report(replace(request, full=True, out=out_dir / f"{satker_id}-2021Q3-lengkap.docx")))
    return written


def cmd_crawl(args) -> int:
    from kpu_berita.runner import CRAWL

    _check_registry(args)
    result = _run(_kpu(args, since=args.since, full=args.full, profile=args.profile, crawl_processes=args.processes),
                  CRAWL, args)
    _summarise(result)
    return 0


def cmd_build(args) -> int:
    from kpu_berita.runner import DOWNSTREAM_OF_CRAWL

    _check_registry(args)
    if not config.raw_dir(_home(args)).exists():
        raise UserError(f"nothing crawled yet in {_home(args)}: run `kpu-berita crawl` (or `kpu-berita demo`) first")
    _summarise(_run(_kpu(args, rebuild=args.full), DOWNSTREAM_OF_CRAWL, args))
    return 0


def _read_only_warehouse(args):
    from kpu_berita.warehouse.db import WarehouseMissing, connect

    try:
        return connect(config.warehouse_path(_home(args)), read_only=True)
    except WarehouseMissing as exc:
        raise UserError(str(exc))


def cmd_report(args) -> int:
    from kpu_berita.reports.make import ReportProblem, ReportRequest, parse_period_options, write_report

    if bool(args.province) == bool(args.satker):
        raise UserError("report needs exactly one of --satker ID or --province NAME")
    if args.satker and len(args.satker) > 1:
        raise UserError("report takes one --satker at a time")
    if args.province and (args.template or args.full):
        raise UserError("--template and --full fill one satker's report, not a province's")
    if args.template and args.full:
        raise UserError("give --template FILE or --full, not both")
    try:
        period = parse_period_options({"quarter": args.quarter, "semester": args.semester, "year": args.year,
                                       "period": args.period})
        written = write_report(ReportRequest(
            home=_home(args), period=period, satker_id=(args.satker or [None])[0], province=args.province,
            format="docx" if (args.template or args.full) else args.format, layout=args.layout, out=args.out,
            template=args.template, full=args.full, include_reposts=not args.exclude_reposts))
    except ReportProblem as exc:
        raise UserError(str(exc))
    if written:
        print(f"wrote {written}", file=sys.stderr)
    return 0


def cmd_social(args) -> int:
    from kpu_berita.reports.social import COLUMNS, BadSocialRow, parse_figures
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.merge import BuildLocked, writer_lock
    from kpu_berita.warehouse.publish import ensure_working_copy, republish_table
    from kpu_berita.warehouse.social import known_satker, store_figures

    rows = _read_csv(args.import_file, COLUMNS)
    home = _home(args)
    if not config.working_warehouse_path(home).exists() and not config.warehouse_path(home).exists():
        raise UserError(f"no warehouse at {config.warehouse_path(home)}: run `kpu-berita demo` or `kpu-berita build` first")
    working, published = config.working_warehouse_path(home), config.warehouse_path(home)
    try:
        with writer_lock(home):  # the builds' working copy has one writer at a time, like `correct`
            ensure_working_copy(working, published)
            con = connect(working)
            try:
                figures = parse_figures(rows, str(args.import_file), known_satker(con))
                counts = store_figures(con, figures, str(args.import_file))
            finally:
                con.close()
            republish_table(working, published, "social_media_stats")
    except (BadSocialRow, BuildLocked) as exc:
        raise UserError(str(exc))
    print(f"{args.import_file}: {counts['added']} added, {counts['replaced']} replaced, "
          f"{counts['unchanged']} unchanged; published", file=sys.stderr)
    return 0


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise UserError(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"cannot read {path}: {exc}")


def cmd_classify(args) -> int:
    from kpu_berita.categories import InputError, classify_csv
    from kpu_berita.pipelines.classify import Classifier

    try:
        n = classify_csv(args.input, args.output, Classifier.for_home(_home(args)))
    except InputError as exc:
        raise UserError(str(exc))
    print(f"classified {n} rows into {args.output}", file=sys.stderr)
    return 0


def cmd_eval(args) -> int:
    from kpu_berita import categories
    from kpu_berita.pipelines.classify import Classifier

    try:
        if not args.labeled:
            print(categories.two_part_report(categories.labelled_rows(None), _home(args)))
            return 0
        rows = []
        for path in args.labeled:
            _read_csv(path, ("title", "category") + (("satker",) if args.cv else ()))  # names a missing column
            rows += categories.labelled_rows([path])
    except categories.InputError as exc:
        raise UserError(str(exc))
    if args.satker:
        rows = [r for r in rows if r.get("satker") in set(args.satker)]
    print(categories.score_labelled(rows, None if args.cv else Classifier.for_home(_home(args)), args.cv))
    return 0


def cmd_train(args) -> int:
    from kpu_berita import categories

    try:
        print(categories.train_in_home(_home(args), args.labeled, with_corrections=not args.no_corrections))
    except categories.InputError as exc:
        raise UserError(str(exc))
    return 0


def cmd_review(args) -> int:
    from kpu_berita import categories
    from kpu_berita.pipelines.classify import Classifier
    from kpu_berita.warehouse.review import SheetError, write_sheet

    if bool(args.province) == bool(args.satker):
        raise UserError("review needs --satker ID (repeatable) or --province NAME")
    con = _read_only_warehouse(args)
    try:
        rows = categories.review_rows(con, Classifier.for_home(_home(args)), args.quarter, args.satker, args.province)
        written = write_sheet(rows, args.out or sys.stdout)
    except (categories.InputError, SheetError) as exc:
        raise UserError(str(exc))
    finally:
        con.close()
    if args.out:
        print(f"wrote {written} flagged article(s) to {args.out}; fill `category`, then "
              f"`kpu-berita correct --file {args.out}`", file=sys.stderr)
    return 0


def cmd_correct(args) -> int:
    from kpu_berita import categories
    from kpu_berita.warehouse import corrections
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.merge import BuildLocked, writer_lock
    from kpu_berita.warehouse.publish import ensure_working_copy

    if not (args.file or args.article):
        raise UserError("correct needs --article KEY (with --category/--date/--remove) or --file CSV")
    if args.file and args.file.suffix.lower() != ".xlsx":
        _read_csv(args.file, ("article_key",))  # one clear line for a missing file or column
    try:
        rows = (categories.read_corrections(args.file) if args.file else
                [{"article_key": args.article, "category": args.category, "published_date": args.date, "note": args.note}])
        rows = categories.corrections_to_apply(rows, str(args.file) if args.file else None, remove=args.remove)
    except categories.InputError as exc:
        raise UserError(str(exc))
    home = _home(args)
    working, published = config.working_warehouse_path(home), config.warehouse_path(home)
    if not working.exists() and not published.exists():
        raise UserError(f"no warehouse at {published}: run `kpu-berita demo` or `kpu-berita build` first")
    try:
        with writer_lock(home):  # the builds' working copy has one writer at a time
            ensure_working_copy(working, published)
            con = connect(working)
            try:
                corrections.record(con, rows, remove=args.remove)
            finally:
                con.close()
    except (corrections.CorrectionError, BuildLocked) as exc:
        raise UserError(str(exc))
    verb = "removed" if args.remove else "recorded"
    print(f"{verb} {len(rows)} correction(s); run `kpu-berita build` to apply them to the published warehouse",
          file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from kpu_berita.warehouse.export import ExportError, mart_frame, write_frame

    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise UserError(f"--out {args.out}: give a .csv or .xlsx file, or --format")
    con = _read_only_warehouse(args)
    try:
        frame = mart_frame(con, args.mart, {"quarter": args.quarter, "month": args.month,
                                            "province": args.province, "satker_id": args.satker})
        rows = write_frame(frame, args.out, fmt)
    except ExportError as exc:
        raise UserError(str(exc))
    finally:
        con.close()
    print(f"wrote {rows} rows of {args.mart} to {args.out}", file=sys.stderr)
    return 0


def cmd_bench(args) -> int:
    from kpu_berita.bench import run_benchmarks

    figures = run_benchmarks(quick=args.quick, parts=args.only, progress=sys.stderr)
    args.out.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
    _print_table([{"figure": k, "value": v} for k, v in figures.items() if not isinstance(v, (dict, list))])
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_sql(args) -> int:
    con = _read_only_warehouse(args)
    try:
        cursor = con.execute(args.query)
        columns = [d[0] for d in cursor.description or []]
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
    except Exception as exc:  # duckdb raises many error classes; all are the user's query
        raise UserError(f"query failed: {str(exc).splitlines()[0]}")
    finally:
        con.close()
    _print_table(rows)
    return 0


COMMANDS = {"demo": cmd_demo, "crawl": cmd_crawl, "build": cmd_build, "report": cmd_report, "social": cmd_social,
            "classify": cmd_classify, "eval": cmd_eval, "correct": cmd_correct, "sql": cmd_sql,
            "export": cmd_export, "bench": cmd_bench, "train": cmd_train, "review": cmd_review}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"kpu-berita {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
