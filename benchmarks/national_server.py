"""The simulated national network: 552 satker sites served from one child process.

Each site lives on its own loopback address (127.1.x.y; the demo network keeps
127.0.0.10-16), because Scrapy keys per-host politeness on the host name. All sites share
one port. One asyncio event loop serves every address: a thread per server (as the demo
network does) would mean 552 threads competing with the crawler being measured.

Articles are never stored: a site is a handful of numbers (archive size, date span,
template, seed) and any article is derived from (site, article number) when a page needs
it, so the whole network costs a few hundred kilobytes however deep its archives run.

The server logs every request (site, path, arrival time, status) and hands the log back
through a file on request, so the benchmark can count requests per host and check spacing.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import multiprocessing
import random
import re
import resource
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kpu_berita.demo_network import templates
from kpu_berita.demo_network.content import CATEGORY_WEIGHTS, DemoArticle, DemoSite, SiteProfile, _body, _title, slugify
from kpu_berita import site_knowledge as sk

ROBOTS = b"User-agent: *\nDisallow: /admin/\n"
# every article path carries the article id: as "<id>_slug", "/<id>/slug" or a "-<id>" slug tail
ARTICLE_ID = re.compile(r"^/(?:blog/read/(\d+)_[^/]+|berita/baca/(\d+)/[^/]*|blog/read/[^/]*-(\d+))$")
NOT_FOUND = b"<html><body><h1>404</h1><p>Halaman tidak ditemukan</p></body></html>"
UNAVAILABLE = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
FIRST_ARTICLE_ID = 1000
DATELINES = ("paren_short", "place_long", "weekday_full", "place_numeric", "sentence")
REASONS = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}


@dataclass(frozen=True)
class NationalSite:
    """One satker site: everything needed to derive any of its pages."""

    index: int  # position in the network; fixes the address
    satker_id: str
    name: str  # "KPU Kabupaten Serang"
    template: str  # blog | blog_slug | table (demo_network.templates)
    category_id: int  # Berita Terkini's category id (the spider discovers it from the menu)
    archive_size: int  # articles the warehouse already has
    n_new: int  # articles published since the last nightly run
    first_day: dt.date  # the oldest article's date
    last_archive_day: dt.date  # the newest already-known article's date
    crawl_date: dt.date  # new articles are dated in the days just before it
    latency_s: float  # injected before every response
    behaviour: str  # ok | slow | dead_refused (nothing listens) | dead_503 (503 on everything)
    dateline: str  # how bodies open: one of DATELINES (demo_network.content._dateline)

    @property
    def address(self) -> str:
        return site_address(self.index)

    @property
    def total(self) -> int:
        return self.archive_size + self.n_new

    @cached_property
    def profile(self) -> SiteProfile:
        short = re.sub(r"^(KPU|KIP)\s+", "", self.name)
        return SiteProfile(self.satker_id, short, short.split()[-1], self.template, self.category_id, (1, 1),
                           self.dateline, f"Humas {self.name}", FIRST_ARTICLE_ID)


def site_address(index: int) -> str:
    """127.1.1.1, 127.1.1.2, ... 250 hosts per third octet; never 127.0.x.x (demo, tests)."""
    return f"127.1.{1 + index // 250}.{1 + index % 250}"


# -- articles, derived on demand -----------------------------------------------------------
# Article number k counts from the oldest (0) to the newest (total - 1); listings show the
# newest first, so listing position p (0-based) is article total - 1 - p.

def article_date(site: NationalSite, k: int) -> dt.date:
    """Archive articles spread evenly from first_day to last_archive_day; new ones fall in
    the two days before the crawl date, after every archive article."""
    if k >= site.archive_size:
        j = k - site.archive_size
        return site.crawl_date - dt.timedelta(days=2 - (2 * j) // site.n_new)
    span = (site.last_archive_day - site.first_day).days
    return site.first_day + dt.timedelta(days=(k * span) // max(1, site.archive_size - 1))


def article_title(site: NationalSite, k: int) -> tuple[str, str]:
    """(category, title), cheap: no body."""
    rng = random.Random(f"{site.satker_id}:{k}")
    category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
    return category, _title(category, rng, site.profile, article_date(site, k))


def article_path(site: NationalSite, k: int, title: str | None = None) -> str:
    article_id = FIRST_ARTICLE_ID + k
    if title is None:
        title = article_title(site, k)[1]
    slug = slugify(title)[:70].strip("-")
    if site.template != "blog_slug":
        return f"/blog/read/{article_id}_{slug}"
    # as on the demo's blog_slug site: legacy /berita/baca/ URLs before the 2023 CMS migration
    if article_date(site, k).year < 2023:
        return f"/berita/baca/{article_id}/{slug}"
    return f"/blog/read/{slug}-{article_id}"


def article(site: NationalSite, k: int) -> DemoArticle:
    """The full article k, body included (only built when a page shows it)."""
    category, title = article_title(site, k)
    day = article_date(site, k)
    rng = random.Random(f"{site.satker_id}:{k}:body")
    body = _body(site.profile, category, title, day, rng, None)
    age_days = (site.crawl_date - day).days
    views = 5 + (k * 37 + site.index) % 200 + min(age_days, 900) // 6
    return DemoArticle(FIRST_ARTICLE_ID + k, slugify(title), title, day, "ADMIN", body, views,
                       article_path(site, k, title))


class LazyArticles:
    """The site's articles newest first, as the sequence demo templates slice; built per access."""

    def __init__(self, site: NationalSite):
        self.site = site

    def __len__(self) -> int:
        return self.site.total

    def __getitem__(self, position):
        if isinstance(position, slice):
            return tuple(self[p] for p in range(*position.indices(len(self))))
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return article(self.site, self.site.total - 1 - position)


