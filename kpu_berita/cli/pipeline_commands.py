"""demo, crawl and build: the Dagster assets run in-process (kpu_berita/runner.py); status:
what a home holds."""
from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from kpu_berita import config
from kpu_berita.cli.common import (UserError, check_registry, home_of, materialise, print_table, resource_of,
                                    summarise)


def cmd_demo(args) -> int:
    from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
    from kpu_berita.runner import EVERYTHING

    home = home_of(args)
    home.mkdir(parents=True, exist_ok=True)
    as_of = args.as_of or DEFAULT_AS_OF
    sites = build_demo_sites(as_of=as_of)
    if args.satker:
        unknown = sorted(set(args.satker) - {s.satker_id for s in sites})
        if unknown:
            raise UserError(f"unknown demo satker {', '.join(unknown)}: the demo network serves "
                            f"{', '.join(s.satker_id for s in sites)}")
    with DemoNetwork(sites, as_of=as_of) as network:
        registry = network.write_registry(config.home_registry(home))  # later commands on this home use it
        print(f"demo network: {len(sites)} satker sites on loopback "
              f"({', '.join(network.base_url(s.satker_id) for s in sites[:2])}, ...)")
        kpu = resource_of(args, registry=str(registry.resolve()), profile="loopback")
        result = materialise(kpu, EVERYTHING, args)
        _prefetch_demo_photos(home, args)
    summarise(result)
    written = _demo_reports(home, args)
    print(f"\nwarehouse: {config.warehouse_path(home)}\nsample reports: {', '.join(str(p) for p in written)}")
    # the same home and a satker the demo crawled: the line is meant to be pasted as it is
    home_option = f" --home {shlex.quote(str(home))}" if getattr(args, "home", None) else ""
    print(f"next: {_program()}{home_option} report --satker {(args.satker or ['kab-serang'])[0]} "
          "--quarter 2021Q3 --format md")
    return 0


def _program() -> str:
    """How to call kpu-berita again from this shell: `make demo` runs .venv/bin/kpu-berita,
    which a shell without the venv activated doesn't find as plain `kpu-berita`."""
    called = Path(sys.argv[0])
    on_path = shutil.which("kpu-berita")
    if called.name != "kpu-berita" or (on_path and Path(on_path).resolve() == called.resolve()):
        return "kpu-berita"
    try:
        return str(called.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(called.resolve())


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

    check_registry(args)
    kpu = resource_of(args, since=args.since, full=args.full, profile=args.profile, crawl_processes=args.processes or 0)
    result = materialise(kpu, CRAWL, args)
    summarise(result)
    return 0


def cmd_status(args) -> int:
    import duckdb

    from kpu_berita.warehouse import status

    home = home_of(args).resolve()
    if not home.exists():
        raise UserError(f"no kpu-berita home at {home}: `kpu-berita crawl` (or `kpu-berita demo`) makes one")
    published = config.warehouse_path(home)
    try:
        figures = status.warehouse_figures(published) if published.exists() else None
        held = status.published_crawls(published) if published.exists() else frozenset()
    except duckdb.Error as exc:  # a file from an older release: it opens, but lacks the tables read
        raise UserError(f"cannot read the published warehouse {published} ({exc}); `kpu-berita build` writes it anew")
    states = status.crawl_states(config.raw_dir(home), home, held)
    for line in status.status_lines(home, published, states, figures):
        print(line)
    if states:
        shown = states[:args.crawls]
        print_table([{"crawl": s.crawl_id, "state": s.state, "satker": s.satker} for s in shown])
        if len(states) > len(shown):
            print(f"({len(states) - len(shown)} older crawl(s) not shown; --crawls N shows more)")
    return 0


def cmd_build(args) -> int:
    from kpu_berita.runner import DOWNSTREAM_OF_CRAWL

    check_registry(args)
    if not config.raw_dir(home_of(args)).exists():
        raise UserError(f"nothing crawled yet in {home_of(args)}: run `kpu-berita crawl` (or `kpu-berita demo`) first")
    if args.satker or args.province:  # accepted since the first release; scripts may pass them
        print("note: build merges every crawl not yet in the warehouse, of every satker; --satker and "
              "--province choose what `kpu-berita crawl` fetches", file=sys.stderr)
    summarise(materialise(resource_of(args, rebuild=args.full, derive_processes=args.processes or 0),
                          DOWNSTREAM_OF_CRAWL, args))
    _note_unfinished_crawls(home_of(args))
    return 0


def _note_unfinished_crawls(home: Path) -> None:
    """A build merges finished crawls only; one stopped midway waits, unnoticed, for the same
    crawl to be asked for again (a build after two killed crawls said "0 articles", no more)."""
    from kpu_berita.warehouse import status

    stopped = [s.crawl_id for s in status.crawl_states(config.raw_dir(home), home) if s.state == status.UNFINISHED]
    if stopped:
        print(f"note: {len(stopped)} crawl(s) stopped before their end and are not in the warehouse "
              f"({', '.join(stopped[:3])}{' ...' if len(stopped) > 3 else ''}): run the same `kpu-berita crawl` "
              "again to resume them, then build", file=sys.stderr)
