"""report, social, correct, export, sql and bench: the warehouse and what is written from it."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kpu_berita import config
from kpu_berita.cli.common import UserError, home_of, print_table, read_csv, read_only_warehouse
from kpu_berita.user_files import written_whole


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
    if args.province and args.layout == "table":
        # it was silently ignored: a province report is a table of its satker, not of articles
        raise UserError("--layout table numbers one satker's articles; a province report is already a table "
                        "of its satker: leave out --layout")
    fmt = _report_format(args)
    _check_titles_only(args, fmt)
    try:
        period = parse_period_options({"quarter": args.quarter, "semester": args.semester, "year": args.year,
                                       "period": args.period})
        written = write_report(ReportRequest(
            home=home_of(args), period=period, satker_id=(args.satker or [None])[0], province=args.province,
            format=fmt, layout=args.layout, out=args.out,
            template=args.template, full=args.full, include_reposts=not args.exclude_reposts,
            titles_only=args.titles_only), notes=sys.stderr)
    except ReportProblem as exc:
        raise UserError(str(exc))
    if written:
        print(f"wrote {written}", file=sys.stderr)
    return 0


def _check_titles_only(args, fmt: str) -> None:
    """--titles-only shapes the lettered list of the short md/docx report; anywhere else it
    would change nothing, which is refused rather than ignored."""
    if not args.titles_only:
        return
    if args.province:
        raise UserError("--titles-only shapes one satker's article list; a province report lists no titles")
    if args.full or args.template:
        raise UserError("--titles-only shapes the short report's list; the --full report lists bare titles already, "
                        "and a --template prints what its tags say ({{ a.title }})")
    if fmt == "json":
        raise UserError("--titles-only shapes the md/docx list; the JSON always has every field (title, date, views)")
    if args.layout == "table":
        raise UserError("--titles-only shapes the list layout; the table layout keeps seed 003's columns "
                        "(No, Tanggal, Jenis Informasi, Media Penyebaran)")


REPORT_SUFFIXES = {".docx": "docx", ".json": "json", ".md": "md", ".markdown": "md"}
TEXT_SUFFIXES = ("", ".txt")  # Markdown is text: these took it before the suffix told the format, and still do


def _report_format(args) -> str:
    """--format, else what --out's name says (`--out laporan.docx` wrote Markdown into a file
    Word can't open), else md; a format the file name contradicts is refused."""
    word_only = args.template or args.full
    if args.out and not args.format and args.out.suffix.lower() not in (*REPORT_SUFFIXES, *TEXT_SUFFIXES):
        # it wrote Markdown into `laporan.pdf`, which then opened as a broken file
        raise UserError(f"--out {args.out}: report writes Word, JSON or Markdown; name the file "
                        f"{' / '.join(REPORT_SUFFIXES)}, or give --format")
    if word_only and args.format not in (None, "docx"):
        raise UserError(f"--template and --full write a Word file: leave out --format {args.format}")
    by_name = REPORT_SUFFIXES.get(args.out.suffix.lower()) if args.out else None
    wanted = "docx" if word_only else args.format
    if wanted and by_name and wanted != by_name:
        source = "--template and --full write" if word_only else f"--format {wanted} writes"
        raise UserError(f"{source} {wanted}, but --out {args.out} is named {args.out.suffix}: give one that agrees")
    return wanted or by_name or "md"


def cmd_social(args) -> int:
    from kpu_berita.reports.social import COLUMNS, BadSocialRow, parse_figures
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.merge import BuildLocked, writer_lock
    from kpu_berita.warehouse.publish import ensure_working_copy, republish_table
    from kpu_berita.warehouse.social import known_satker, store_figures

    rows = read_csv(args.import_file, COLUMNS)
    home = home_of(args)
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


