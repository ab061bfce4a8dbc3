"""The spider against a fault-injecting network on loopback: what was served correctly is
all stored, every failure is counted, nothing leaves the satker's host."""
from __future__ import annotations

import gzip
import json

import pytest

from kpu_berita.spiders.run import run_crawl
from tests.fault_network import FaultNetwork, FaultSite

pytestmark = pytest.mark.slow
FAST_FAIL = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 2}


def items_of(crawl_dir) -> list[dict]:
    path = crawl_dir / "items.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def faulty_crawl(tmp_path_factory):
    broken = FaultSite("127.0.0.60", {"5xx_burst", "timeout", "slow", "truncated", "oversized", "gzip_bomb",
                                      "pagination_trap", "offsite"})
    legacy = FaultSite("127.0.0.61", {"cp1252"})
    elsewhere = FaultSite("127.0.0.62", set())
    home = tmp_path_factory.mktemp("faults")
    with FaultNetwork([broken, legacy, elsewhere]) as net:
        broken.offsite_base = net.base_url(elsewhere)
        sites = [{"satker_id": "kab-broken", "base_url": net.base_url(broken)},
                 {"satker_id": "kab-legacy", "base_url": net.base_url(legacy)}]
        result = run_crawl(home, sites, profile="loopback", overrides=FAST_FAIL, crawl_date="2025-12-01")
    return result, broken, legacy, elsewhere


def test_crawl_finishes_and_counts_each_failure(faulty_crawl):
    result, broken, _, _ = faulty_crawl
    assert result.finished and result.returncode == 0
    stats = result.per_satker()["kab-broken"]
    assert stats["errors"] == {"http_500": 1, "timeout": 1, "too_large": 2}
    assert stats["stop_reason"] == "no_new_urls"  # the pagination trap ends the walk
    assert result.stats["backoff/count"] >= 4  # 5xx and timeouts slowed that host down (spiders/backoff.py)


def test_everything_served_correctly_is_stored(faulty_crawl):
    result, broken, legacy, _ = faulty_crawl
    pages = {i["url"].rsplit("/", 1)[1].split("_")[0] for i in items_of(result.crawl_dir)
             if i["kind"] == "article" and i["satker_id"] == "kab-broken"}
    expected = {str(a) for a, _ in broken.articles} - {str(i) for i in broken.bad_ids}
    assert pages == expected  # includes the 503-burst retries and the truncated page
    truncated = next(i for i in items_of(result.crawl_dir)
                     if i["kind"] == "article" and i["url"].split("/")[-1].startswith(f"{broken.truncated}_"))
    assert truncated["title"].startswith("Rapat Koordinasi") and "Paragraf 1" in truncated["body"]


def test_no_request_leaves_the_satker_host(faulty_crawl):
    _, broken, _, elsewhere = faulty_crawl
    assert sum(elsewhere.hits.values()) == 0
    assert broken.hits["/robots.txt"] == 1


def test_pagination_trap_is_bounded(faulty_crawl):
    _, broken, _, _ = faulty_crawl
    listing_hits = sum(n for path, n in broken.hits.items() if "/blog/category/" in path)
    assert listing_hits == 4  # 3 real pages + the first repeat


def test_windows_1252_site_decodes(faulty_crawl):
    result, _, legacy, _ = faulty_crawl
    titles = {i["title"] for i in items_of(result.crawl_dir) if i["kind"] == "article" and i["satker_id"] == "kab-legacy"}
    assert len(titles) == len(legacy.articles)
    assert all(t.endswith("“Sangat Baik” – Café") for t in titles)


def test_responses_are_archived_as_warc(faulty_crawl):
    from kpu_berita.spiders.archive import WARC_NAME, iter_archived_responses

    result, _, _, _ = faulty_crawl
    records = list(iter_archived_responses(result.crawl_dir / WARC_NAME))
    assert any(url.endswith("/blog/category/104") and status == 200 for url, status, _, _ in records)
    assert any(status == 500 for _, status, _, _ in records)


def test_unreachable_site_is_given_up_for_the_night_and_counted(tmp_path):
    healthy = FaultSite("127.0.0.63", set())
    with FaultNetwork([healthy]) as net:
        port = net.base_url(healthy).rsplit(":", 1)[1]
        sites = [{"satker_id": "kab-healthy", "base_url": net.base_url(healthy)},
                 {"satker_id": "kab-down", "base_url": f"http://127.0.0.64:{port}"}]  # nothing listens there
        result = run_crawl(tmp_path, sites, profile="loopback", overrides=FAST_FAIL, crawl_date="2025-12-01")
    assert result.finished
    down = result.per_satker()["kab-down"]
    assert down["stop_reason"] == "site_unreachable"
    assert down["errors"] == {"refused": 1}  # the home page only: no listing attempt after it was refused
    assert result.per_satker()["kab-healthy"]["articles"] == len(healthy.articles)


