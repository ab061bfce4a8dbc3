"""A fault-injecting satker site on loopback, for crawler robustness tests.

Blog-style pages in the real URL shapes; each site carries a set of faults:
  5xx_burst        the first 2 requests of every article answer 503, one article always 500
  timeout          one article never answers in time
  slow             every response waits 0.2 s
  truncated        one article's HTML is cut off mid-body
  oversized        one article is 12 MB (over the crawler's 10 MB cap)
  gzip_bomb        one article is 20 KB of gzip that inflates to 64 MB
  pagination_trap  pages past the end repeat the last page (a site that ignores ?page=)
  offsite          listing items link to another host's articles too
  cp1252           pages are served as windows-1252
  redesigned       the listing links articles under a URL shape no KPU CMS uses (/news/ID):
                   to the crawler, the listing yields no items
  undated          article pages carry no date anywhere
  other_category   the menu has no Berita Terkini link, and category 104 (the fallback) is
                   headed "Pengumuman": another category's list
  redirects        article pages that redirect: one deleted (302 to the Berita Terkini
                   listing, a URL the crawl has already asked for), one to another article
                   of the listing, one to another host (a repost); on page 1, so the walk
                   must go on past them
  listing_offsite  the listing redirects to another host
  end404           the page after the last listing page answers 404
  crawl_delay      robots.txt asks for "Crawl-delay: 0.4"
  retry_after      one article answers its first request 429 with "Retry-After: 1"
  articles_500     every article page answers 500 (the listing is fine)
Bounded: the server only answers; clients bound their own requests.
"""
from __future__ import annotations

import datetime as dt
import gzip
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]
PAGE_SIZE = 6