def cmd_correct(args) -> int:
    from kpu_berita import categories
    from kpu_berita.warehouse import corrections
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.merge import BuildLocked, writer_lock
    from kpu_berita.warehouse.publish import ensure_working_copy

    if not (args.file or args.article):
        raise UserError("correct needs --article KEY (with --category/--date/--remove) or --file CSV")
    try:
        rows = (categories.read_corrections(args.file) if args.file else
                [{"article_key": args.article, "category": args.category, "published_date": args.date, "note": args.note}])
        rows = categories.corrections_to_apply(rows, str(args.file) if args.file else None, remove=args.remove)
    except categories.InputError as exc:
        raise UserError(str(exc))
    if not rows:  # a review sheet nobody has filled yet
        print(f"no correction in {args.file}: fill `category` (or `published_date`) in the rows you decide",
              file=sys.stderr)
        return 0
    home = home_of(args)
    working, published = config.working_warehouse_path(home), config.warehouse_path(home)
    if not working.exists() and not published.exists():
        raise UserError(f"no warehouse at {published}: run `kpu-berita demo` or `kpu-berita build` first")
    try:
        with writer_lock(home):  # the builds' working copy has one writer at a time
            ensure_working_copy(working, published)
            con = connect(working)
            try:
                touched = corrections.record(con, rows, remove=args.remove)
            finally:
                con.close()
    except (corrections.CorrectionError, BuildLocked) as exc:
        raise UserError(str(exc))
    verb = "removed" if args.remove else "recorded"
    print(f"{verb} {touched} correction(s); run `kpu-berita build` to apply them to the published warehouse",
          file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from kpu_berita.warehouse.db import UnknownName
    from kpu_berita.warehouse.export import ExportError, mart_frame, write_frame

    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise UserError(f"--out {args.out}: give a .csv or .xlsx file, or --format")
    con = read_only_warehouse(args)
    try:
        frame = mart_frame(con, args.mart, {"quarter": args.quarter, "month": args.month,
                                            "province": args.province, "satker_id": args.satker})
        rows = write_frame(frame, args.out, fmt)
    except (ExportError, UnknownName) as exc:
        raise UserError(str(exc))
    finally:
        con.close()
    print(f"wrote {rows} rows of {args.mart} to {args.out}", file=sys.stderr)
    return 0


BENCH_SETUP = ("the benchmarks live in the source checkout's benchmarks/ folder with the dev extra: "
               "git clone the project, then `pip install -e '.[dev]'` (or `make install`) and run them from there")


def _benchmarks():
    """The benchmarks package of the source checkout this package was installed from (an
    editable install), with its dev dependencies, or a UserError saying how to get them."""
    import importlib

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "benchmarks" / "__init__.py").exists() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        for needed in ("trafilatura", "requests", "bs4", "pandas"):
            importlib.import_module(needed)
        return importlib.import_module("benchmarks")
    except ImportError as exc:
        raise UserError(f"{exc.name or exc} is missing: {BENCH_SETUP}")


def cmd_bench(args) -> int:
    run_benchmarks = _benchmarks().run_benchmarks
    figures = run_benchmarks(quick=args.quick, parts=args.only, full_size=args.full_size, progress=sys.stderr)
    with written_whole(args.out) as tmp:
        tmp.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
    print_table([{"figure": k, "value": v} for k, v in figures.items() if not isinstance(v, (dict, list))])
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_sql(args) -> int:
    if not args.query.strip():
        raise UserError("the query is empty: give one, e.g. \"SELECT * FROM mart_quarterly_satker LIMIT 5\"")
    con = read_only_warehouse(args)
    try:
        cursor = con.execute(args.query)
        ran = cursor is not None  # DuckDB returns no result for a text of comments and semicolons only
        columns = [d[0] for d in cursor.description or []] if ran else []
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()] if ran else []
    except Exception as exc:  # duckdb raises many error classes; all are the user's query
        raise UserError(f"query failed: {str(exc).splitlines()[0]}")
    finally:
        con.close()
    if not ran:
        raise UserError(f"the query {args.query!r} holds no statement, only comments or semicolons")
    print_table(rows)
    return 0
