"""Run a crawl in its own process (Scrapy's reactor can't restart inside one process).

Parent side: `run_crawl()` prepares HOME/raw/<crawl_id>/spec.json, resumes an unfinished
crawl with the same request instead of starting over (the crawl's own items file tells
the spider what it already has), runs
`python -m kpu_berita.spiders.run <crawl_dir>` and returns the crawl's stats.
Child side: `main()` runs BeritaSpider with the spec's settings, packs the items, writes
their columnar copy (raw_store.py) and then done.json.

One crawl folder, one Scrapy process: the parent takes `<crawl_dir>/crawl.lock` and the
child inherits it, so a second run of the same request (which would resume this folder)
fails at once instead of appending to the same items file and crawling every host twice,
and an orphaned child still holds it. The child ends gracefully (resumable) when its
parent dies: a killed CLI or Dagster step leaves no crawl running behind it.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from kpu_berita import locks
from kpu_berita.spiders.raw_store import ITEMS_OPEN, compress_items, reopen_items, seal_columnar
from kpu_berita.spiders.settings import crawl_settings

SPEC = "spec.json"
DONE = "done.json"
LOG = "crawl.log"
LOCK = "crawl.lock"
STOP_GRACE_S = 60  # Scrapy's graceful stop finishes the requests in flight, then closes the items file
STOP_POLL_S = 0.5  # how soon a waiting run_crawl notices its `stop` event


class CrawlStopped(RuntimeError):
    """run_crawl was asked to stop before its Scrapy process started."""


class CrawlBusy(RuntimeError):
    """A crawl of the same request is still running in the folder this one would resume."""


@dataclass
class CrawlResult:
    crawl_id: str
    crawl_dir: Path
    resumed: bool
    returncode: int
    stats: dict

    @property
    def finished(self) -> bool:
        return (self.crawl_dir / DONE).exists()

    def per_satker(self) -> dict[str, dict]:
        """{satker_id: {listing_pages, articles, view_snapshots, errors, stop_reason, ...}}"""
        table: dict[str, dict] = {}
        for name, value in self.stats.items():
            if not name.startswith("kpu/"):
                continue
            _, satker_id, *rest = name.split("/")
            row = table.setdefault(satker_id, {})
            if rest[0] == "errors":
                row.setdefault("errors", {})[rest[1]] = value
            else:
                row[rest[0]] = value
        return table


def _request_of(spec: dict) -> dict:
    return {k: spec.get(k) for k in ("sites", "since", "refresh_from", "profile", "overrides")}


def _unfinished_crawl(raw_dir: Path, spec: dict) -> Path | None:
    """The newest unfinished crawl that asked for the same thing, to resume it. Several
    shards of one night crawl at once, so it need not be the newest crawl of all."""
    for crawl_dir in sorted((p for p in raw_dir.glob("*") if (p / SPEC).exists()), reverse=True):
        if (crawl_dir / DONE).exists():
            continue
        previous = json.loads((crawl_dir / SPEC).read_text(encoding="utf-8"))
        if _request_of(previous) == _request_of(spec):
            return crawl_dir
    return None


PROGRESS_EVERY_S = 3.0


class CrawlProgress:
    """Counts of what the running crawl has stored so far. The crawl appends to its items
    file; each call reads only the lines added since the last (reading the whole file every
    few seconds cost 0.8 s and 415 MB at 173k articles, and a national backfill's file is
    several GB)."""

    KINDS = {"listing_items": b'"kind": "listing"', "articles": b'"kind": "article"', "errors": b'"kind": "error"'}

    def __init__(self, items_file: Path):
        self.items_file, self.offset = items_file, 0
        self.counts = dict.fromkeys(self.KINDS, 0)

    def __call__(self) -> dict:
        try:
            with open(self.items_file, "rb") as f:
                f.seek(self.offset)
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # still being written: read next time
                    self.offset += len(line)
                    for name, marker in self.KINDS.items():
                        if marker in line:
                            self.counts[name] += 1
                            break
        except FileNotFoundError:
            pass
        return dict(self.counts)


def _lock_crawl(crawl_dir: Path):
    """The crawl folder's lock, taken, as an open file; CrawlBusy if a crawl holds it."""
    try:
        return locks.take(crawl_dir / LOCK)
    except locks.Held as exc:
        raise CrawlBusy(f"a crawl of the same request is still running in {crawl_dir} ({exc.holder}); "
                        "let it finish (or stop it) and run again: that run resumes it")