def test_a_site_answering_503_to_everything_says_why_its_walk_stopped(tmp_path):
    healthy, failing = FaultSite("127.0.0.65", set()), FaultSite("127.0.0.66", {"always_503"})
    with FaultNetwork([healthy, failing]) as net:
        sites = [{"satker_id": "kab-healthy", "base_url": net.base_url(healthy)},
                 {"satker_id": "kab-503", "base_url": net.base_url(failing)}]
        result = run_crawl(tmp_path, sites, profile="loopback", overrides=FAST_FAIL, crawl_date="2025-12-01")
    assert result.finished
    down = result.per_satker()["kab-503"]
    assert down["stop_reason"] == "listing_error"  # was missing: the run's table said "-"
    assert set(down["errors"]) == {"http_503"} and down.get("articles", 0) == 0
    assert result.per_satker()["kab-healthy"]["stop_reason"] == "end_of_listing"
    # the run's table counts errors from the crawl's files (a resumed crawl's earlier processes too)
    from kpu_berita.dagster_project.crawl import crawl_summary_rows
    from kpu_berita.spiders.raw_store import crawl_counts

    rows = {r["satker"]: r for r in crawl_summary_rows(result.per_satker(), crawl_counts(result.crawl_dir), {}, {})}
    assert rows["kab-503"]["errors"] == sum(down["errors"].values()) > 0
    assert rows["kab-503"]["error_kinds"] == f"http_503:{down['errors']['http_503']}"
    assert rows["kab-503"]["stop"] == "listing_error" and rows["kab-healthy"]["errors"] == 0


def test_kpu_berita_crawl_names_a_site_that_never_answered(tmp_path, capsys):
    # the build's checks named nothing until a build ran: `crawl` alone printed a table and exit 0
    from kpu_berita.cli import main

    healthy = FaultSite("127.0.0.67", set())
    with FaultNetwork([healthy]) as net:
        port = net.base_url(healthy).rsplit(":", 1)[1]
        registry = tmp_path / "registry.csv"
        registry.write_text("satker_id,name,level,province,kode_wilayah,base_url\n"
                            f"kab-healthy,KPU Kabupaten Sehat,kabupaten,Banten,36.01,{net.base_url(healthy)}\n"
                            f"kab-down,KPU Kabupaten Mati,kabupaten,Banten,36.02,http://127.0.0.68:{port}\n",
                            encoding="utf-8")
        assert main(["--home", str(tmp_path / "home"), "-q", "crawl", "--registry", str(registry),
                     "--profile", "loopback"]) == 0  # a warning: the next night tries again
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("CHECK WARNING")]
    assert warnings == ["CHECK WARNING sites_answered: satker_unanswered=kab-down (site_unreachable), count=1, of=2"]


def test_a_listing_headed_by_another_category_is_not_taken_for_berita_terkini(tmp_path, capsys):
    """kpu_sites.md section 3: read the category from the site's menu (fallback 104) and check
    page 1's heading. A site whose menu gives no Berita Terkini link and whose 104 is its
    "Pengumuman" stored those as its news before; now its walk stops there and the crawl says
    so, and the registry's category_id takes the crawl where the operator says."""
    from kpu_berita.cli import main

    other = FaultSite("127.0.0.69", {"other_category"})
    with FaultNetwork([other]) as net:
        header = "satker_id,name,level,province,kode_wilayah,base_url,category_id\n"
        line = f"kab-lain,KPU Kabupaten Lain,kabupaten,Banten,36.03,{net.base_url(other)}"
        registry = tmp_path / "registry.csv"
        registry.write_text(f"{header}{line},\n", encoding="utf-8")
        assert main(["--home", str(tmp_path / "home"), "-q", "crawl", "--registry", str(registry),
                     "--profile", "loopback"]) == 0  # a warning, as a site down for the night
        out, err = capsys.readouterr()
        [crawl_dir] = (tmp_path / "home" / "raw").iterdir()
        assert not [i for i in items_of(crawl_dir) if i["kind"] in ("article", "listing")]
        assert [line for line in err.splitlines() if line.startswith("CHECK WARNING")] == [
            "CHECK WARNING sites_answered: satker_unanswered=kab-lain (not_berita_terkini: /blog/category/104 is "
            "headed 'Pengumuman'; give its category_id in the registry), count=1, of=1"]
        assert "not_berita_terkini" in out  # the per-satker table's stop column

        # the operator names the category: no discovery, and its heading is the operator's word
        registry.write_text(f"{header}{line},104\n", encoding="utf-8")
        home_pages_asked = other.hits["/"]
        assert main(["--home", str(tmp_path / "home2"), "-q", "crawl", "--registry", str(registry),
                     "--profile", "loopback"]) == 0
        assert "CHECK WARNING" not in capsys.readouterr().err
    [crawl_dir] = (tmp_path / "home2" / "raw").iterdir()
    assert len([i for i in items_of(crawl_dir) if i["kind"] == "article"]) == len(other.articles)
    assert other.hits["/"] == home_pages_asked  # no home page asked for the category


