"""National-scale benchmark: the crawler against a simulated network of all 552 satker sites.

What it measures (flat figures, see `run`):
  * nightly: an incremental crawl of all 552 sites, each with 0-10 new articles, at
    production politeness (the `polite` profile), against the politeness bound;
  * the same nightly job done by a naive peer (sequential requests + BeautifulSoup at the
    same per-host spacing), on a sample, extrapolated; the wall-time ratio;
  * backfill: a full crawl of a few sites, requests per article against its bound.

The network (national_server.py) runs in its own process so its CPU is not the crawler's;
the crawl runs in its own process too (run_crawl), measured from a spawned wrapper so that
CPU and peak RSS are the crawl's alone.

    .venv/bin/python -m benchmarks.national [--full]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import gzip
import json
import math
import multiprocessing
import os
import random
import resource
import tempfile
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from benchmarks.national_server import (DATELINES, FIRST_ARTICLE_ID, NationalNetwork, NationalSite,
                                              article_date, article_path)
from kpu_berita.pipelines.urls import article_key, is_article_url
from kpu_berita.registry import load_registry, shards
from kpu_berita.spiders.plan import refresh_window_start
from kpu_berita.spiders.run import run_crawl
from kpu_berita.spiders.settings import POLITE
from kpu_berita.warehouse.worker_pool import default_processes

CRAWL_DATE = dt.date(2026, 2, 16)  # mid-quarter: the refresh window then reaches back 4.5 months
SEED = 552
PAGE_SIZE = 6  # items per listing page, as on the real sites
MIN_SPACING_S = POLITE["DOWNLOAD_DELAY"]  # production's per-host spacing


@dataclass(frozen=True)
class NetworkShape:
    """How the simulated network is drawn. Defaults follow the real spread: tens to ~3,000
    articles per site (the deepest archives pass 540 listing pages), median a few hundred."""

    median_archive: int = 300
    archive_sigma: float = 1.0  # log-normal spread; ~1% of sites reach the clip
    min_archive: int = 20
    max_archive: int = 3250  # 542 listing pages of 6
    max_new: int = 10
    latency_s: tuple[float, float] = (0.05, 0.30)
    slow_share: float = 0.01
    slow_latency_s: tuple[float, float] = (2.0, 4.0)
    dead_share: float = 0.01  # half refuse connections, half answer 503 to everything
    archive_starts: tuple[dt.date, dt.date] = (dt.date(2016, 1, 1), dt.date(2021, 12, 31))
    templates: tuple[tuple[str, int], ...] = (("blog", 70), ("blog_slug", 15), ("table", 15))
    other_category_share: float = 0.1  # sites whose Berita Terkini is category 29, not 104


# -- the network: pure generation ------------------------------------------------------------

def draw_sites(rows: list[dict], shape: NetworkShape = NetworkShape(), *, seed: int = SEED,
               crawl_date: dt.date = CRAWL_DATE) -> list[NationalSite]:
    """One NationalSite per registry row, drawn deterministically from `seed`."""
    rng = random.Random(seed)
    n = len(rows)
    n_slow, n_dead = round(n * shape.slow_share), round(n * shape.dead_share)
    odd = rng.sample(range(n), n_slow + n_dead)
    behaviour = {i: "slow" for i in odd[:n_slow]}
    behaviour.update({i: ("dead_refused" if j % 2 == 0 else "dead_503") for j, i in enumerate(odd[n_slow:])})
    names, weights = zip(*shape.templates)
    start_span = (shape.archive_starts[1] - shape.archive_starts[0]).days
    sites = []
    for index, row in enumerate(rows):
        size = round(rng.lognormvariate(math.log(shape.median_archive), shape.archive_sigma))
        kind = behaviour.get(index, "ok")
        latency = rng.uniform(*(shape.slow_latency_s if kind == "slow" else shape.latency_s))
        sites.append(NationalSite(
            index=index, satker_id=row["satker_id"], name=row["name"],
            template=rng.choices(names, weights)[0],
            category_id=29 if rng.random() < shape.other_category_share else 104,
            archive_size=min(shape.max_archive, max(shape.min_archive, size)),
            n_new=rng.randint(0, shape.max_new),
            first_day=shape.archive_starts[0] + dt.timedelta(days=rng.randint(0, start_span)),
            last_archive_day=crawl_date - dt.timedelta(days=3 + rng.randint(0, 4)),
            crawl_date=crawl_date, latency_s=round(latency, 3), behaviour=kind,
            dateline=rng.choice(DATELINES)))
    return sites


def article_key_of(site: NationalSite, k: int) -> str:
    """The warehouse key of article k, as the spider computes it from the article's URL.

    Most URLs carry the CMS id, which is the whole key: those skip building the title
    (the national archive has ~250k articles; titles cost ~20 us each)."""
    if site.template == "blog_slug" and article_date(site, k).year >= 2023:
        path = article_path(site, k)  # slug-only URL: the slug is the key
    else:
        path = f"/blog/read/{FIRST_ARTICLE_ID + k}_x"
    return article_key(site.satker_id, f"http://{site.address}{path}")


def nightly_known(sites: list[NationalSite]) -> dict[str, str]:
    """What the warehouse holds before the nightly run: every article but the new ones."""
    return {article_key_of(s, k): article_date(s, k).isoformat() for s in sites for k in range(s.archive_size)}


def new_article_keys(sites: list[NationalSite]) -> set[str]:
    return {article_key_of(s, k) for s in sites for k in range(s.archive_size, s.total)}


def listing_pages_needed(site: NationalSite, refresh_from: dt.date) -> int:
    """Listing pages an incremental walk must read: up to the first page whose items are all
    known and older than the refresh window, or the empty page past the end (the spider's
    stop rule, BeritaSpider.stop_reason)."""
    page = 1
    while True:
        newest_position = (page - 1) * PAGE_SIZE
        if newest_position >= site.total:
            return page
        newest_k = site.total - 1 - newest_position
        if newest_k < site.archive_size and article_date(site, newest_k) < refresh_from:
            return page
        page += 1


def reachable(site: NationalSite) -> bool:
    return site.behaviour in ("ok", "slow")


# -- figures from the server's request log (pure) ---------------------------------------------

def requests_per_host(log: list[tuple]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for index, *_ in log:
        counts[index] = counts.get(index, 0) + 1
    return counts


def politeness_bound(log: list[tuple], sites: list[NationalSite], spacing_s: float = MIN_SPACING_S, *,
                     autothrottle: bool = True) -> tuple[float, int]:
    """(seconds, site index): the least time any crawler at this politeness needs for the
    requests it made, i.e. the slowest host's requests at its minimum spacing.

    Per host h with n_h requests: (n_h - 1) x spacing_h + latency_h, the first request at
    0, each next one spacing_h later, the last one done after its response's latency.
    spacing_h = max(DOWNLOAD_DELAY, latency_h): production runs AutoThrottle with target
    concurrency 1, which never sends to a host faster than the host answers, so a 3 s host
    is polite at one request per 3 s, not per 1 s (autothrottle=False: spacing_h = spacing_s).
    The bound is the max over hosts (hosts are independent: a crawler can work on all of
    them at once)."""
    by_index = {s.index: s for s in sites}
    best = (0.0, -1)
    for index, n in requests_per_host(log).items():
        latency = by_index[index].latency_s
        bound = (n - 1) * (max(spacing_s, latency) if autothrottle else spacing_s) + latency
        best = max(best, (bound, index))
    return best


def host_gaps(log: list[tuple]) -> list[tuple[float, str, str]]:
    """(gap s, earlier target, later target) between consecutive arrivals at each host."""
    by_host: dict[int, list[tuple]] = {}
    for entry in log:
        by_host.setdefault(entry[0], []).append(entry)
    gaps = []
    for entries in by_host.values():
        entries.sort(key=lambda e: e[2])
        gaps += [(b[2] - a[2], a[1], b[1]) for a, b in zip(entries, entries[1:])]
    return gaps


def min_host_spacing(log: list[tuple]) -> float | None:
    """The smallest gap between two consecutive request arrivals at the same host."""
    gaps = host_gaps(log)
    return min(gaps)[0] if gaps else None


def is_listing_target(target: str) -> bool:
    return "/blog/category/" in target


def is_article_target(target: str) -> bool:
    return is_article_url("http://h" + target)


# -- measured crawl: run_crawl in a spawned wrapper, so CPU and RSS are the crawl's alone ---------

def _count_open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _measured_crawl(home: str, sites: list[dict], crawl_kwargs: dict) -> dict:
    """Runs in a fresh process whose only child is the crawl: RUSAGE_CHILDREN is the crawl's."""
    peak_fds, done = [0], threading.Event()

    def sample_fds():  # the crawler's open sockets: up to 2 persistent connections per host
        while not done.wait(0.5):
            for child in _children(os.getpid()):
                peak_fds[0] = max(peak_fds[0], _count_open_fds(child))

    sampler = threading.Thread(target=sample_fds, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = started_at = time.monotonic()  # the clock of the server's request log
    result = run_crawl(Path(home), sites, **crawl_kwargs)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    return {"wall_s": wall, "started_at": started_at, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_rss_mb": after.ru_maxrss / 1024, "peak_open_fds": peak_fds[0], "returncode": result.returncode,
            "finished": result.finished, "crawl_dir": str(result.crawl_dir), "stats": result.stats}


def measured_crawl(home: Path, sites: list[dict], **crawl_kwargs) -> dict:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_measured_crawl, str(home), sites, crawl_kwargs).result()


