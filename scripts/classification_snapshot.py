"""Did a change alter any decision? Dump every result of the default classifier, compare two dumps.

    python scripts/classification_snapshot.py dump before.json     # in a checkout of the old code
    python scripts/classification_snapshot.py dump after.json      # in this one
    python scripts/classification_snapshot.py compare before.json after.json

The dump holds every field of each Classification on all labelled rows and on the demo
network's article pages (cleaned as the pipeline cleans them), and their topics. The comparison
names differing open rows and demo pages; for rows of the frozen satker it gives only a count,
since nobody reads those while working on the classifier.
"""
from __future__ import annotations

import dataclasses
import json
import sys


def dump(path: str) -> None:
    from benchmarks.pipeline import _raw_pages
    from kpu_berita.demo_network.content import build_demo_sites
    from kpu_berita.pipelines.build_articles import assemble_articles
    from kpu_berita.pipelines.classify import Classifier
    from kpu_berita.pipelines.classify.labelled import frozen_hosts, shipped_rows

    classifier = Classifier.default()
    rows = shipped_rows()
    pages, satker = _raw_pages(sum(len(site.articles) for site in build_demo_sites()))
    demo = assemble_articles(pages, {}, satker)
    labelled = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    on_demo = classifier.classify_many([r["title"] for r in demo], [r["body"] for r in demo])
    out = {"frozen": [r.get("satker") in frozen_hosts() for r in rows],
           "labelled": [dataclasses.asdict(r) for r in labelled],
           "demo": [dataclasses.asdict(r) for r in on_demo],
           "topics": [classifier.topics(r["title"], r["body"]) for r in demo]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"{path}: {len(rows)} labelled rows, {len(demo)} demo pages")


def compare(path_a: str, path_b: str) -> int:
    with open(path_a, encoding="utf-8") as fa, open(path_b, encoding="utf-8") as fb:
        a, b = json.load(fa), json.load(fb)
    assert a["frozen"] == b["frozen"], "the dumps are of different labelled rows"
    differing = 0
    for part in ("labelled", "demo", "topics"):
        if len(a[part]) != len(b[part]):
            print(f"{part}: {len(a[part])} vs {len(b[part])} rows")
            differing += 1
            continue
        diff = [i for i, (x, y) in enumerate(zip(a[part], b[part])) if x != y]
        hidden = [i for i in diff if part == "labelled" and a["frozen"][i]]
        shown = [i for i in diff if i not in set(hidden)]
        print(f"{part}: {len(a[part])} rows, {len(diff)} differ" + (f" ({len(hidden)} of frozen satker, not shown)"
                                                                 if part == "labelled" else ""))
        for i in shown[:10]:
            x, y = a[part][i], b[part][i]
            print(f"  {i}:", {k: (x[k], y[k]) for k in x if x[k] != y[k]} if isinstance(x, dict) else (x, y))
        differing += len(diff)
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