def crawl_one(tmp_path, satker_id: str, site: FaultSite, elsewhere: FaultSite | None = None):
    """Crawl one fault site (on the loopback profile, failing fast); `elsewhere` is served
    beside it as the other host its links or redirects lead to."""
    with FaultNetwork([site] + ([elsewhere] if elsewhere else [])) as net:
        if elsewhere:
            site.offsite_base = net.base_url(elsewhere)
        return run_crawl(tmp_path, [{"satker_id": satker_id, "base_url": net.base_url(site)}],
                         profile="loopback", overrides=FAST_FAIL, crawl_date="2025-12-01")


def test_articles_that_redirect_away_do_not_stop_the_walk(tmp_path):
    """A deleted article redirecting to the listing, one redirecting to another article and
    one to another host: Scrapy drops the redirected request (the listing and the other
    article were asked for already; the other host is off the crawl) without calling its
    errback, and the walk waited on them for ever: 5 of 14 articles stored, no stop reason."""
    site, elsewhere = FaultSite("127.0.0.70", {"redirects"}), FaultSite("127.0.0.71", set())
    result = crawl_one(tmp_path, "kab-pindah", site, elsewhere)
    stats = result.per_satker()["kab-pindah"]
    stored = {i["url"] for i in items_of(result.crawl_dir) if i["kind"] == "article"}
    assert len(stored) == len(site.articles) - len(site.redirects)  # every listing page walked
    assert stats["stop_reason"] == "end_of_listing"
    assert stats["errors"] == {"redirected_away": len(site.redirects)}
    assert sum(elsewhere.hits.values()) == 0


def test_a_listing_redirected_to_another_host_is_named(tmp_path):
    site, elsewhere = FaultSite("127.0.0.72", {"listing_offsite"}), FaultSite("127.0.0.73", set())
    result = crawl_one(tmp_path, "kab-pindah", site, elsewhere)
    stats = result.per_satker()["kab-pindah"]
    assert stats["stop_reason"] == "listing_error" and stats["errors"] == {"redirected_away": 1}
    assert sum(elsewhere.hits.values()) == 0


def test_a_listing_ended_by_a_404_page_is_read_to_its_end_without_a_warning(tmp_path):
    site = FaultSite("127.0.0.74", {"end404"})
    result = crawl_one(tmp_path, "kab-habis", site)
    stats = result.per_satker()["kab-habis"]
    assert stats["stop_reason"] == "end_of_listing" and not stats.get("errors")
    assert len([i for i in items_of(result.crawl_dir) if i["kind"] == "article"]) == len(site.articles)


def test_what_the_site_asks_for_is_obeyed_crawl_delay_and_retry_after(tmp_path):
    """robots.txt's Crawl-delay and a 429's Retry-After: Scrapy obeys neither (the server saw
    requests 1 s apart under "Crawl-delay: 5", and again 1-2 s after "Retry-After: 30")."""
    site = FaultSite("127.0.0.75", {"crawl_delay", "retry_after"}, n_articles=8)
    result = crawl_one(tmp_path, "kab-sabar", site)
    assert len([i for i in items_of(result.crawl_dir) if i["kind"] == "article"]) == len(site.articles)
    times = [at for at, path in site.asked if path != "/robots.txt"]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.4 - 0.02  # the loopback profile's delay is 0
    busy = [at for at, path in site.asked if path.startswith(f"/blog/read/{site.busy_once}_")]
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.0 - 0.02
    assert result.stats["politeness/crawl_delay_hosts"] == 1 and result.stats["politeness/retry_after"] == 1


def test_a_site_whose_article_pages_all_fail_stops_holding_the_night_and_is_named(tmp_path, capsys):
    """Each failing article was retried and backed off: 883 s for one 62-article site in a
    six-satker shard. After two pages' worth of failures in a row the walk stops, and the
    crawl's check names the site as it names one that never answered."""
    from kpu_berita.cli import main

    site = FaultSite("127.0.0.76", {"articles_500"}, n_articles=30)
    with FaultNetwork([site]) as net:
        registry = tmp_path / "registry.csv"
        registry.write_text("satker_id,name,level,province,kode_wilayah,base_url\n"
                            f"kab-rusak,KPU Kabupaten Rusak,kabupaten,Banten,36.09,{net.base_url(site)}\n",
                            encoding="utf-8")
        assert main(["--home", str(tmp_path / "home"), "-q", "crawl", "--registry", str(registry),
                     "--profile", "loopback"]) == 0
    asked = {path for path in site.hits if path.startswith("/blog/read/")}
    assert len(asked) == 12  # two listing pages of six, not all 30
    assert "CHECK WARNING sites_answered: satker_unanswered=kab-rusak (articles_failing)" in capsys.readouterr().err
