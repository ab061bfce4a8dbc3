"""A real crawl of a tiny loopback site: robots.txt `Disallow` is obeyed, and `--since`
ends the listing walk at the first page older than it."""
from __future__ import annotations

import gzip
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kpu_berita.spiders.run import run_crawl
from tests.fault_network import FaultSite

pytestmark = pytest.mark.slow

# 14 articles, newest first, one every 3 days from 2025-11-28, 6 per listing page:
# page 1 = 28 Nov .. 13 Nov, page 2 = 10 Nov .. 26 Oct, page 3 = 23 Oct .. 20 Oct
SITE = FaultSite("127.0.0.71", set())
DISALLOWED = SITE.articles[1][0]  # an article of page 1
ROBOTS = f"User-agent: *\nDisallow: /blog/read/{DISALLOWED}_\n"
SINCE = "2025-11-20"


def _handler(site: FaultSite, hits: Counter):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            hits[self.path] += 1
            path = self.path.replace("/index.php", "")
            if path == "/robots.txt":
                body, kind = ROBOTS.encode(), "text/plain"
            elif path == "/" or path.startswith("/blog/category/104"):
                body, kind = site.listing(int(path.split("page=")[1]) if "page=" in path else 1).encode(), "text/html"
            elif path.startswith("/blog/read/"):
                body, kind = site.article(int(path.split("/")[-1].split("_")[0])).encode(), "text/html"
            else:
                body, kind = b"not found", "text/html"
            self.send_response(404 if body == b"not found" else 200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    hits: Counter = Counter()
    server = ThreadingHTTPServer((SITE.ip, 0), _handler(SITE, hits))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://{SITE.ip}:{server.server_address[1]}"
        result = run_crawl(tmp_path_factory.mktemp("robots"), [{"satker_id": "kab-robots", "base_url": base}],
                           since=SINCE, profile="loopback", crawl_date="2025-12-01")
    finally:
        server.shutdown()
        server.server_close()
    with gzip.open(result.crawl_dir / "items.jsonl.gz", "rt", encoding="utf-8") as f:
        items = [json.loads(line) for line in f]
    return result, hits, items


def article_ids(paths) -> set[int]:
    return {int(p.split("/")[-1].split("_")[0]) for p in paths if p.startswith("/blog/read/")}


def test_robots_disallowed_article_is_never_requested(crawl):
    result, hits, items = crawl
    assert result.finished
    assert hits["/robots.txt"] == 1
    assert DISALLOWED not in article_ids(hits)
    fetched = {i["article_key"] for i in items if i["kind"] == "article"}
    assert f"kab-robots/id:{DISALLOWED}" not in fetched
    assert result.per_satker()["kab-robots"]["errors"] == {"robots": 1}
    # the rest of its listing page was fetched
    assert article_ids(hits) >= {a for a, _ in SITE.articles[:6]} - {DISALLOWED}


def test_since_stops_the_walk_at_the_first_page_older_than_it(crawl):
    result, hits, _ = crawl
    assert result.per_satker()["kab-robots"]["stop_reason"] == "older_than_since"
    listing_pages = sorted(p for p in hits if "/blog/category/" in p)
    assert listing_pages == ["/blog/category/104", "/index.php/blog/category/104?page=2"]
    assert article_ids(hits) == {a for a, _ in SITE.articles[:12]} - {DISALLOWED}  # page 3 untouched
