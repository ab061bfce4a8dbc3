"""Serve the demo sites over HTTP on loopback, one 127.0.0.x address per site.

Distinct addresses, not ports: Scrapy keys its per-host politeness on the host name, so
sites sharing 127.0.0.1 would share one download slot. Linux routes all of 127.0.0.0/8 to
the loopback interface; nothing here ever binds another address.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kpu_berita.demo_network import templates
from kpu_berita.demo_network.content import DEFAULT_AS_OF, DemoSite, views_at
from kpu_berita.demo_network.photos import has_photo, photo_png
from kpu_berita.registry import COLUMNS, load_registry
from kpu_berita import site_knowledge as sk

PHOTO = re.compile(r"^/img/berita/(\d+)\.png$")
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


class _Site:
    def __init__(self, site: DemoSite, name: str, as_of: dt.date):
        self.site, self.name, self.as_of = site, name, as_of
        self.by_path = {unquote(a.path): a for a in site.articles}
        self.photo_ids = {a.article_id for a in site.articles if has_photo(site.template, a.article_id)}

    def views(self, article) -> int:
        return views_at(article, self.as_of)

    def respond(self, raw_path: str) -> tuple[int, str, bytes]:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS
        if path in ("/", "/index.php"):
            return 200, "text/html", templates.home_page(self.site, self.name).encode()
        photo = PHOTO.match(path)
        if photo and int(photo.group(1)) in self.photo_ids:
            return 200, "image/png", photo_png(int(photo.group(1)))
        m = sk.LISTING_PATH.match(path)
        if m:
            if int(m.group(1)) != self.site.category_id:
                empty = DemoSite(self.site.satker_id, self.site.template, int(m.group(1)), ())
                return 200, "text/html", templates.listing_page(empty, self.name, 1, self.views).encode()
            page = re.search(r"(?:^|&)page=(\d+)", parts.query)
            number = int(page.group(1)) if page else 1
            return 200, "text/html", templates.listing_page(self.site, self.name, number, self.views).encode()
        article = self.by_path.get(path.replace("/index.php/", "/", 1).rstrip("/"))
        if article is not None:
            return 200, "text/html", templates.article_page(self.site, self.name, article, self.views(article)).encode()
        return 404, "text/html", b"<html><body><h1>404</h1><p>Halaman tidak ditemukan</p></body></html>"


class DemoNetwork:
    """Serves DemoSites over HTTP on loopback; one distinct 127.0.0.x address per site."""

    def __init__(self, sites: list[DemoSite], *, as_of: dt.date = DEFAULT_AS_OF, port: int = 0,
                 first_host: int = 10, latency_s: float = 0.0, registry: Path | None = None):
        self.sites = sites
        self.as_of = as_of
        self.port = port
        self.first_host = first_host
        self.latency_s = latency_s
        self.registry = {r["satker_id"]: r for r in load_registry(registry)}
        self.request_log: list[tuple[str, str, str, int]] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._addresses: dict[str, str] = {}

    def _handler(self, site: _Site):
        network = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the request_log records what tests need
                pass

            def do_GET(self):
                if network.latency_s:
                    time.sleep(network.latency_s)
                status, content_type, body = site.respond(self.path)
                with network._lock:
                    network.request_log.append((site.site.satker_id, "GET", self.path, status))
                self.send_response(status)
                charset = "" if content_type.startswith("image/") else "; charset=utf-8"
                self.send_header("Content-Type", f"{content_type}{charset}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def start(self) -> None:
        for attempt in range(20):
            try:
                self._bind_all(self.port)
                return
            except OSError:
                self.stop()
                if self.port:
                    raise
        raise OSError("no port free on all demo addresses")

    def _bind_all(self, port: int) -> None:
        for i, site in enumerate(self.sites):
            address = f"127.0.0.{self.first_host + i}"
            name = self.registry[site.satker_id]["name"]
            server = ThreadingHTTPServer((address, port), self._handler(_Site(site, name, self.as_of)))
            server.daemon_threads = True
            port = server.server_address[1]  # the first bind picks a free port; the rest share it
            self._servers.append(server)
            self._addresses[site.satker_id] = f"http://{address}:{port}"
            threading.Thread(target=server.serve_forever, name=f"demo-{site.satker_id}", daemon=True).start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers, self._addresses = [], {}

    def __enter__(self) -> "DemoNetwork":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def base_url(self, satker_id: str) -> str:
        return self._addresses[satker_id]

    def registry_rows(self) -> list[dict]:
        """The served satker's registry rows with their loopback base_url."""
        return [{**self.registry[s.satker_id], "base_url": self.base_url(s.satker_id)} for s in self.sites]

    def write_registry(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(COLUMNS) + ["host_observed"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.registry_rows())
        return path
