"""The extraction benchmark on a tiny corpus: figures present and sane, no timing targets
(the machine is shared, so only the lxml floor vs the project's extraction is compared)."""
from __future__ import annotations

from benchmarks import extraction

REQUIRED = ("extract_pages_per_cpu_s", "lxml_floor_pages_per_cpu_s", "trafilatura_pages_per_cpu_s",
            "extract_article_pages_per_cpu_s", "trafilatura_article_pages_per_cpu_s", "extract_text_f1",
            "trafilatura_text_f1", "extract_title_exact", "extraction_corpus_pages",
            "extraction_corpus_article_pages")


def test_tiny_run_reports_every_figure_and_the_project_reads_demo_pages_right():
    figures = extraction.run(quick=True, listings_per_site=1, articles_per_site=2, min_cpu_s=0.02)
    for key in REQUIRED:
        assert figures[key] > 0, key
    assert "quick" in figures["extraction_note"]
    # 7 sites x (1 listing + 2 articles), plus whatever saved pages tests/files holds
    assert figures["extraction_corpus_article_pages"] >= 14 and figures["extraction_corpus_pages"] >= 21
    assert figures["extraction_accuracy_article_pages"] == 14  # saved pages have no known text
    assert figures["extract_text_f1"] >= 0.9
    assert figures["extract_news_text_f1"] >= 0.99  # cleaning drops exactly the link, caption and credit
    assert figures["extract_title_exact"] == 1.0
    assert figures["extract_listing_titles_exact"] == 1.0
    assert figures["lxml_floor_pages_per_cpu_s"] > figures["extract_pages_per_cpu_s"]


def test_corpus_covers_every_site_template_and_page_kind():
    pages = extraction.demo_corpus(listings_per_site=2, articles_per_site=3)
    hosts = {page.url.split("/")[2] for page in pages}
    assert len(hosts) == 7
    assert {page.kind for page in pages} == {"listing", "article"}
    # the three families: table rows, cards with an eye icon, legacy /berita/baca/ URLs
    assert any("<table" in p.html for p in pages if p.kind == "listing")
    assert any("fa-eye" in p.html for p in pages if p.kind == "listing")
    assert any("/berita/baca/" in p.url for p in pages)


def test_token_f1_and_news_text():
    assert extraction.token_f1("Rapat Pleno", "rapat pleno") == 1.0
    assert extraction.token_f1("", "rapat") == 0.0
    assert round(extraction.token_f1("rapat pleno terbuka", "rapat pleno"), 3) == 0.8
    body = "Serang - rapat.\n\nBaca Juga: Lain\n\ndok. foto Humas KPU\n\nSelesai. (ADMIN)"
    assert extraction.news_text(body) == "Serang - rapat.\n\nSelesai."
