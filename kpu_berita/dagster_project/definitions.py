"""Definitions for `dagster dev -m kpu_berita.dagster_project.definitions` (assembly only)."""
from __future__ import annotations

import dagster as dg

from kpu_berita.config import default_home
from kpu_berita.dagster_project.assets import ALL_ASSETS
from kpu_berita.dagster_project.checks import ALL_CHECKS
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.dagster_project.schedules import nightly_job, nightly_schedule

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={"kpu": KpuBerita(home=str(default_home().resolve()))},
)
