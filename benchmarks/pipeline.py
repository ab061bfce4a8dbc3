"""Cleaning and classification throughput: the work of the `articles` and
`article_categories` assets on N article pages, without the warehouse IO around them.

The pages are the demo network's articles as the spider stores them (title, header line,
body with its dateline, photo captions, "Baca Juga" and credit tails), repeated with
distinct keys up to N. Run: python -m benchmarks.pipeline [--articles N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import time

from kpu_berita.demo_network.content import build_demo_sites
from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles
from kpu_berita.pipelines.classify import Classifier
from kpu_berita.registry import load_registry

FULL_ARTICLES = 100_000
QUICK_ARTICLES = 20_000


def _raw_pages(n: int) -> tuple[list[dict], dict[str, SatkerInfo]]:
    registry = {r["satker_id"]: r for r in load_registry()}
    articles = [(site.satker_id, a) for site in build_demo_sites() for a in site.articles]
    pages = []
    for i in range(n):
        satker_id, a = articles[i % len(articles)]
        body = (f"{a.body}\n\nBaca Juga: Rapat Pleno Rekapitulasi Daftar Pemilih\n\n"
                f"Foto: dokumentasi kegiatan\n\n(Tim Hupmas {registry[satker_id]['name']})")
        pages.append({"article_key": f"{satker_id}:bench{i}", "satker_id": satker_id,
                      "url": f"http://127.0.0.1{a.path}?copy={i}", "title": a.title,
                      "header_text": f"Ditulis oleh {a.author} pada {a.published.isoformat()}", "meta_date": None,
                      "author": a.author, "body": body, "fetched_at": dt.datetime(2025, 12, 31, 1, 0)})
    satker = {sid: SatkerInfo(sid, registry[sid]["name"], registry[sid]["base_url"]) for sid in {p["satker_id"] for p in pages}}
    return pages, satker


def _labelled_mix(classifier: Classifier, n: int) -> tuple[int, float]:
    """classify_many over the shipped labelled articles repeated to n (warm: one pass first)."""
    from kpu_berita.pipelines.classify.labelled import shipped_rows

    rows = shipped_rows()
    rows = (rows * (n // len(rows) + 1))[:n]
    titles, bodies = [r["title"] for r in rows], [r.get("body") for r in rows]
    classifier.classify_many(titles[:len(set(titles))], bodies[:len(set(titles))])
    start = time.process_time()
    results = classifier.classify_many(titles, bodies)
    return round(n / (time.process_time() - start)), round(sum(not r.reason.startswith("rule") for r in results) / n, 3)


def run(quick: bool = True, articles: int | None = None) -> dict:
    n = articles or (QUICK_ARTICLES if quick else FULL_ARTICLES)
    pages, satker = _raw_pages(n)
    classifier = Classifier.default()  # trained once per process; not part of the per-article cost
    cpu0, wall0 = time.process_time(), time.perf_counter()
    rows = assemble_articles(pages, {}, satker)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    results = classifier.classify_many([r["title"] for r in rows], [r["body"] for r in rows])
    cpu_classified = time.process_time()
    topics = [classifier.topics(r["title"], r["body"]) for r in rows]
    cpu2, wall2 = time.process_time(), time.perf_counter()
    by_model = sum(r.reason.startswith("model") for r in results)
    mix_per_s, mix_model_share = _labelled_mix(classifier, n)
    return {
        "pipeline_articles": n,
        "clean_articles_per_s": round(n / (wall1 - wall0)),
        # category only (the classification figure); topics are the optional second axis
        "pipeline_classify_articles_per_cpu_s": round(n / (cpu_classified - cpu1)),
        "topics_articles_per_s": round(n / (cpu2 - cpu_classified)),
        "clean_articles_per_cpu_s": round(n / (cpu1 - cpu0)),
        "clean_and_classify_wall_s": round(wall2 - wall0, 2),
        "clean_and_classify_100k_projected_s": round((wall2 - wall0) * FULL_ARTICLES / n, 1),
        "classified_by_model_share": round(by_model / n, 3),
        # real titles and leads (the labelled data repeated to n): the model reads ~30% of them
        "classify_labelled_mix_articles_per_cpu_s": mix_per_s,
        "labelled_mix_read_by_model_share": mix_model_share,
        "articles_with_topics_share": round(sum(bool(t) for t in topics) / n, 3),
        "pipeline_note": (f"{n:,} demo-network article pages (dates, cleaning, repost check, title normalisation, "
                          "category + topics), one process, CPU seconds; classifier training excluded"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=FULL_ARTICLES)
    print(json.dumps(run(quick=False, articles=parser.parse_args().articles), indent=1))


if __name__ == "__main__":
    main()