def run_crawl(home: Path, sites: list[dict], *, since: str | None = None, refresh_from: str | None = None,
              known: dict | None = None, profile: str = "polite", overrides: dict | None = None,
              crawl_date: str | None = None, progress: Callable[[dict], None] | None = None,
              stop: threading.Event | None = None) -> CrawlResult:
    """Crawl `sites` ([{satker_id, base_url, category_id?}]) into HOME/raw; resume an interrupted twin.

    `progress`, if given, is called every few seconds with the counts so far. `stop`, once
    set (from another thread: a step crawling its shards side by side was interrupted),
    stops the Scrapy process gracefully; the crawl stays open for the next run."""
    if stop is not None and stop.is_set():
        raise CrawlStopped("asked to stop before the crawl began")
    raw_dir = Path(home) / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    # validate the profile before anything is written
    crawl_settings(profile, [s["base_url"] for s in sites], overrides)
    # a registry's category id goes with its site; none: the spider finds it on the home page
    spec = {"sites": [{"satker_id": s["satker_id"], "base_url": s["base_url"],
                       **({"category_id": s["category_id"]} if s.get("category_id") else {})} for s in sites],
            "since": since, "refresh_from": refresh_from, "profile": profile, "overrides": overrides or {},
            "crawl_date": crawl_date or dt.date.today().isoformat()}
    # two runs starting together: the second sees the first's folder (the lock is in HOME/work,
    # beside the build's: raw/ holds crawl folders only)
    satker_ids = [s["satker_id"] for s in spec["sites"]]
    with ExitStack() as holding:  # the satker stay locked until the crawl ends
        with locks.waited(Path(home) / "work" / "crawl-choosing.lock"):
            try:  # before any folder is made: nothing is left to resume
                holding.enter_context(locks.keys_held(_satker_locks(home), satker_ids))
            except locks.KeysHeld as exc:
                raise _busy(exc.keys, satker_ids) from None
            crawl_dir, resumed, lock = _chosen_crawl(raw_dir, spec, known)
        return _run_locked(crawl_dir, lock, resumed, progress, stop)


def refuse_if_busy(home: Path, satker_ids: list[str]) -> None:
    """CrawlBusy at once if another crawl is fetching any of `satker_ids`. A run of several
    shards asks this for all of them before any starts: each shard's own refusal came only
    after the free shards had crawled to their end (hours, on a national home). run_crawl
    still takes each shard's satker itself; this only answers early."""
    try:
        with locks.keys_held(_satker_locks(home), satker_ids):
            pass
    except locks.KeysHeld as exc:
        raise _busy(exc.keys, satker_ids) from None


def _busy(busy: list[str], asked: list[str]) -> CrawlBusy:
    return CrawlBusy(f"another crawl is fetching {', '.join(busy[:5])}{' ...' if len(busy) > 5 else ''} "
                     f"({len(busy)} of the {len(asked)} satker asked for; `kpu-berita status` names it): two "
                     "crawls of one site would double the requests it gets; run again when it has finished")


def _chosen_crawl(raw_dir: Path, spec: dict, known: dict | None):
    """The unfinished twin of this request to resume, or a new crawl folder; locked."""
    crawl_dir = _unfinished_crawl(raw_dir, spec)
    resumed = crawl_dir is not None
    if crawl_dir is None:
        crawl_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        crawl_dir = raw_dir / crawl_id
        crawl_dir.mkdir()
        spec["crawl_id"] = crawl_id
        (crawl_dir / "known.json").write_text(json.dumps(known or {}), encoding="utf-8")
        tmp = crawl_dir / (SPEC + ".tmp")
        tmp.write_text(json.dumps(spec, indent=1), encoding="utf-8")
        os.replace(tmp, crawl_dir / SPEC)
    return crawl_dir, resumed, _lock_crawl(crawl_dir)


def _satker_locks(home: Path) -> Path:
    """One lock per satker being crawled, whichever run, shard or process crawls it: per-host
    politeness holds only if no two crawls fetch one site at once."""
    return Path(home) / "work" / "crawling.locks"


