"""Benchmarks (`kpu-berita bench`): figures printed and written as JSON, never timed tests.

Each part is a module with `run(quick: bool) -> dict` of flat figures; the CLI merges them.
They live beside the package, not in it: they need the dev extra (trafilatura, requests,
BeautifulSoup, pandas) and run from a source checkout (`pip install -e '.[dev]'`).
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
import time

PARTS = ("national", "extraction", "warehouse", "pipeline")


def machine() -> dict:
    return {"machine_cpus": os.cpu_count(), "machine_python": platform.python_version(),
            "machine_platform": platform.platform(), "machine_processor": platform.machine()}


def run_benchmarks(*, quick: bool, parts: list[str] | None = None, full_size: list[str] | None = None,
                   progress=sys.stderr) -> dict:
    """Run the chosen parts one after another (never side by side: they'd share the CPUs);
    `full_size` parts at full size even when `quick`."""
    full_size = [p for p in full_size or [] if quick]
    figures: dict = {"bench_mode": ("quick" if quick else "full") + "".join(f", {p} full" for p in full_size),
                     "bench_started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **machine()}
    chosen = [p for p in PARTS if not parts or p in parts]
    for n, part in enumerate(chosen, start=1):
        print(f"[{n}/{len(chosen)}] {part} ...", file=progress, flush=True)
        start = time.perf_counter()
        figures.update(importlib.import_module(f"benchmarks.{part}").run(quick=quick and part not in full_size))
        figures[f"{part}_bench_wall_s"] = round(time.perf_counter() - start, 1)
        print(f"[{n}/{len(chosen)}] {part} done in {figures[f'{part}_bench_wall_s']} s", file=progress, flush=True)
    return figures