def fetched_articles(crawl_dir: Path) -> list[dict]:
    """The crawl's article items (satker_id, article_key, url)."""
    rows = []
    for name in ("items.jsonl.gz", "items.jsonl"):
        path = Path(crawl_dir) / name
        if not path.exists():
            continue
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                if item.get("kind") == "article":
                    rows.append({k: item[k] for k in ("satker_id", "article_key", "url")})
    return rows


# -- the naive peer: COMPARISON BASELINE, not product code ------------------------------------
# What a straightforward script would do: one site after another, one request at a time,
# requests + BeautifulSoup, sleeping so that requests to one host are >= spacing apart
# (the same per-host politeness as production). Same job as the nightly spider: robots.txt,
# home page (category id), listing pages until a known article older than the refresh
# window, each new article's page.

@dataclass
class NaiveRun:
    new_keys: set = field(default_factory=set)
    requests: int = 0
    wall_s: float = 0.0
    failed_sites: list = field(default_factory=list)


def naive_nightly(targets: list[tuple[str, str]], known: dict[str, str], refresh_from: dt.date, *,
                  spacing_s: float = MIN_SPACING_S, timeout_s: float = 30.0) -> NaiveRun:
    """Crawl `targets` ([(satker_id, base_url)]) sequentially; the new articles it found."""
    import requests
    from bs4 import BeautifulSoup

    run = NaiveRun()
    last_request_at: dict[str, float] = {}
    session = requests.Session()
    session.headers["User-Agent"] = "naive-peer/0.1 (benchmark baseline)"

    def polite_get(url: str):
        host = urlsplit(url).netloc
        wait = last_request_at.get(host, -math.inf) + spacing_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        last_request_at[host] = time.monotonic()
        run.requests += 1
        response = session.get(url, timeout=timeout_s)
        response.raise_for_status()
        return response

    def article_links(html: str, page_url: str) -> list[str]:
        links = []
        for a in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            url = urljoin(page_url, a["href"])
            if urlsplit(url).netloc == urlsplit(page_url).netloc and is_article_url(url) and url not in links:
                links.append(url)
        return links

    started = time.monotonic()
    for satker_id, base_url in targets:
        try:
            robots = urllib.robotparser.RobotFileParser()
            robots.parse(polite_get(base_url + "/robots.txt").text.splitlines())
            category = 104
            for a in BeautifulSoup(polite_get(base_url + "/").text, "html.parser").find_all("a", href=True):
                if a.get_text(strip=True).lower() == "berita terkini" and "/blog/category/" in a["href"]:
                    category = int(a["href"].rstrip("/").rsplit("/", 1)[-1])
                    break
            seen: set[str] = set()
            page = 1
            while True:
                url = (f"{base_url}/blog/category/{category}" if page == 1
                       else f"{base_url}/index.php/blog/category/{category}?page={page}")
                if not robots.can_fetch("*", url):
                    break
                unseen = [u for u in article_links(polite_get(url).text, url)
                          if article_key(satker_id, u) not in seen]
                if not unseen:
                    break  # past the end: only the sidebar's links are left
                reached_old = False
                for link in unseen:
                    key = article_key(satker_id, link)
                    seen.add(key)
                    if key in known:
                        reached_old |= known[key] < refresh_from.isoformat()
                    elif robots.can_fetch("*", link):
                        page_soup = BeautifulSoup(polite_get(link).text, "html.parser")
                        if page_soup.find("h1"):
                            run.new_keys.add(key)
                if reached_old:
                    break
                page += 1
        except requests.RequestException:
            run.failed_sites.append(satker_id)
    run.wall_s = time.monotonic() - started
    return run


