"""Charts as PNG bytes (matplotlib, headless)."""
from __future__ import annotations

import io
import zlib

# One colour per taxonomy code (kpu_berita/data/taxonomy.csv), the same in every report: the
# colour cycle gave a category the colour of its place among those present (Pelantikan &
# Seremoni brown in one satker's chart, pink in another's), so charts side by side misled.
CATEGORY_COLOURS = {
    "rapat": "#1f77b4", "sosialisasi": "#2ca02c", "bimtek": "#ff7f0e", "diskusi": "#9467bd",
    "audiensi": "#17becf", "tahapan": "#d62728", "seremoni": "#8c564b", "pengumuman": "#bcbd22",
    "ucapan": "#e377c2", "opini": "#7f7f7f", "lainnya": "#c7c7c7",
}
# a code outside the shipped taxonomy (an edited categories table) still keeps one colour
_OTHER_COLOURS = ("#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94")


def category_colour(code: str) -> str:
    return CATEGORY_COLOURS.get(code) or _OTHER_COLOURS[zlib.crc32(code.encode()) % len(_OTHER_COLOURS)]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig, plt) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def month_chart_png(report: dict) -> bytes:
    """Stacked bars: articles per month by category."""
    return _png(month_chart_figure(report), _pyplot())


def month_chart_figure(report: dict):
    """The figure of month_chart_png: each category in its own colour, whole articles on the y axis."""
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    months = [m["label"] for m in report["months"]]
    codes = [c["category"] for c in report["categories"]]
    labels = {c["category"]: c["label"] for c in report["categories"]}
    fig, ax = plt.subplots(figsize=(6.5, 3.2), dpi=150)
    bottom = [0] * len(months)
    for code in codes:
        counts = [sum(1 for a in m["articles"] if a["category"] == code) for m in report["months"]]
        ax.bar(months, counts, bottom=bottom, label=labels[code], color=category_colour(code))
        bottom = [b + c for b, c in zip(bottom, counts)]
    ax.set_ylabel("Artikel")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # articles are counted whole: no 0.5 tick
    ax.set_title(f"Artikel per bulan menurut kategori, {report['period_label']}", fontsize=9)
    if len(months) > 4:
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    if codes:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def province_chart_png(report: dict) -> bytes:
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    names = [r["satker_name"].replace("KPU ", "").replace("KIP ", "") for r in report["satker"]]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(names) + 1.2), dpi=150)
    ax.barh(names[::-1], [r["articles"] for r in report["satker"]][::-1],
            color=["#c0392b" if r["articles"] == 0 else "#2e86c1" for r in report["satker"]][::-1])
    ax.set_xlabel("Artikel")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Artikel per satker, {report['period_label']}", fontsize=9)
    fig.tight_layout()
    return _png(fig, plt)
