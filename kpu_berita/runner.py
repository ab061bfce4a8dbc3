"""Materialise the Dagster assets in-process: the CLI and the demo use this, so there is
one code path from crawl to marts whether Dagster's UI or a shell command starts it."""
from __future__ import annotations

import logging
import re
import sys
import time

import dagster as dg

from kpu_berita.dagster_project.assets import ALL_ASSETS, PROGRESS_MARK
from kpu_berita.dagster_project.build import BUILD_ASSETS
from kpu_berita.dagster_project.crawl import raw_crawl, sites_answered
from kpu_berita.dagster_project.resources import KpuBerita

CRAWL = dg.AssetSelection.assets(raw_crawl)
DOWNSTREAM_OF_CRAWL = CRAWL.downstream() - CRAWL
EVERYTHING = dg.AssetSelection.all()


class RunFailed(RuntimeError):
    """The run failed: the first step error's message, and the blocking checks that failed."""

    def __init__(self, message: str, checks: list[str] | None = None):
        super().__init__(message)
        self.checks = checks or []


class Interrupted(RunFailed):
    """A signal (Ctrl-C, SIGTERM) stopped the run. A crawl resumes where it stopped and a
    build leaves the published warehouse as it was, so the remedy is to run it again."""


def _cause_chain(error) -> list:
    """A step's serialised error, then what caused it, down to the innermost."""
    chain = []
    while error is not None:
        chain.append(error)
        error = getattr(error, "cause", None)
    return chain


def _interrupted(error) -> bool:
    return any(e.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt") for e in _cause_chain(error))


class _StepProgress(logging.Handler):
    """One line per asset step (started / done in N s / failed) and the crawl's progress."""

    def __init__(self, stream):
        super().__init__(logging.DEBUG)
        self.stream, self.started = stream, {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        event, step = meta.get("dagster_event"), meta.get("step_key")
        if event is not None and step:
            kind = event.event_type_value
            if kind == "STEP_START":
                self.started[step] = time.monotonic()
                self._print(f"  {step} ...")
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
                seconds = time.monotonic() - self.started.get(step, time.monotonic())
                self._print(f"  {step} {'done' if kind == 'STEP_SUCCESS' else 'FAILED'} ({seconds:.1f} s)")
        elif str(meta.get("orig_message", "")).startswith(PROGRESS_MARK):
            self._print(f"    {meta['orig_message'][len(PROGRESS_MARK):].strip()}")

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)


@dg.logger(description="step-by-step progress on stderr, for the CLI")
def progress_logger(init_context):
    log = logging.getLogger("kpu_berita.progress")
    log.setLevel(logging.DEBUG)
    log.handlers = [_StepProgress(sys.stderr)]
    log.propagate = False
    return log


def materialize(kpu: KpuBerita, selection: dg.AssetSelection, *, log_level: str = "WARNING",
                progress: bool = False) -> dg.ExecuteInProcessResult:
    """Run the selected assets (and their checks) with `kpu`; raise RunFailed with the first error.

    progress: print each step and the crawl's progress on stderr (the CLI does)."""
    loggers = {"console": {"config": {"log_level": log_level}}}
    # the in-process executor runs one step at a time: every crawl shard in one step, so
    # their Scrapy processes run side by side (crawl.crawl_shard)
    kpu = KpuBerita(**{**{name: getattr(kpu, name) for name in KpuBerita.model_fields}, "crawl_in_one_step": True})
    if progress:
        loggers["progress"] = {}
    # the same assets and checks as definitions.py; a job so the CLI can add its progress logger
    defs = dg.Definitions(assets=[raw_crawl, *ALL_ASSETS, *BUILD_ASSETS], asset_checks=[sites_answered],
                          resources={"kpu": kpu},
                          jobs=[dg.define_asset_job("cli_run", selection=selection)],
                          loggers={"console": dg.colored_console_logger, "progress": progress_logger})
    result = defs.resolve_job_def("cli_run").execute_in_process(run_config={"loggers": loggers}, raise_on_error=False)
    if not result.success:
        errors = [e.event_specific_data.error for e in result.all_events
                  if e.is_step_failure and e.event_specific_data.error]
        if any(_interrupted(error) for error in errors):
            raise Interrupted("interrupted")
        messages = [_root_cause(error) for error in errors]
        message, checks = messages[0] if messages else "the Dagster run failed", failed_checks(result)
        if checks and message.endswith(":"):  # Dagster's "1 blocking asset check failed ...:" names them below
            message = f"{message[:-1]} (CHECK FAILED above); the published warehouse was left as it was"
        raise RunFailed(message, checks)
    return result


def _root_cause(error) -> str:
    """The innermost error's first line: what actually went wrong, not Dagster's wrapper (a
    DuckDB error's last lines point at the SQL with a caret: "^" was all the CLI said)."""
    error = _cause_chain(error)[-1]
    lines = [line.strip() for line in (error.message or "").splitlines() if line.strip()]
    # "kpu_berita.warehouse.merge.BuildLocked: another build is writing ...": the words, not the class
    return _EXCEPTION_CLASS.sub("", lines[0]) if lines else "the Dagster step failed"


_EXCEPTION_CLASS = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*: ")


def metadata_of(result: dg.ExecuteInProcessResult, asset_name: str) -> dict:
    """The metadata values of one asset's materialisation in `result`."""
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        if mat.asset_key.to_user_string() == asset_name:
            return {k: v.value for k, v in mat.metadata.items()}
    return {}


def failed_checks(result: dg.ExecuteInProcessResult, severity: str = "ERROR") -> list[str]:
    """'check_name: metadata' for each asset check of `severity` (ERROR or WARN) that did not pass."""
    failed = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity.value == severity:
            details = ", ".join(f"{k}={v.value}" for k, v in evaluation.metadata.items())
            failed.append(f"{evaluation.check_name}: {details}")
    return failed