# -- the benchmark ---------------------------------------------------------------------------

def crawl_targets(network: NationalNetwork, sites: list[NationalSite]) -> list[dict]:
    return [{"satker_id": s.satker_id, "base_url": network.base_url(s)} for s in sites]


def nightly_figures(sites: list[NationalSite], measured: dict, log: list[tuple], new_keys: set[str],
                    refresh_from: dt.date) -> dict:
    fetched_keys = {row["article_key"] for row in fetched_articles(Path(measured["crawl_dir"]))}
    by_index = {s.index: s for s in sites}
    live_log = [e for e in log if reachable(by_index[e[0]])]
    bound, bound_index = politeness_bound(log, sites)
    bound_1s, _ = politeness_bound(log, sites, autothrottle=False)
    # when the last reachable host answered its last request, from the crawl's start; what
    # comes after is the retries of dead hosts
    live_done = max(e[2] + by_index[e[0]].latency_s for e in live_log) - measured["started_at"]
    gaps = host_gaps(log)
    smallest = min(gaps)
    found = len(fetched_keys & new_keys)
    wall = measured["wall_s"]
    return {
        "nightly_sites": len(sites),
        "nightly_wall_s": round(wall, 1),
        "nightly_bound_s": round(bound, 1),
        "nightly_bound_site": by_index[bound_index].satker_id,
        "nightly_bound_ratio": round(wall / bound, 2),
        # the same with a flat 1 s spacing, as if slow hosts could be asked once a second
        "nightly_bound_1s_s": round(bound_1s, 1),
        "nightly_bound_1s_ratio": round(wall / bound_1s, 2),
        "nightly_live_done_s": round(live_done, 1),
        "nightly_live_bound_ratio": round(live_done / bound, 2),
        "nightly_dead_tail_s": round(wall - live_done, 1),
        "nightly_requests": len(log),
        "nightly_listing_requests": sum(1 for e in live_log if is_listing_target(e[1])),
        "nightly_listing_pages_needed": sum(listing_pages_needed(s, refresh_from) for s in sites if reachable(s)),
        "nightly_new_articles": len(new_keys),
        "nightly_new_found": found,
        "nightly_known_refetched": len(fetched_keys - new_keys),
        "requests_per_new_article": round(len(log) / max(1, found), 2),
        "nightly_cpu_s": round(measured["cpu_s"], 1),
        "nightly_cpu_ms_per_request": round(1000 * measured["cpu_s"] / len(log), 1),
        "nightly_peak_rss_mb": round(measured["peak_rss_mb"], 1),
        "nightly_peak_open_fds": measured["peak_open_fds"],
        "nightly_min_host_spacing_s": round(smallest[0], 3),
        "nightly_min_host_spacing_pair": f"{smallest[1]} -> {smallest[2]}",
        "nightly_host_gaps_under_1s": sum(1 for g in gaps if g[0] < 0.99),  # 10 ms: timer jitter
        "nightly_finished": measured["finished"],
    }


