"""Materialise the Dagster assets in-process: the CLI and the demo use this, so there is
one code path from crawl to marts whether Dagster's UI or a shell command starts it."""
from __future__ import annotations

import dagster as dg

from kpu_berita.dagster_project.assets import ALL_ASSETS, raw_crawl
from kpu_berita.dagster_project.checks import ALL_CHECKS
from kpu_berita.dagster_project.resources import KpuBerita

CRAWL = dg.AssetSelection.assets(raw_crawl)
DOWNSTREAM_OF_CRAWL = CRAWL.downstream() - CRAWL
EVERYTHING = dg.AssetSelection.all()


class RunFailed(RuntimeError):
    pass


def materialize(kpu: KpuBerita, selection: dg.AssetSelection, *, log_level: str = "WARNING") -> dg.ExecuteInProcessResult:
    """Run the selected assets (and their checks) with `kpu`; raise RunFailed with the first error."""
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        selection=selection,
        resources={"kpu": kpu},
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        raise_on_error=False,
    )
    if not result.success:
        messages = [_root_cause(e.event_specific_data.error)
                    for e in result.all_events if e.is_step_failure and e.event_specific_data.error]
        raise RunFailed(messages[0] if messages else "the Dagster run failed")
    return result


def _root_cause(error) -> str:
    """The innermost error's message: what actually went wrong, not Dagster's wrapper."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return f"{error.message.strip().splitlines()[-1]}" if error.message else "the Dagster step failed"


def metadata_of(result: dg.ExecuteInProcessResult, asset_name: str) -> dict:
    """The metadata values of one asset's materialisation in `result`."""
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        if mat.asset_key.to_user_string() == asset_name:
            return {k: v.value for k, v in mat.metadata.items()}
    return {}


def failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    """'check_name: metadata' for each asset check that did not pass."""
    failed = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            details = ", ".join(f"{k}={v.value}" for k, v in evaluation.metadata.items())
            failed.append(f"{evaluation.check_name}: {details}")
    return failed
