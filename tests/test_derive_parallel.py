"""derive in several processes: the same articles.parquet / categories.parquet as one process
writes, and part files a killed run left are never read."""
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from kpu_berita.pipelines.build_articles import SatkerInfo
from kpu_berita.pipelines.classify import Classifier
from kpu_berita.registry import load_registry
from kpu_berita import config
from kpu_berita.spiders import raw_store
from kpu_berita.warehouse import derive
from kpu_berita.warehouse.stage import finished_crawls, stage_crawl, stage_root


def _satker(missing: str = "") -> dict[str, SatkerInfo]:
    """The registry's satker, but `missing` (a satker the crawls have, outside the registry:
    the workers must add it as one process does)."""
    rows = load_registry(config.default_registry())
    return {r["satker_id"]: SatkerInfo(r["satker_id"], r["name"], r["base_url"]) for r in rows
            if r["satker_id"] != missing}


def _missing_in(home, crawls) -> str:
    """A satker with pages in the staged crawls (the median one of the first crawl with pages)."""
    for crawl in crawls:
        ids = sorted(pq.read_table(stage_root(home) / crawl.name / "pages.parquet",
                                   columns=["satker_id"]).column(0).to_pylist())
        if ids:
            return ids[len(ids) // 2]
    return ""


def _derive_all(crawls, home, processes: int) -> tuple[dict, list[dict]]:
    """Every crawl staged and derived into home, as the assets do (one satker dict for all)."""
    for crawl in crawls:
        stage_crawl(crawl, home)
    satker, counts = _satker(_missing_in(home, crawls)), []
    for crawl in crawls:
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
    return home, *_derive_all(crawls, home, 1), _missing_in(home, crawls)


def test_parallel_derive_writes_what_one_process_writes(crawls, sequential, tmp_path):
    seq_home, seq_satker, seq_counts, missing = sequential
    assert missing and missing in seq_satker  # added by the step, with its first page's URL
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
    seq_home, missing = sequential[0], sequential[3]
    crawl = max(crawls, key=lambda c: pq.read_metadata(stage_root(seq_home) / c.name / "articles.parquet").num_rows)
    stage_crawl(crawl, tmp_path)
    folder = stage_root(tmp_path) / crawl.name
    # a killed run: a finished part, a part being written, the combined file being written
    first = pq.read_table(stage_root(seq_home) / crawl.name / "articles.parquet").slice(0, 3)
    pq.write_table(first, folder / ".articles.part-deadbeef-0000.parquet")
    (folder / "..articles.part-deadbeef-0001.parquet.tmp").write_bytes(b"torn")
    (folder / ".articles.parquet.tmp").write_bytes(b"torn")
    (folder / ".categories.part-deadbeef-0000.parquet").write_bytes(b"torn")
    satker = _satker(missing)
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


def test_a_crawl_sealed_before_pages_were_sorted_derives_the_same(crawls, sequential, tmp_path):
    """Pages in the order they arrived (crawls sealed before raw_store.COLUMNAR_ORDER), in
    several row groups: each worker's satker range still finds all of its pages."""
    seq_home, missing = sequential[0], sequential[3]
    crawl = max(crawls, key=lambda c: pq.read_metadata(stage_root(seq_home) / c.name / "articles.parquet").num_rows)
    old_crawl = config.raw_dir(tmp_path) / crawl.name
    shutil.copytree(crawl, old_crawl)
    pages = raw_store.columnar_files(old_crawl)["pages"]
    pq.write_table(duckdb.sql(f"FROM '{pages}' ORDER BY hash(url)").to_arrow_table(), pages, row_group_size=100)
    in_file = pq.read_table(pages, columns=["satker_id"]).column(0).to_pylist()
    assert in_file != sorted(in_file) and pq.read_metadata(pages).num_row_groups > 1
    assert raw_store.columnar_is_current(old_crawl, duckdb.connect())  # staged as it is, not written again
    stage_crawl(old_crawl, tmp_path)

    derive.derive_articles(old_crawl, tmp_path, _satker(missing), 2, min_rows=1)

    assert pq.read_table(stage_root(tmp_path) / crawl.name / "articles.parquet").equals(
        pq.read_table(stage_root(seq_home) / crawl.name / "articles.parquet"))


def test_even_ranges_cover_every_item_once():
    for sizes, tasks in [([5, 5, 5, 5], 2), ([100, 1, 1], 3), ([1] * 10, 4), ([7], 6), ([3, 0, 0, 9, 1], 2)]:
        ranges = derive._even_ranges(sizes, tasks)
        assert ranges[0][0] == 0 and ranges[-1][1] == len(sizes)
        assert all(a < b for a, b in ranges) and all(r[1] == s[0] for r, s in zip(ranges, ranges[1:]))
        assert len(ranges) <= tasks


SLOW_DERIVE = '''
import os, sys, time
from pathlib import Path
from kpu_berita.warehouse import derive

PIDS = Path(sys.argv[2]) / "worker-pids"
_assemble = derive.assemble_articles


def slow_assemble(*args, **kwargs):  # the forkserver preloads this main module: workers run it
    with open(PIDS, "a") as f:
        f.write(f"{os.getpid()}\\n")
    time.sleep(0.3)
    return _assemble(*args, **kwargs)


derive.assemble_articles = slow_assemble

if __name__ == "__main__":
    from kpu_berita import config
    from kpu_berita.pipelines.build_articles import SatkerInfo
    from kpu_berita.registry import load_registry
    satker = {r["satker_id"]: SatkerInfo(r["satker_id"], r["name"], r["base_url"])
              for r in load_registry(config.default_registry()) if r["satker_id"] != sys.argv[3]}
    derive.derive_articles(Path(sys.argv[1]), Path(sys.argv[2]), satker, 2, min_rows=1)
'''


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_killed_parallel_derive_leaves_no_file_and_no_workers(crawls, sequential, tmp_path):
    """SIGKILL the step while its workers run: no articles.parquet, the workers exit, and the
    next run writes the whole file."""
    seq_home, missing = sequential[0], sequential[3]
    crawl = max(crawls, key=lambda c: pq.read_metadata(stage_root(seq_home) / c.name / "articles.parquet").num_rows)
    stage_crawl(crawl, tmp_path)
    script = tmp_path / "slow_derive.py"
    script.write_text(SLOW_DERIVE)
    pids = tmp_path / "worker-pids"
    step = subprocess.Popen([sys.executable, str(script), str(crawl), str(tmp_path), missing])
    deadline = time.monotonic() + 120
    while not (pids.exists() and len(set(pids.read_text().split())) >= 2):
        assert step.poll() is None and time.monotonic() < deadline, "the workers never started"
        time.sleep(0.1)
    step.send_signal(signal.SIGKILL)
    step.wait()
    workers = {int(p) for p in pids.read_text().split()}
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)], "workers outlived their killed parent"
    folder = stage_root(tmp_path) / crawl.name
    assert not (folder / "articles.parquet").exists()
    derive.derive_articles(crawl, tmp_path, _satker(missing), 2, min_rows=1)
    assert not list(folder.glob("*.part-*"))
    assert pq.read_table(folder / "articles.parquet").equals(
        pq.read_table(stage_root(seq_home) / crawl.name / "articles.parquet"))


def test_two_builds_deriving_one_crawl_at_once_both_finish_with_the_same_files(crawls, sequential, tmp_path):
    # a schedule's build and an operator's on one home: both wrote .categories.parquet.tmp and
    # the second rename failed (FileNotFoundError) before either reached the writer's lock
    import threading

    seq_home, _, seq_counts, missing = sequential
    errors, results = [], []

    def build():
        try:
            for crawl in crawls:
                stage_crawl(crawl, tmp_path)
            satker = _satker(missing)
            results.append([derive.derive_articles(c, tmp_path, satker, 1)["articles"] for c in crawls]
                           + [derive.derive_categories(c.name, tmp_path, Classifier.default(), 1)["categorised"]
                              for c in crawls]
                           + [derive.derive_views(c.name, tmp_path)["view_snapshots"] for c in crawls])
        except Exception as exc:  # noqa: BLE001 (the test reports any)
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert results[0][:len(crawls)] == [c["articles"] for c in seq_counts]
    for crawl in crawls:
        for name in ("articles", "categories"):
            ours = pq.read_table(stage_root(tmp_path) / crawl.name / f"{name}.parquet")
            assert ours.equals(pq.read_table(stage_root(seq_home) / crawl.name / f"{name}.parquet"))
