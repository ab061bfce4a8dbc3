"""Definitions for `dagster dev` / `dagster job execute -m kpu_berita.dagster_project.definitions`
(assembly only). Where state lives comes from the environment, as Dagster expects:
KPU_BERITA_HOME (default ./.kpu-berita), KPU_BERITA_REGISTRY (default: the shipped 552 satker),
KPU_BERITA_PROFILE (default polite) and KPU_BERITA_NIGHTLY_CRON (default 01:00 WIB)."""
from __future__ import annotations

import dagster as dg

from kpu_berita import config
from kpu_berita.dagster_project.assets import ALL_ASSETS
from kpu_berita.dagster_project.build import BUILD_ASSETS
from kpu_berita.dagster_project.crawl import raw_crawl, sites_answered
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.dagster_project.schedules import nightly_job, nightly_schedule, rebuild_job


def _from_env(name: str, default):
    """dg.EnvVar(name) when the variable is set (resolved when a run starts, in the run's
    own process), else the default."""
    return dg.EnvVar(name) if config.env_is_set(name) else default


defs = dg.Definitions(
    assets=[raw_crawl, *ALL_ASSETS, *BUILD_ASSETS],
    asset_checks=[sites_answered],
    jobs=[nightly_job, rebuild_job],
    schedules=[nightly_schedule],
    resources={"kpu": KpuBerita(home=_from_env(config.HOME_ENV, str(config.default_home().resolve())),
                                registry=_from_env(config.REGISTRY_ENV, None),
                                profile=_from_env(config.PROFILE_ENV, "polite"))},
)
