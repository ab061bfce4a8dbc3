"""Where the writer's refresh spends its time, statement by statement.

Replays what a full rebuild does after loading the staged files (merge.recompute_all: the
maintained tables, report_articles in batches, the period marts), then the blocking checks
and the checkpoint, on a copy of a built warehouse, with the REBUILD budget. Each SQL
statement is timed: wall seconds, CPU seconds of this process (every DuckDB thread), and
their ratio over the cores (a statement well under 100% leaves a core idle). The refresh's
own code runs: a connection wrapper splits each execute() into its statements.

    python -m benchmarks.warehouse_statements HOME [--out profile.json]

At 1M articles the replay takes about as long as the `warehouse` step's refresh part.
The figures are for comparing statements within one run (docs/PERFORMANCE.md).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from kpu_berita import config
from kpu_berita.dagster_project.checks import run_checks
from kpu_berita.warehouse import merge
from kpu_berita.warehouse.db import connect

_COMMENT = re.compile(r"--[^\n]*")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _label(sql: str) -> str:
    return " ".join(_COMMENT.sub("", sql).split())[:90]


class TimedConnection:
    """A DuckDB connection whose execute() runs (and times) one statement at a time."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con, self.timings = con, []

    def execute(self, sql: str, parameters=None):
        statements = [sql] if parameters is not None else [s.query for s in duckdb.extract_statements(sql)]
        result = None
        for statement in statements:
            wall, cpu = time.perf_counter(), _cpu_s()
            result = self._con.execute(statement, parameters) if parameters is not None else self._con.execute(statement)
            self.timings.append({"statement": _label(statement), "wall_s": time.perf_counter() - wall,
                                 "cpu_s": _cpu_s() - cpu})
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def profile(warehouse: Path, home: Path, settings: dict[str, str] | None = None) -> list[dict]:
    """Statement timings of the refresh, checks and checkpoint replayed on a copy of `warehouse`
    (left as it was), with DuckDB `settings` on top of the REBUILD budget's."""
    with tempfile.TemporaryDirectory(dir=home / "work") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        con = connect(copy)
        try:
            merge.tune(con, home, merge.REBUILD)
            for name, value in (settings or {}).items():
                con.execute(f"SET {name} = '{value}'")
            timed = TimedConnection(con)
            merge.recompute_all(timed, merge.REBUILD.refresh_batch)
            run_checks(timed)
            timed.execute("CHECKPOINT")
        finally:
            con.close()
    cores = len(os.sched_getaffinity(0))
    for row in timed.timings:
        row["cores_busy"] = row["cpu_s"] / row["wall_s"] / cores if row["wall_s"] else 0.0
    return timed.timings


def summary(timings: list[dict], at_least_s: float = 0.2) -> str:
    wall, cpu = sum(t["wall_s"] for t in timings), sum(t["cpu_s"] for t in timings)
    lines = [f"{t['wall_s']:7.2f} s {t['cpu_s']:7.2f} cpu-s {t['cores_busy']:5.0%}  {t['statement']}"
             for t in timings if t["wall_s"] >= at_least_s]
    return "\n".join([*lines, f"{len(timings)} statements, {wall:.1f} s wall, {cpu:.1f} cpu-s "
                      f"({len(lines)} of at least {at_least_s} s shown)"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="a home with a built warehouse (HOME/work/warehouse.duckdb)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a DuckDB setting for the replay, e.g. threads=1 (repeatable)")
    parser.add_argument("--out", type=Path, help="also write the timings as JSON")
    args = parser.parse_args(argv)
    warehouse = config.working_warehouse_path(args.home)
    if not warehouse.exists():
        parser.error(f"no built warehouse at {warehouse}: run kpu-berita build first")
    settings = dict(item.split("=", 1) for item in args.set)
    timings = profile(warehouse, args.home, settings)
    print(summary(timings))
    if args.out:
        args.out.write_text(json.dumps(timings, indent=1))


if __name__ == "__main__":
    main()
