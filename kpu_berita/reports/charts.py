"""Charts as PNG bytes (matplotlib, headless)."""
from __future__ import annotations

import io


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
    plt = _pyplot()
    months = [m["label"] for m in report["months"]]
    codes = [c["category"] for c in report["categories"]]
    labels = {c["category"]: c["label"] for c in report["categories"]}
    fig, ax = plt.subplots(figsize=(6.5, 3.2), dpi=150)
    bottom = [0] * len(months)
    for code in codes:
        counts = [sum(1 for a in m["articles"] if a["category"] == code) for m in report["months"]]
        ax.bar(months, counts, bottom=bottom, label=labels[code])
        bottom = [b + c for b, c in zip(bottom, counts)]
    ax.set_ylabel("Artikel")
    ax.set_title(f"Artikel per bulan menurut kategori, {report['period_label']}", fontsize=9)
    if len(months) > 4:
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    if codes:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return _png(fig, plt)


def province_chart_png(report: dict) -> bytes:
    plt = _pyplot()
    names = [r["satker_name"].replace("KPU ", "").replace("KIP ", "") for r in report["satker"]]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(names) + 1.2), dpi=150)
    ax.barh(names[::-1], [r["articles"] for r in report["satker"]][::-1],
            color=["#c0392b" if r["articles"] == 0 else "#2e86c1" for r in report["satker"]][::-1])
    ax.set_xlabel("Artikel")
    ax.set_title(f"Artikel per satker, {report['period_label']}", fontsize=9)
    fig.tight_layout()
    return _png(fig, plt)
