"""What the commands share: options to resource, runs, tables, bad-input errors."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import sys
from pathlib import Path

from kpu_berita import config
from kpu_berita.user_csv import dict_reader, open_text


class UserError(Exception):
    """Bad input: printed as one line naming the problem, exit status 2."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped the run: one line, exit status 130 (not bad input's 2)."""


INTERRUPTED_EXIT = 130


def date_arg(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def past_date_arg(text: str) -> str:
    """--since: a day that has come. A later one stops every listing walk at its first page
    (every article is older), so the crawl would quietly fetch almost nothing."""
    day = date_arg(text)
    if day > dt.date.today().isoformat():
        raise argparse.ArgumentTypeError(f"{text!r} is in the future: give the earliest publication day to walk back to")
    return day


def published_date_arg(text: str) -> str:
    """correct --date: a publication day, which has come. A typo'd year would move the article
    out of every report, and a future newest article hides a satker gone silent (as
    `correct --file` refuses it)."""
    day = date_arg(text)
    if day > dt.date.today().isoformat():
        raise argparse.ArgumentTypeError(f"{text!r} is a day still to come")
    return day


def output_file(text: str) -> Path:
    """An --out / --output file: its folder is made if it is missing (reports/2021/x.docx);
    a folder given instead of a file, or one that can't be written in, is named before any
    work is done (a bench runs for minutes before it writes)."""
    path = Path(text)
    try:
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text} is a folder: give a file name in it")
    except OSError as exc:  # a name the file system refuses outright (too long)
        raise argparse.ArgumentTypeError(f"cannot write {text}: {exc.strerror or exc}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot make the folder {path.parent}: {exc.strerror or exc}")
    # the file is written to a temporary name beside it and renamed: the folder must take
    # new files (access() also says no on a read-only file system, even to root)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write in the folder {path.parent.resolve()}: not writable")
    return path


def quarter_arg(text: str) -> str:
    """A quarter as the marts write it (2021Q3), from any form parse_quarter reads (2021-q3)."""
    from kpu_berita.pipelines.dates import parse_quarter

    try:
        start, _ = parse_quarter(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def month_arg(text: str) -> str:
    """A month as the marts write it: YYYY-MM (from 2021-07 or 2021-7)."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"malformed month {text!r}: write it as YYYY-MM, e.g. 2021-07")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def satker_arg(text: str) -> str:
    """A satker id as the registry writes it: the website's host label, lower case, no spaces
    (" KAB-SERANG" is kab-serang)."""
    return text.strip().lower()


def province_arg(text: str) -> str:
    """A province name with its spaces tidied (" Banten " is Banten; case is matched anyway)."""
    return " ".join(text.split())


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def home_of(args) -> Path:
    """--home, else $KPU_BERITA_HOME, else ./.kpu-berita. A file there is refused by every
    command alike (they said "Not a directory", "nothing crawled yet" or "no warehouse")."""
    home = Path(getattr(args, "home", None) or config.default_home())
    if home.exists() and not home.is_dir():
        raise UserError(f"{home} is a file, not a kpu-berita home (a folder): give --home the folder")
    return home


def resource_of(args, **overrides):
    from kpu_berita.dagster_project.resources import KpuBerita

    fields = {"home": str(home_of(args).resolve()),
              "registry": str(args.registry.resolve()) if args.registry else None,
              "satker": args.satker or [], "province": getattr(args, "province", None) or []}
    fields.update(overrides)
    return KpuBerita(**fields)


def check_registry(args) -> None:
    from kpu_berita.registry import RegistryError, load_registry, select_partition

    try:
        select_partition(load_registry(args.registry or config.default_registry(home_of(args))), satker_ids=args.satker,
                         provinces=getattr(args, "province", None))
    except RegistryError as exc:
        raise UserError(str(exc))


def print_table(rows: list[dict], out=None) -> None:
    from tabulate import tabulate

    out = out or sys.stdout  # looked up per call, so redirected stdout is honoured
    print(tabulate(rows, headers="keys", disable_numparse=True) if rows else "(no rows)", file=out)


def materialise(kpu, selection, args):
    from kpu_berita import runner

    try:
        # Dagster's own console lines only with -v: a failed step printed its whole stack
        # trace above the one line the CLI gives (the cause, and the checks that failed)
        return runner.materialize(kpu, selection, log_level="INFO" if getattr(args, "verbose", False) else "CRITICAL",
                                  progress=not getattr(args, "quiet", False))
    except runner.Interrupted:
        raise Interrupted("interrupted; nothing published was touched: run the same command again "
                          "to go on (a crawl resumes where it stopped)")
    except runner.RunFailed as exc:
        for line in exc.checks:
            print(f"CHECK FAILED {line}", file=sys.stderr)
        raise UserError(str(exc))


def summarise(result) -> None:
    from kpu_berita import runner

    crawl = runner.metadata_of(result, "raw_crawl")
    if crawl:
        print(f"crawl {crawl['crawl_id']}: {crawl['requests']} requests, {crawl['new_articles']} new articles "
              f"({crawl['fetched']} pages fetched), {crawl['errors']} errors{' (resumed)' if crawl['resumed'] else ''}"
              f"{' (incremental)' if crawl['incremental'] else ' (full)'}")
        print(crawl["per_satker"])
    built = runner.metadata_of(result, "warehouse")
    if built:
        twice = built.get("duplicates", 0)
        print(f"\nwarehouse: {built['rows']} articles ({built['new_articles']} new, {built['updated_articles']} updated "
              f"from {built['crawls_merged']} crawl(s){_merged_before(built)}"
              f"{f'; {twice} more published twice, counted once' if twice else ''}); "
              f"{built['periods_refreshed']} period marts refreshed; "
              f"categories: {built.get('by_category', {})}")
    for line in runner.failed_checks(result, "WARN"):
        print(f"CHECK WARNING {line}", file=sys.stderr)
    for line in runner.failed_checks(result):
        print(f"CHECK FAILED {line}", file=sys.stderr)


def _merged_before(built: dict) -> str:
    """Crawls a killed build had merged into the working file: marked, not counted again."""
    n = built.get("crawls_merged_before", 0)
    return f"; {n} more a stopped build had merged" if n else ""


def read_only_warehouse(args):
    from kpu_berita.warehouse.db import WarehouseMissing, connect

    try:
        return connect(config.warehouse_path(home_of(args)), read_only=True)
    except WarehouseMissing as exc:
        raise UserError(str(exc))


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    try:
        with open_text(path) as f:
            reader = dict_reader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise UserError(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"cannot read {path}: {exc}")
