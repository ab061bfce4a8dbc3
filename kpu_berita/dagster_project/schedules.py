"""The nightly job (incremental crawl of every satker, then the build), its schedule, and the
rebuild job."""
from __future__ import annotations

import datetime as dt
import logging

import dagster as dg

from kpu_berita import config

nightly_job = dg.define_asset_job("nightly", selection=dg.AssetSelection.all(),
                                  description="Incremental crawl of all satker, then clean, classify, merge and publish.")

# Everything downstream of the crawl, from every raw crawl again: after a change of rules,
# model or schema. The run config sets the resource's `rebuild`.
rebuild_job = dg.define_asset_job(
    "rebuild", selection=dg.AssetSelection.all() - dg.AssetSelection.assets("raw_crawl"),
    description="Rebuild the warehouse from every raw crawl (new rules, model or schema).",
    config={"resources": {"kpu": {"config": {"rebuild": True}}}})

# a run in one of these has not finished: a new nightly would crawl the same sites beside it
UNFINISHED = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
              dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
# An unfinished nightly older than this is presumed dead, not slow: a power loss leaves its run
# STARTED for good (the default run launcher has no worker health check), and the nights after
# it must not wait on it; its crawl resumes in the next run. The first crawl of a national home,
# one request a second per host, takes a few hours (a 3,000-article site about one).
PRESUMED_DEAD_AFTER = dt.timedelta(hours=20)


def nightly_request(instance: dg.DagsterInstance, now: dt.datetime | None = None,
                    log: logging.Logger | None = None) -> dg.RunRequest | dg.SkipReason:
    """A nightly run, unless the last one is still going: two would crawl every site twice at
    once, and the second build would stop at the writer's lock."""
    now = now or dt.datetime.now(dt.timezone.utc)
    for record in instance.get_run_records(dg.RunsFilter(job_name=nightly_job.name, statuses=UNFINISHED)):
        run, age = record.dagster_run, now - record.create_timestamp
        if age < PRESUMED_DEAD_AFTER:
            return dg.SkipReason(f"nightly run {run.run_id} has not finished ({run.status.value})")
        if log:
            log.warning(f"nightly run {run.run_id} is still {run.status.value} after {age}: presumed dead, "
                        "starting the next nightly (mark it failed in the UI to clear it)")
    return dg.RunRequest()


def _nightly_schedule(cron: str) -> dg.ScheduleDefinition:
    try:
        @dg.schedule(job=nightly_job, cron_schedule=cron, execution_timezone="Asia/Jakarta", name="nightly_schedule",
                     default_status=dg.DefaultScheduleStatus.STOPPED)
        def nightly_schedule(context: dg.ScheduleEvaluationContext):
            return nightly_request(context.instance, log=context.log)
    except dg.DagsterInvalidDefinitionError as e:
        raise ValueError(f"{config.NIGHTLY_CRON_ENV}={cron!r} is not a cron schedule "
                         f"(five fields, e.g. {config.NIGHTLY_CRON!r}): {e}") from None
    return nightly_schedule


nightly_schedule = _nightly_schedule(config.nightly_cron())