def two_process_nightly(home: Path, network, sites: list[NationalSite], **crawl_kwargs) -> dict:
    """The nightly split as `crawl_processes: 2` splits it (registry.shards), each shard a
    measured crawl in its own process, both at once; wall time from the first start to the
    last end."""
    by_id = {r["satker_id"]: r for r in load_registry()}
    wanted = {s.satker_id: s for s in sites}
    parts = shards([by_id[s] for s in wanted], 2)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(parts)) as pool:
        runs = list(pool.map(lambda n_part: measured_crawl(home / f"shard{n_part[0]}", crawl_targets(
            network, [wanted[r["satker_id"]] for r in n_part[1]]), **crawl_kwargs), enumerate(parts)))
    return {"wall_s": time.monotonic() - started, "cpu_s": sum(r["cpu_s"] for r in runs),
            "finished": all(r["finished"] for r in runs), "shards": [len(p) for p in parts]}


def two_process_figures(sites: list[NationalSite], two: dict, log: list[tuple], one: dict) -> dict:
    bound, _ = politeness_bound(log, sites)
    gaps = host_gaps(log)
    return {"nightly_2proc_wall_s": round(two["wall_s"], 1),
            "nightly_2proc_shards": "+".join(map(str, two["shards"])),
            "nightly_2proc_bound_ratio": round(two["wall_s"] / bound, 2),
            "nightly_2proc_vs_1proc": round(two["wall_s"] / one["nightly_wall_s"], 2),
            "nightly_2proc_cpu_s": round(two["cpu_s"], 1),
            "nightly_2proc_min_host_spacing_s": round(min(gaps)[0], 3) if gaps else None,
            "nightly_2proc_host_gaps_under_1s": sum(1 for g in gaps if g[0] < 0.99),
            "nightly_2proc_finished": two["finished"],
            "min_host_gap_s": round(min([one["nightly_min_host_spacing_s"]] + ([min(gaps)[0]] if gaps else [])), 3)}


