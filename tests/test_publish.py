"""Readers never block the writer and never see half a build: two reader processes query the
published warehouse without pause while two builds run and publish."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from kpu_berita import runner
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.demo_network import DemoNetwork, build_demo_sites
from kpu_berita.warehouse.db import connect

pytestmark = pytest.mark.slow
READER = """
import json, sys, time, duckdb
path, stop_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
import os
with open(out, "w") as f:
    while not os.path.exists(stop_file):
        try:
            con = duckdb.connect(path, read_only=True)
            row = con.execute('''SELECT (SELECT max(build_id) FROM _publications), (SELECT count(*) FROM articles),
                                        (SELECT count(*) FROM article_categories WHERE category = 'audiensi'),
                                        (SELECT sum(articles) FROM mart_quarterly_satker)''').fetchone()
            con.close()
            f.write(json.dumps({"ok": list(row)}) + "\\n")
        except Exception as exc:
            f.write(json.dumps({"error": str(exc)}) + "\\n")
"""


def test_readers_and_two_builds(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    sites = [s for s in build_demo_sites() if s.satker_id == "kab-serang"]
    with DemoNetwork(sites) as network:
        registry = network.write_registry(home / "registry.csv")
        kpu = KpuBerita(home=str(home), registry=str(registry), profile="loopback")
        runner.materialize(kpu, runner.EVERYTHING)
    published = home / "warehouse.duckdb"
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop), str(tmp_path / f"r{i}.jsonl")])
               for i in range(2)]
    try:
        time.sleep(1.0)
        for category in ("audiensi", "rapat"):  # two builds that publish different numbers
            con = connect(kpu.warehouse_path)
            key = con.execute("SELECT article_key FROM articles ORDER BY article_key LIMIT 1").fetchone()[0]
            con.execute("DELETE FROM corrections")
            con.execute("INSERT INTO corrections (article_key, category) VALUES (?, ?)", [key, category])
            con.close()
            runner.materialize(kpu, runner.DOWNSTREAM_OF_CRAWL)  # raises if the writer was blocked
            time.sleep(0.5)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=30)
    results = [json.loads(line) for i in range(2) for line in open(tmp_path / f"r{i}.jsonl")]
    errors = [r["error"] for r in results if "error" in r]
    assert not errors, errors[:3]
    by_build: dict[int, set] = {}
    for r in results:
        build_id, *numbers = r["ok"]
        by_build.setdefault(build_id, set()).add(tuple(numbers))
    assert len(by_build) == 3  # the first build and both rebuilds were each seen
    assert all(len(snapshots) == 1 for snapshots in by_build.values()), by_build  # never half a build
    assert len(results) > 50
