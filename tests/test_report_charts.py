"""The month chart: whole articles on the y axis, and each category in one colour in every
report, so the charts of two satker can be laid side by side."""
from __future__ import annotations

import csv
from importlib import resources

import pytest
from matplotlib.colors import to_rgba

from kpu_berita.reports.charts import CATEGORY_COLOURS, _pyplot, category_colour, month_chart_figure
from tests.report_samples import sample_report


def bar_colours(report) -> dict[str, tuple]:
    """Legend label -> the colour its bars are drawn in."""
    figure = month_chart_figure(report)
    try:
        axes = figure.axes[0]
        return {container.get_label(): container.patches[0].get_facecolor() for container in axes.containers}
    finally:
        _pyplot().close(figure)


def test_the_y_axis_counts_whole_articles():
    figure = month_chart_figure(sample_report())  # at most 2 articles a month: ticks were 0.25, 0.5 ...
    try:
        figure.canvas.draw()
        ticks = figure.axes[0].get_yticks()
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)
    finally:
        _pyplot().close(figure)


def test_a_category_has_its_colour_whichever_others_are_present():
    both = sample_report()
    alone = dict(both, categories=[c for c in both["categories"] if c["category"] == "sosialisasi"])
    # sosialisasi came second in one chart and first in the other: the colour cycle changed its colour
    assert bar_colours(both)["Sosialisasi"] == bar_colours(alone)["Sosialisasi"] == to_rgba(CATEGORY_COLOURS["sosialisasi"])
    assert bar_colours(both)["Rapat & Koordinasi"] == to_rgba(CATEGORY_COLOURS["rapat"])


def test_every_taxonomy_code_has_a_colour_of_its_own():
    with (resources.files("kpu_berita") / "data" / "taxonomy.csv").open(encoding="utf-8") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    assert set(codes) == set(CATEGORY_COLOURS)
    assert len(set(CATEGORY_COLOURS.values())) == len(codes)


@pytest.mark.parametrize("code", ["baru", "kategori_lain"])
def test_a_code_outside_the_taxonomy_keeps_one_colour_too(code):
    assert category_colour(code) == category_colour(code) and category_colour(code) not in CATEGORY_COLOURS.values()