def default_nightly_figures(figures: dict) -> dict:
    """The nightly as an operator gets it: crawl_processes' default on this machine (one per
    CPU, at most 2) picks the one-process or the two-process run above."""
    processes = default_processes()
    prefix = "nightly_2proc" if processes == 2 else "nightly"
    return {"nightly_default_processes": processes,
            "nightly_default_wall_s": figures[f"{prefix}_wall_s"],
            "nightly_default_bound_ratio": figures[f"{prefix}_bound_ratio"]}


def pick_backfill_sample(sites: list[NationalSite], quick: bool, rng: random.Random) -> list[NationalSite]:
    live = [s for s in sites if s.behaviour == "ok"]
    if quick:  # ~1 minute at 1 s per request: sites of 40-80 articles
        return rng.sample([s for s in live if 40 <= s.total <= 80], 3)
    # the deepest archive plus four across the spread
    by_size = sorted(live, key=lambda s: s.total)
    return [by_size[-1]] + [by_size[int(q * (len(by_size) - 1))] for q in (0.1, 0.5, 0.8, 0.95)]


def network_figures(sites: list[NationalSite]) -> dict:
    sizes = sorted(s.archive_size for s in sites)
    return {"nightly_crawl_date": CRAWL_DATE.isoformat(),
            "nightly_refresh_from": refresh_window_start(CRAWL_DATE).isoformat(),
            "archive_articles": sum(sizes), "archive_median": sizes[len(sizes) // 2], "archive_max": sizes[-1],
            "sites_slow": sum(s.behaviour == "slow" for s in sites),
            "sites_dead": sum(s.behaviour.startswith("dead") for s in sites)}


def naive_figures(naive: NaiveRun, sample: list[NationalSite], nightly_log: list[tuple], nightly: dict) -> dict:
    sample_indexes = {s.index for s in sample}
    project_on_sample = sum(1 for e in nightly_log if e[0] in sample_indexes)
    # sequential work is linear in requests: scale by the sample's share of the project's requests
    naive_wall = naive.wall_s * len(nightly_log) / max(1, project_on_sample)
    truth = {article_key_of(s, k) for s in sample if reachable(s) for k in range(s.archive_size, s.total)}
    return {
        "naive_sample_sites": len(sample),
        "naive_sample_wall_s": round(naive.wall_s, 1),
        "naive_sample_requests": naive.requests,
        "naive_sample_project_requests": project_on_sample,
        "naive_sample_new_articles": len(truth),
        "naive_sample_new_found": len(naive.new_keys & truth),
        "naive_wall_s": round(naive_wall, 1),
        "naive_vs_project_wall_ratio": round(naive_wall / nightly["nightly_wall_s"], 1),
        "naive_vs_project_live_ratio": round(naive_wall / nightly["nightly_live_done_s"], 1),
    }


def backfill_figures(sample: list[NationalSite], measured: dict, log: list[tuple]) -> dict:
    found = {row["article_key"] for row in fetched_articles(Path(measured["crawl_dir"]))}
    indexes = {s.index for s in sample}
    log = [e for e in log if e[0] in indexes]
    bound, _ = politeness_bound(log, sample)
    return {
        "backfill_sites": len(sample),
        "backfill_site_sizes": ",".join(str(s.total) for s in sample),
        "backfill_articles": len(found),
        "backfill_articles_expected": sum(s.total for s in sample),
        "backfill_requests": len(log),
        "backfill_requests_per_article": round(len(log) / max(1, len(found)), 3),
        "backfill_wall_s": round(measured["wall_s"], 1),
        "backfill_bound_s": round(bound, 1),
        "backfill_bound_ratio": round(measured["wall_s"] / bound, 2) if bound else None,
    }


def note(quick: bool, figures: dict) -> str:
    return (
        f"{'quick' if quick else 'full'} mode. Nightly: all {figures['nightly_sites']} simulated sites (127.1.x.y, "
        f"asyncio server in its own process), production 'polite' profile, crawl date {CRAWL_DATE}, refresh from "
        f"{figures['nightly_refresh_from']}. Bound = max over hosts of (requests - 1) x max(1 s, host latency) + "
        f"latency (AutoThrottle never asks a host faster than it answers); nightly_live_done_s = crawl start to the "
        f"last answer of a reachable host, nightly_dead_tail_s = what dead hosts' retries and backoff add after it. "
        f"Naive peer (sequential requests + BeautifulSoup, >= 1 s per host; a benchmark-only baseline) ran on "
        f"{figures['naive_sample_sites']} random sites; its wall time is extrapolated linearly by their share of the "
        f"project's nightly requests ({figures['naive_sample_project_requests']}/{figures['nightly_requests']}). "
        f"Backfill of {figures['backfill_sites']} sites ({figures['backfill_site_sizes']} articles) ran alongside the "
        f"naive peer on other sites (both wait on per-host sleeps, not CPU)"
        + ("; quick mode backfills small sites only (a ~3,000-article site takes ~1 h at 1 s per request)."
           if quick else "."))


def run(quick: bool = True) -> dict:
    sites = draw_sites(load_registry())
    refresh_from = refresh_window_start(CRAWL_DATE)
    known = nightly_known(sites)
    new_keys = new_article_keys([s for s in sites if reachable(s)])  # dead sites' news can't be found
    rng = random.Random(SEED)
    backfill_sample = pick_backfill_sample(sites, quick, rng)
    naive_sample = rng.sample([s for s in sites if s not in backfill_sample], 8 if quick else 40)
    figures = network_figures(sites)
    with tempfile.TemporaryDirectory(prefix="kpu-national-") as tmp, NationalNetwork(sites) as network:
        tmp = Path(tmp)
        # 1. the nightly run over all 552 sites at production politeness, nothing else running
        nightly = measured_crawl(tmp / "nightly", crawl_targets(network, sites), refresh_from=refresh_from.isoformat(),
                                 known=known, profile="polite", crawl_date=CRAWL_DATE.isoformat())
        nightly_log = network.take_log(tmp / "nightly.log")
        figures.update(nightly_figures(sites, nightly, nightly_log, new_keys, refresh_from))

        # 1b. the same nightly in two processes: shards of whole provinces, side by side
        two = two_process_nightly(tmp / "nightly2", network, sites, refresh_from=refresh_from.isoformat(),
                                  known=known, profile="polite", crawl_date=CRAWL_DATE.isoformat())
        figures.update(two_process_figures(sites, two, network.take_log(tmp / "nightly2.log"), figures))
        figures.update(default_nightly_figures(figures))

        # 2. the backfill sample (a crawl subprocess) and the naive peer (a thread here), at the
        # same time on disjoint sites: both are bound by their per-host sleeps, not by CPU
        naive_targets = [(s.satker_id, network.base_url(s)) for s in naive_sample]
        naive_box: dict = {}
        naive_thread = threading.Thread(
            target=lambda: naive_box.setdefault("run", naive_nightly(naive_targets, known, refresh_from)))
        naive_thread.start()
        backfill = measured_crawl(tmp / "backfill", crawl_targets(network, backfill_sample),
                                  profile="polite", crawl_date=CRAWL_DATE.isoformat())
        naive_thread.join()
        later_log = network.take_log(tmp / "later.log")
        figures.update(naive_figures(naive_box["run"], naive_sample, nightly_log, figures))
        figures.update(backfill_figures(backfill_sample, backfill, later_log))
    figures["national_note"] = note(quick, figures)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="bigger backfill (incl. a ~3,000-article site) and naive sample: hours")
    args = parser.parse_args(argv)
    print(json.dumps(run(quick=not args.full), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
