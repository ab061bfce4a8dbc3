"""derive in several processes: the same articles.parquet / categories.parquet as one process
writes, and part files a killed run left are never read."""
import shutil

import pyarrow.parquet as pq
import pytest

from kpu_berita.pipelines.build_articles import SatkerInfo
from kpu_berita.pipelines.classify import Classifier
from kpu_berita.registry import load_registry
from kpu_berita import config
from kpu_berita.warehouse import derive
from kpu_berita.warehouse.stage import finished_crawls, stage_crawl, stage_root


def _satker() -> dict[str, SatkerInfo]:
    rows = load_registry(config.default_registry())
    return {r["satker_id"]: SatkerInfo(r["satker_id"], r["name"], r["base_url"]) for r in rows}


def _derive_all(crawls, home, processes: int) -> tuple[dict, list[dict]]:
    """Every crawl staged and derived into home, as the assets do (one satker dict for all)."""
    satker, counts = _satker(), []
    del satker[sorted(satker)[0]]  # one satker outside the registry: workers must add it as one process does
    for crawl in crawls:
        stage_crawl(crawl, home)
        counts.append(derive.derive_articles(crawl, home, satker, processes, min_rows=1)
                      | derive.derive_categories(crawl.name, home, Classifier.default(), processes, min_rows=1))
    return satker, counts


@pytest.fixture(scope="module")
def crawls(demo_home):
    found = finished_crawls(demo_home / "raw")
    assert found
    return found


@pytest.fixture(scope="module")
def sequential(crawls, tmp_path_factory):
    home = tmp_path_factory.mktemp("sequential")
    return home, *_derive_all(crawls, home, 1)


def test_parallel_derive_writes_what_one_process_writes(crawls, sequential, tmp_path):
    seq_home, seq_satker, seq_counts = sequential
    satker, counts = _derive_all(crawls, tmp_path, 2)
    assert counts == seq_counts
    assert satker == seq_satker
    assert sum(c["articles"] for c in counts) > 0
    for crawl in crawls:
        for name in ("articles", "categories"):
            ours = pq.read_table(stage_root(tmp_path) / crawl.name / f"{name}.parquet")
            theirs = pq.read_table(stage_root(seq_home) / crawl.name / f"{name}.parquet")
            assert ours.equals(theirs), f"{crawl.name}/{name}.parquet differs"  # same rows, same order
        # the parts are gone once combined
        assert not [p.name for p in (stage_root(tmp_path) / crawl.name).glob("*.part-*")]


def test_parts_a_killed_run_left_are_removed_not_read(crawls, sequential, tmp_path):
    seq_home = sequential[0]
    crawl = max(crawls, key=lambda c: pq.read_metadata(stage_root(seq_home) / c.name / "articles.parquet").num_rows)
    stage_crawl(crawl, tmp_path)
    folder = stage_root(tmp_path) / crawl.name
    # a killed run: a finished part, a part being written, the combined file being written
    first = pq.read_table(stage_root(seq_home) / crawl.name / "articles.parquet").slice(0, 3)
    pq.write_table(first, folder / ".articles.part-deadbeef-0000.parquet")
    (folder / "..articles.part-deadbeef-0001.parquet.tmp").write_bytes(b"torn")
    (folder / ".articles.parquet.tmp").write_bytes(b"torn")
    (folder / ".categories.part-deadbeef-0000.parquet").write_bytes(b"torn")
    satker = _satker()
    derive.derive_articles(crawl, tmp_path, satker, 2, min_rows=1)
    assert not list(folder.glob("*.articles.part-*"))
    derive.derive_categories(crawl.name, tmp_path, Classifier.default(), 2, min_rows=1)
    assert not list(folder.glob("*.part-*"))
    for name in ("articles", "categories"):
        assert pq.read_table(folder / f"{name}.parquet").equals(
            pq.read_table(stage_root(seq_home) / crawl.name / f"{name}.parquet"))
    # the file is there: a part left after the combine (killed before removing it) goes too
    shutil.copy(folder / "articles.parquet", folder / ".articles.part-cafef00d-0000.parquet")
    rows = pq.read_metadata(folder / "articles.parquet").num_rows
    assert derive.derive_articles(crawl, tmp_path, satker, 2, min_rows=1) == {"articles": rows, "undated": None}
    assert not list(folder.glob("*.part-*"))


def test_even_ranges_cover_every_item_once():
    for sizes, tasks in [([5, 5, 5, 5], 2), ([100, 1, 1], 3), ([1] * 10, 4), ([7], 6), ([3, 0, 0, 9, 1], 2)]:
        ranges = derive._even_ranges(sizes, tasks)
        assert ranges[0][0] == 0 and ranges[-1][1] == len(sizes)
        assert all(a < b for a, b in ranges) and all(r[1] == s[0] for r, s in zip(ranges, ranges[1:]))
        assert len(ranges) <= tasks
