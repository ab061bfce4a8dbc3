"""Crawl settings (the loopback profile, with no delays, refuses any site off 127.0.0.0/8; no
console nor remote control) and the running crawl's progress counts."""
from __future__ import annotations

import json

import pytest

from kpu_berita.spiders.run import run_crawl
from kpu_berita.spiders.settings import POLITE, crawl_settings


@pytest.mark.parametrize("base_url", [
    "https://kab-serang.kpu.go.id",
    "http://10.0.0.5:8080",
    "http://127.0.0.1.nip.io",  # a name that resolves to loopback is still a name
    "http://[2001:db8::1]",
])
def test_loopback_profile_refuses_a_non_loopback_site(base_url):
    with pytest.raises(ValueError, match="loopback profile is for 127.0.0.0/8 only"):
        crawl_settings("loopback", ["http://127.0.0.1:8000", base_url])


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "http://127.3.2.1", "http://localhost:9",
                                      "http://[::1]:8000"])
def test_loopback_profile_runs_on_loopback_without_delays(base_url):
    settings = crawl_settings("loopback", [base_url])
    assert settings["DOWNLOAD_DELAY"] == 0.0 and settings["ROBOTSTXT_OBEY"] is True


def test_polite_profile_keeps_production_delays_for_any_site():
    settings = crawl_settings("polite", ["https://kab-serang.kpu.go.id"])
    assert settings["DOWNLOAD_DELAY"] == POLITE["DOWNLOAD_DELAY"] == 1.0
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1  # the next request waits for the answer (politeness.py)


@pytest.mark.parametrize("profile, site", [("polite", "https://kab-serang.kpu.go.id"), ("loopback", "http://127.0.0.5:8080")])
def test_no_crawl_opens_a_console_or_remote_control(profile, site):
    # both run code sent to a local port in the crawl; Scrapy 2.19 turns remote control on
    settings = crawl_settings(profile, [site])
    assert settings["TELNETCONSOLE_ENABLED"] is False and settings["REMOTE_CONTROL_ENABLED"] is False


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown crawl profile"):
        crawl_settings("fast", ["http://127.0.0.1"])


def test_crawl_with_loopback_profile_against_a_real_site_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        run_crawl(tmp_path, [{"satker_id": "kab-serang", "base_url": "https://kab-serang.kpu.go.id"}],
                  profile="loopback")
    assert not any((tmp_path / "raw").iterdir())


def test_crawl_progress_reads_only_what_was_added_and_waits_for_a_line_being_written(tmp_path):
    from kpu_berita.spiders.run import CrawlProgress

    items = tmp_path / "items.jsonl"
    progress = CrawlProgress(items)
    assert progress() == {"listing_items": 0, "articles": 0, "errors": 0}  # not begun yet
    line = lambda kind: json.dumps({"kind": kind, "body": 'a "kind": "listing" quoted in a body'}) + "\n"  # noqa: E731
    items.write_text(line("listing") * 3 + line("article"), encoding="utf-8")
    assert progress() == {"listing_items": 3, "articles": 1, "errors": 0}
    with open(items, "a", encoding="utf-8") as f:
        f.write(line("error") + line("article")[:20])  # the crawl is writing its next line
    assert progress() == {"listing_items": 3, "articles": 1, "errors": 1}
    with open(items, "a", encoding="utf-8") as f:
        f.write(line("article")[20:])
    assert progress() == {"listing_items": 3, "articles": 2, "errors": 1}
    assert progress.offset == items.stat().st_size


@pytest.mark.parametrize("header, seconds", [(b"30", 30.0), (b"Wed, 02 Dec 2026 10:00:30 GMT", 30.0),
                                             (b"Wed, 02 Dec 2026 09:59:00 GMT", 0.0), (b"soon", None), (None, None)])
def test_retry_after_in_seconds_or_as_a_date(header, seconds):
    from datetime import datetime, timezone

    from kpu_berita.spiders.backoff import retry_after_s

    now = datetime(2026, 12, 2, 10, 0, 0, tzinfo=timezone.utc).timestamp()
    assert retry_after_s(header, now) == seconds
