"""The nightly job: crawl every satker of the registry incrementally, then rebuild."""
from __future__ import annotations

import dagster as dg

nightly_job = dg.define_asset_job("nightly", selection=dg.AssetSelection.all(),
                                  description="Incremental crawl of all satker, then clean, classify and the marts.")

# 01:00 WIB: after the satker have posted the day's news, long before office hours.
nightly_schedule = dg.ScheduleDefinition(job=nightly_job, cron_schedule="0 1 * * *",
                                         execution_timezone="Asia/Jakarta",
                                         default_status=dg.DefaultScheduleStatus.STOPPED)