class FaultSite:
    def __init__(self, ip: str, faults: set[str], n_articles: int = 14, offsite_base: str | None = None):
        self.ip, self.faults, self.offsite_base = ip, set(faults), offsite_base
        start = dt.date(2025, 11, 28)
        # newest first; ids descend
        self.articles = [(100 + n_articles - i, start - dt.timedelta(days=3 * i)) for i in range(n_articles)]
        self.hits: Counter = Counter()
        self.asked: list[tuple[float, str]] = []  # (monotonic time the request arrived, path)
        self.lock = threading.Lock()
        ids = [a[0] for a in self.articles]
        # which articles misbehave (fixed, so tests can name them)
        self.always_500 = ids[1] if "5xx_burst" in faults else None
        self.never_answers = ids[2] if "timeout" in faults else None
        self.truncated = ids[3] if "truncated" in faults else None
        self.oversized = ids[4] if "oversized" in faults else None
        self.bomb = ids[5] if "gzip_bomb" in faults else None
        self.busy_once = ids[6] if "retry_after" in faults else None
        # compressed once here, not per request: 0.4 s of CPU in the handler could outlast a
        # short DOWNLOAD_TIMEOUT on a busy machine and turn the bomb into a timeout
        self.bomb_body = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9) if self.bomb else b""
        # redirects: article id -> where it sends the crawler ({offsite} filled in by the handler)
        self.redirects = ({ids[1]: "/blog/category/104", ids[2]: f"/blog/read/{ids[0]}_rapat-koordinasi-{ids[0]}",
                           ids[3]: "{offsite}/blog/read/999_luar"} if "redirects" in faults else {})

    @property
    def bad_ids(self) -> set[int]:
        return {i for i in (self.always_500, self.never_answers, self.oversized, self.bomb) if i}

    def title(self, article_id: int) -> str:
        text = f"Rapat Koordinasi Pemutakhiran Data Pemilih Berkelanjutan Nomor {article_id}"
        if "cp1252" in self.faults:
            text += " “Sangat Baik” – Café"
        return text

    def listing(self, page: int) -> str:
        pages = max(1, -(-len(self.articles) // PAGE_SIZE))
        if page > pages and "pagination_trap" in self.faults:
            page = pages
        chunk = self.articles[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        items = []
        for article_id, _ in chunk:
            href = (f"/news/{article_id}" if "redesigned" in self.faults
                    else f"/blog/read/{article_id}_rapat-koordinasi-{article_id}")
            items.append(f'<div class="item"><span class="views"><i class="fa fa-eye"></i> {article_id * 3}</span>'
                         f'<h3><a href="{href}">{self.title(article_id)}</a></h3><p>Ringkasan berita {article_id} ...</p>'
                         f'<a href="{href}">Selengkapnya</a></div>')
            if "offsite" in self.faults and self.offsite_base:
                items.append(f'<div class="item"><h3><a href="{self.offsite_base}/blog/read/9{article_id}_luar">Berita situs lain {article_id}</a></h3>'
                             f'<p>Tautan ke situs lain</p></div>')
        menu, heading = (('<a href="/blog/category/11">Pengumuman</a>', "Pengumuman") if "other_category" in self.faults
                         else ('<a href="/blog/category/104">Berita Terkini</a>', "Berita Terkini"))
        return ('<html><head><meta charset="{cs}"><title>{heading}</title></head><body>'
                '<nav>{menu}</nav><h2>{heading}</h2>'
                '<div class="list">{items}</div></body></html>').format(cs=self.charset, items="".join(items),
                                                                        menu=menu, heading=heading)

    def article(self, article_id: int) -> str:
        date = dict(self.articles)[article_id]
        body = "".join(f"<p>Paragraf {n} berita nomor {article_id} tentang rapat koordinasi data pemilih.</p>" for n in range(4))
        meta = ("Ditulis Oleh: ADMIN" if "undated" in self.faults
                else f"Ditulis Oleh: ADMIN Tanggal: {date.day} {MONTHS[date.month - 1]} {date.year}")
        page = (f'<html><head><meta charset="{self.charset}"><title>{self.title(article_id)}</title></head><body>'
                f'<h1>{self.title(article_id)}</h1><div class="meta">{meta}</div><div class="content">{body}</div>'
                f'<div>Telah dilihat {article_id * 3} kali</div></body></html>')
        if article_id == self.truncated:
            page = page[: page.index("Paragraf 2")]
        return page

    @property
    def charset(self) -> str:
        return "windows-1252" if "cp1252" in self.faults else "utf-8"


def _handler(site: FaultSite):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status: int, body: bytes, headers: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", f"text/html; charset={site.charset}")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):
            with site.lock:
                site.hits[self.path] += 1
                hits = site.hits[self.path]
                site.asked.append((time.monotonic(), self.path))
            if "slow" in site.faults:
                time.sleep(0.2)
            if "always_503" in site.faults:  # a site whose server is up and whose application is not
                return self.send(503, b"Service Unavailable")
            path = self.path.replace("/index.php", "")
            if path == "/robots.txt":
                delay = b"Crawl-delay: 0.4\n" if "crawl_delay" in site.faults else b""
                return self.send(200, b"User-agent: *\n" + delay + b"Disallow: /admin/\n", {"Content-Type": "text/plain"})
            if path == "/":
                return self.send(200, site.listing(1).encode(site.charset))
            if path.startswith("/blog/category/104"):
                if "listing_offsite" in site.faults:
                    return self.send(302, b"", {"Location": f"{site.offsite_base}/blog/category/104"})
                page = int(path.split("page=")[1]) if "page=" in path else 1
                if "end404" in site.faults and (page - 1) * PAGE_SIZE >= len(site.articles):
                    return self.send(404, b"not found")
                return self.send(200, site.listing(page).encode(site.charset))
            if path.startswith("/blog/read/"):
                article_id = int(path.split("/")[-1].split("_")[0])
                if article_id not in dict(site.articles):
                    return self.send(404, b"not found")
                if article_id in site.redirects:
                    where = site.redirects[article_id].format(offsite=site.offsite_base)
                    return self.send(301 if "{offsite}" in site.redirects[article_id] else 302, b"",
                                     {"Location": where})
                if article_id == site.busy_once and hits == 1:
                    return self.send(429, b"slow down", {"Retry-After": "1"})
                if article_id == site.always_500 or "articles_500" in site.faults:
                    return self.send(500, b"error")
                if "5xx_burst" in site.faults and hits <= 2:
                    return self.send(503, b"busy")
                if article_id == site.never_answers:
                    time.sleep(4)
                    return self.send(200, b"late")
                if article_id == site.oversized:
                    return self.send(200, b"<html><body>" + b"x" * (12 * 1024 * 1024) + b"</body></html>")
                if article_id == site.bomb:
                    return self.send(200, site.bomb_body, {"Content-Encoding": "gzip"})
                return self.send(200, site.article(article_id).encode(site.charset))
            return self.send(404, b"not found")

    return Handler


class FaultNetwork:
    """Serve FaultSites on 127.0.0.x (one address each) on one free port."""

    def __init__(self, sites: list[FaultSite]):
        self.sites = sites
        self.servers = []

    def __enter__(self):
        port = 0
        for site in self.sites:
            server = ThreadingHTTPServer((site.ip, port), _handler(site))
            server.daemon_threads = True
            port = server.server_address[1]
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        self.port = port
        return self

    def base_url(self, site: FaultSite) -> str:
        return f"http://{site.ip}:{self.port}"

    def __exit__(self, *exc):
        for server in self.servers:
            server.shutdown()
            server.server_close()