def article_number(site: NationalSite, path: str) -> int | None:
    """k of the article at `path` on this site, or None when no article lives there."""
    m = ARTICLE_ID.match(path.replace("/index.php/", "/", 1).rstrip("/"))
    if not m:
        return None
    k = int(next(g for g in m.groups() if g)) - FIRST_ARTICLE_ID
    if not 0 <= k < site.total or article_path(site, k) != path.replace("/index.php/", "/", 1).rstrip("/"):
        return None
    return k


def respond(site: NationalSite, target: str) -> tuple[int, bytes]:
    """(status, body) of a GET of `target` on `site` (pure)."""
    if site.behaviour == "dead_503":
        return 503, UNAVAILABLE
    parts = urlsplit(target)
    path = unquote(parts.path)
    if path == "/robots.txt":
        return 200, ROBOTS
    page_site = DemoSite(site.satker_id, site.template, site.category_id, LazyArticles(site))
    if path in ("/", "/index.php"):
        return 200, templates.home_page(page_site, site.name).encode()
    m = sk.LISTING_PATH.match(path)
    if m:
        if int(m.group(1)) != site.category_id:
            page_site = DemoSite(site.satker_id, site.template, int(m.group(1)), ())
        page = re.search(r"(?:^|&)page=(\d+)", parts.query)
        return 200, templates.listing_page(page_site, site.name, int(page.group(1)) if page else 1,
                                           lambda a: a.base_views).encode()
    k = article_number(site, path)
    if k is None:
        return 404, NOT_FOUND
    a = article(site, k)
    return 200, templates.article_page(page_site, site.name, a, a.base_views).encode()


# -- the asyncio server (runs in the child process) ---------------------------------------

async def _handle(site: NationalSite, log: list, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    """Minimal HTTP/1.1 GET with keep-alive: enough for Scrapy and requests."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            # the monotonic clock, system-wide on Linux: comparable with the measuring
            # process's, and a wall-clock step (NTP) during a run bends no gap
            arrived = time.monotonic()
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, version = (request_line.split(" ", 2) + ["", ""])[:3]
            headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            await asyncio.sleep(site.latency_s)
            status, body = respond(site, target) if method in ("GET", "HEAD") else (405, b"")
            log.append((site.index, target, round(arrived, 4), status))
            close = headers.get("connection", "").lower() == "close" or version != "HTTP/1.1"
            content_type = "text/plain" if target == "/robots.txt" else "text/html; charset=utf-8"
            writer.write((f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: {content_type}\r\n"
                          f"Content-Length: {len(body)}\r\nConnection: {'close' if close else 'keep-alive'}\r\n\r\n"
                          ).encode("latin-1") + (body if method == "GET" else b""))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass  # the client went away
    finally:
        writer.close()


async def _bind_all(sites: list[NationalSite], log: list) -> tuple[int, list]:
    """Bind every live site's address on one shared port (the first bind picks it)."""
    for _ in range(20):
        servers, port = [], 0
        try:
            for site in sites:
                if site.behaviour == "dead_refused":
                    continue  # nothing listens: the client gets connection refused
                server = await asyncio.start_server(
                    lambda r, w, site=site: _handle(site, log, r, w), host=site.address, port=port, backlog=64)
                port = server.sockets[0].getsockname()[1]
                servers.append(server)
            return port, servers
        except OSError:
            for server in servers:
                server.close()  # another process holds this port on some address: try another
    raise OSError("no port free on all national network addresses")


async def _serve(sites: list[NationalSite], conn) -> None:
    log: list = []
    port, servers = await _bind_all(sites, log)
    conn.send(("ready", port))
    while True:
        command = await asyncio.to_thread(conn.recv)
        if command[0] == "dump":  # ("dump", path): write the log since the last dump, then clear it
            entries, log[:] = list(log), []
            Path(command[1]).write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
            conn.send(("dumped", len(entries)))
        elif command[0] == "stop":
            break
    for server in servers:
        server.close()


def _raise_open_file_limit() -> None:
    """552 listening sockets plus up to two connections per host pass the usual 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


def _server_main(sites: list[NationalSite], conn) -> None:
    _raise_open_file_limit()
    asyncio.run(_serve(sites, conn))


# -- the parent's handle -------------------------------------------------------------------

class NationalNetwork:
    """Serve `sites` from a child process; `with NationalNetwork(sites) as net: ...`."""

    def __init__(self, sites: list[NationalSite]):
        self.sites = sites
        self.port: int | None = None
        self._process = None
        self._conn = None

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited threads or reactor
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=_server_main, args=(self.sites, child_conn), daemon=True,
                                        name="national-network")
        self._process.start()
        child_conn.close()  # the child's end lives in the child only: its death reads as EOF here
        deadline = time.monotonic() + 60
        while not self._conn.poll(0.2):
            if not self._process.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the national network server did not start")
        try:
            _, self.port = self._conn.recv()
        except EOFError:
            self.stop()
            raise RuntimeError("the national network server died while starting") from None

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            self._conn.send(("stop",))
        except (OSError, BrokenPipeError):
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        self._process = None

    def __enter__(self) -> "NationalNetwork":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def base_url(self, site: NationalSite) -> str:
        return f"http://{site.address}:{self.port}"

    def take_log(self, path: Path) -> list[tuple[int, str, float, int]]:
        """Requests served since the last call: (site index, target, arrival s on the
        monotonic clock, status)."""
        self._conn.send(("dump", str(path)))
        self._conn.recv()
        text = Path(path).read_text(encoding="utf-8")
        return [tuple(json.loads(line)) for line in text.splitlines() if line]
