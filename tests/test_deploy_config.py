"""The deployment configs docs/operations.md shows are valid for the nightly job, and the
shard plan keeps provinces whole."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from kpu_berita.dagster_project.definitions import defs
from kpu_berita.registry import load_registry, shards

DEPLOY = Path(__file__).parents[1] / "deploy"


def test_every_shipped_run_config_is_valid_for_the_nightly_job():
    job = defs.resolve_job_def("nightly")
    configs = sorted(DEPLOY.glob("*.yaml"))
    assert configs
    for path in configs:
        result = dg.validate_run_config(job, yaml.safe_load(path.read_text()))
        assert result, path


def test_shards_keep_each_province_whole_and_cover_every_satker():
    rows = load_registry()
    split = shards(rows, 4)
    assert len(split) == 4 and sum(len(s) for s in split) == len(rows) == 552
    provinces = [{r["province"] for r in shard} for shard in split]
    assert all(a.isdisjoint(b) for i, a in enumerate(provinces) for b in provinces[i + 1:])
    assert max(map(len, split)) < 1.5 * min(map(len, split))  # similar sizes


def test_the_crawl_splits_one_process_per_cpu_by_default_at_most_two(monkeypatch):
    from kpu_berita.dagster_project.resources import KpuBerita
    from kpu_berita.warehouse import worker_pool

    for cpus, expected in ((1, 1), (2, 2), (8, 2)):
        monkeypatch.setattr(worker_pool.os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        assert KpuBerita().crawl_process_count == expected
        assert KpuBerita(crawl_processes=3).crawl_process_count == 3  # an operator's choice stands
    # whole provinces: a one-province re-crawl stays one Scrapy process whatever the count
    banten = [r for r in load_registry() if r["province"] == "Banten"]
    assert len(shards(banten, 2)) == 1


def test_every_resource_field_says_what_it_does_in_the_launchpad():
    config = defs.resolve_job_def("nightly").resource_defs["kpu"].config_schema.as_field().config_type
    assert "crawl_processes" in config.fields
    assert all(field.description for field in config.fields.values())
