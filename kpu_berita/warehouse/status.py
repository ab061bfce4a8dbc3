"""What a home holds, for `kpu-berita status`: the state of every crawl folder and the
published warehouse's figures. It only reads: the raw folder, the stage's merge markers and
the published copy (never the writer's working file, which a build may hold)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from kpu_berita import locks
from kpu_berita.spiders.run import DONE, LOCK, SPEC
from kpu_berita.warehouse.db import connect, has_column
from kpu_berita.warehouse.stage import MERGED, stage_root

MERGED_STATE, WAITING, UNFINISHED = "merged", "waiting for `kpu-berita build`", "unfinished (the same crawl resumes it)"
RUNNING = "running"
# an unfinished crawl whose every satker a later finished crawl covered: the same request
# will not come again (a night's refresh window moved on with the quarter, the registry or
# the shards changed), and there is nothing left to resume
SUPERSEDED = "unfinished, superseded (a later crawl covered its satker: nothing to resume)"


@dataclass(frozen=True)
class CrawlState:
    crawl_id: str
    state: str  # MERGED_STATE | WAITING | UNFINISHED | "running (pid N)"
    satker: int  # how many satker it was asked for


def crawl_states(raw_dir: Path, home: Path, published: frozenset[str] = frozenset()) -> list[CrawlState]:
    """Every crawl folder of the home, newest first. Merged means the writer committed it
    (the marker `build` itself goes by) or the published warehouse holds it (`published`:
    its crawl ids; a full rebuild stopped midway has cleared the markers); a finished crawl
    without either waits for a build; one
    without done.json is running while the process its lock names lives, else it stopped
    before its end, and the same crawl, asked for again, resumes it, unless later finished
    crawls covered all its satker (SUPERSEDED)."""
    states = []
    covered_later: set[str] = set()  # satker of the finished crawls newer than the folder at hand
    for folder in sorted(Path(raw_dir).glob("*"), reverse=True):
        if not (folder / SPEC).exists():
            continue
        sites = json.loads((folder / SPEC).read_text(encoding="utf-8")).get("sites", [])
        satker_ids = {s["satker_id"] for s in sites}
        finished = (folder / DONE).exists()
        if not finished:
            holder = locks.live_holder(folder / LOCK)  # its crawl process still at work
            state = (f"{RUNNING} ({holder})" if holder
                     else SUPERSEDED if satker_ids and satker_ids <= covered_later else UNFINISHED)
        elif folder.name in published or (stage_root(home) / folder.name / MERGED).exists():
            state = MERGED_STATE
        else:
            state = WAITING
        if finished:
            covered_later |= satker_ids
        states.append(CrawlState(folder.name, state, len(sites)))
    return states


@dataclass(frozen=True)
class WarehouseFigures:
    written_at: dt.datetime  # when the published file was last replaced (UTC)
    articles: int  # each once: an article published twice (articles.duplicate_of) counts once
    duplicates: int  # the second copies, left out of the count
    satker: int
    newest_published: dt.date | None
    needs_review: int
    silent_satker: list[tuple[str, int | None]]  # (satker_id, days since its newest article), most silent first


def warehouse_figures(published: Path) -> WarehouseFigures:
    """The published warehouse's figures; the file must exist."""
    con = connect(published, read_only=True)
    try:
        # a file built before migration 015 has no duplicate_of (its next build adds it)
        copy = "duplicate_of" if has_column(con, "article_facts", "duplicate_of") else "NULL"
        articles, duplicates, satker, newest, flagged = con.execute(
            f"SELECT count(*) FILTER (WHERE {copy} IS NULL), count({copy}), count(DISTINCT satker_id), "
            f"max(published_date), count(*) FILTER (WHERE needs_review AND {copy} IS NULL) "
            "FROM article_facts").fetchone()
        silent = con.execute("SELECT satker_id, days_since_last_article FROM mart_satker_activity WHERE silent_30d "
                             "ORDER BY days_since_last_article DESC NULLS FIRST, satker_id").fetchall()
    finally:
        con.close()
    written = dt.datetime.fromtimestamp(published.stat().st_mtime, dt.timezone.utc)
    return WarehouseFigures(written, articles, duplicates, satker, newest, flagged, [(s, d) for s, d in silent])


def published_crawls(published: Path) -> frozenset[str]:
    """The crawl ids the published warehouse holds; the file must exist."""
    con = connect(published, read_only=True)
    try:
        return frozenset(c for (c,) in con.execute("SELECT crawl_id FROM crawls").fetchall())
    finally:
        con.close()


def status_lines(home: Path, published: Path, states: list[CrawlState], figures: WarehouseFigures | None) -> list[str]:
    """The summary `kpu-berita status` prints above its table of crawls."""
    lines = [f"home: {home}"]
    if figures is None:
        lines.append("published warehouse: none yet (`kpu-berita build` writes it once a crawl has finished)")
    else:
        twice = f" ({figures.duplicates} more published twice, counted once)" if figures.duplicates else ""
        lines.append(f"published warehouse: {published} (written {figures.written_at:%Y-%m-%d %H:%M} UTC): "
                     f"{figures.articles} articles of {figures.satker} satker{twice}, newest published "
                     f"{figures.newest_published or '-'}; {figures.needs_review} flagged needs_review")
        if figures.silent_satker:
            named = ", ".join(f"{s} ({d} days)" if d is not None else f"{s} (no article)"
                              for s, d in figures.silent_satker[:10])
            more = len(figures.silent_satker) - 10
            lines.append(f"silent for more than 30 days by their last crawl: {len(figures.silent_satker)} satker: "
                         f"{named}" + (f" and {more} more" if more > 0 else ""))
    counts = {state: sum(s.state == state for s in states) for state in (MERGED_STATE, WAITING, UNFINISHED)}
    running = sum(s.state.startswith(RUNNING) for s in states)
    lines.append(f"crawls: {counts[MERGED_STATE]} merged, {counts[WAITING]} {WAITING}, "
                 f"{counts[UNFINISHED]} {UNFINISHED}" + (f", {running} running" if running else ""))
    return lines
