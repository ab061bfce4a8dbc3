"""Archive every response as WARC (gzip per record), so cleaning and extraction can be
re-run on exactly what the sites served, without crawling them again.

One file per crawl: HOME/raw/<crawl_id>/responses.warc.gz. Each record is its own gzip
member, so appending after a resumed crawl is safe and a record torn by a kill -9 only
loses that record (the reader stops there).
"""
from __future__ import annotations

import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_NAME = "responses.warc.gz"


class ArchiveResponses:
    """Scrapy downloader middleware: append each response to the crawl's WARC file."""

    def __init__(self, crawl_dir: str | None):
        self.path = Path(crawl_dir) / WARC_NAME if crawl_dir else None
        self.file = None
        self.writer = None

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        middleware = cls(crawler.settings.get("KPU_CRAWL_DIR"))
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response):
        if self.path is None:
            return response
        if self.writer is None:
            self.file = open(self.path, "ab")
            self.writer = WARCWriter(self.file, gzip=True)
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in response.headers.items()]
        http_headers = StatusAndHeaders(f"{response.status} -", headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body),
                                                http_headers=http_headers)
        self.writer.write_record(record)
        self.file.flush()
        return response

    def close(self, spider=None):
        if self.file:
            self.file.close()
            self.file = self.writer = None


def iter_archived_responses(path: Path):
    """(url, status, headers dict, body bytes) of each complete record in a WARC file."""
    with open(path, "rb") as f:
        try:
            for record in ArchiveIterator(f):
                if record.rec_type != "response":
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                yield (record.rec_headers.get_header("WARC-Target-URI"), status,
                       dict(record.http_headers.headers), record.content_stream().read())
        except Exception:  # a record torn by a killed crawl ends the readable part
            return
