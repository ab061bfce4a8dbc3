"""The nightly job (incremental crawl of every satker, then the build) and the rebuild job."""
from __future__ import annotations

import dagster as dg

nightly_job = dg.define_asset_job("nightly", selection=dg.AssetSelection.all(),
                                  description="Incremental crawl of all satker, then clean, classify, merge and publish.")

# Everything downstream of the crawl, from every raw crawl again: after a change of rules,
# model or schema. The run config sets the resource's `rebuild`.
rebuild_job = dg.define_asset_job(
    "rebuild", selection=dg.AssetSelection.all() - dg.AssetSelection.assets("raw_crawl"),
    description="Rebuild the warehouse from every raw crawl (new rules, model or schema).",
    config={"resources": {"kpu": {"config": {"rebuild": True}}}})

# 01:00 WIB: after the satker have posted the day's news, long before office hours.
nightly_schedule = dg.ScheduleDefinition(job=nightly_job, cron_schedule="0 1 * * *",
                                         execution_timezone="Asia/Jakarta",
                                         default_status=dg.DefaultScheduleStatus.STOPPED)