def _run_locked(crawl_dir: Path, lock, resumed: bool, progress, stop) -> CrawlResult:
    with lock, open(crawl_dir / LOG, "a", encoding="utf-8") as log:
        # the child inherits the lock's open file: held while either runs
        proc = subprocess.Popen([sys.executable, "-m", "kpu_berita.spiders.run", str(crawl_dir), str(os.getpid())],
                                stdout=log, stderr=subprocess.STDOUT, pass_fds=(lock.fileno(),))
        try:
            _wait_for(proc, crawl_dir, progress, stop)
        except BaseException:
            # Ctrl-C or SIGTERM (a Dagster run terminated): stop Scrapy gracefully before the
            # lock goes, so that the same command run again at once resumes the crawl
            _stop_gracefully(proc)
            raise
    stats = json.loads((crawl_dir / DONE).read_text(encoding="utf-8"))["stats"] if (crawl_dir / DONE).exists() else {}
    return CrawlResult(crawl_dir.name, crawl_dir, resumed, proc.returncode, stats)


def _wait_for(proc: subprocess.Popen, crawl_dir: Path, progress: Callable[[dict], None] | None,
              stop: threading.Event | None) -> None:
    """Wait for the Scrapy process to end, reporting progress every PROGRESS_EVERY_S, and
    stop it gracefully once `stop` is set."""
    next_progress = time.monotonic() + PROGRESS_EVERY_S
    stored_so_far = CrawlProgress(crawl_dir / ITEMS_OPEN)
    while proc.poll() is None:
        if stop is not None and stop.is_set():
            _stop_gracefully(proc)
            return
        try:
            proc.wait(timeout=STOP_POLL_S)
        except subprocess.TimeoutExpired:
            pass
        if progress is not None and proc.returncode is None and time.monotonic() >= next_progress:
            progress(stored_so_far())
            next_progress = time.monotonic() + PROGRESS_EVERY_S


def _stop_gracefully(proc: subprocess.Popen) -> None:
    """SIGTERM: Scrapy finishes the requests in flight and closes the items file; killed
    after STOP_GRACE_S (a torn last line is skipped when the crawl resumes)."""
    proc.terminate()
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _stop_with_parent(parent: int | None) -> None:
    """SIGTERM when the parent dies (Linux): Scrapy then stops gracefully, the crawl stays
    open and the next run resumes it. Without it, a killed CLI or Dagster step left its
    crawl running as an orphan."""
    if parent is None:
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the crawl runs to its end
        return
    if os.getppid() != parent:  # the parent died before the signal was set
        os.kill(os.getpid(), signal.SIGTERM)


def main(crawl_dir: str, parent: int | None = None) -> int:
    from scrapy.crawler import CrawlerProcess

    from kpu_berita.spiders.berita import BeritaSpider

    _stop_with_parent(parent)
    crawl_dir_path = Path(crawl_dir)
    spec = json.loads((crawl_dir_path / SPEC).read_text(encoding="utf-8"))
    spec["known"] = str(crawl_dir_path / "known.json")
    settings = crawl_settings(spec["profile"], [s["base_url"] for s in spec["sites"]], spec.get("overrides"))
    reopen_items(crawl_dir_path)
    spec["resume_items"] = str(crawl_dir_path / ITEMS_OPEN)
    settings["KPU_CRAWL_DIR"] = str(crawl_dir_path)
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(BeritaSpider)
    process.crawl(crawler, spec=spec)
    process.start()
    stats = {k: (v.isoformat() if isinstance(v, (dt.datetime, dt.date)) else v)
             for k, v in crawler.stats.get_stats().items()}
    if stats.get("finish_reason") != "finished":
        return 1  # killed or shut down: leave the crawl open so the next run resumes it
    compress_items(crawl_dir_path)
    try:
        seal_columnar(crawl_dir_path)
    except (duckdb.Error, OSError) as exc:
        # the crawl is complete without its columns: staging writes them from the JSON lines
        logging.getLogger(__name__).warning("columnar copy of %s not written: %s", crawl_dir_path, exc)
    tmp = crawl_dir_path / (DONE + ".tmp")
    tmp.write_text(json.dumps({"stats": stats}, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, crawl_dir_path / DONE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None))
