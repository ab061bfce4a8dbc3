"""Thin shells around the pure report functions: open the warehouse, assemble, fetch the
photos, render, write. The CLI parses options into a ReportRequest and calls `write_report`."""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from kpu_berita import config
from kpu_berita.reports import images
from kpu_berita.reports.charts import month_chart_png
from kpu_berita.reports.context import template_context
from kpu_berita.reports.data import UnknownSatker, province_report, satker_report
from kpu_berita.reports.periods import PARSERS, Period
from kpu_berita.reports.render_docx import render_docx, render_province_docx
from kpu_berita.reports.render_text import render_json, render_markdown, render_province_markdown
from kpu_berita.reports.template import TemplateProblem, fill_template
from kpu_berita.user_files import written_whole

FULL_TEMPLATE = "laporan_bakohumas.docx"


class ReportProblem(ValueError):
    """Bad report options or data; one line for the operator."""


@dataclass(frozen=True)
class ReportRequest:
    home: Path
    period: Period
    satker_id: str | None = None
    province: str | None = None
    format: str = "md"  # md | docx | json
    layout: str = "list"  # list | table
    out: Path | None = None
    template: Path | None = None  # an operator's docxtpl template
    full: bool = False  # the shipped complete-report template
    include_reposts: bool = True
    titles_only: bool = False  # the short md/docx list: bare titles, as seed 000 (no date and views)


def parse_period_options(options: dict[str, str | None]) -> Period:
    """Exactly one of quarter / semester / year / period, parsed."""
    given = {kind: text for kind, text in options.items() if text}
    if len(given) != 1:
        raise ReportProblem("give exactly one of --quarter, --semester, --year or --period")
    (kind, text), = given.items()
    try:
        return PARSERS[kind](text)
    except ValueError as exc:
        raise ReportProblem(str(exc))


def full_template_path() -> Path:
    return Path(str(resources.files("kpu_berita.reports") / "templates" / FULL_TEMPLATE))


def _connect(home: Path):
    from kpu_berita.warehouse.db import WarehouseMissing, connect

    try:
        return connect(config.warehouse_path(home), read_only=True)
    except WarehouseMissing as exc:
        raise ReportProblem(str(exc))


def load_report(request: ReportRequest) -> dict:
    con = _connect(request.home)
    try:
        if request.province:
            return province_report(con, request.province, request.period, include_reposts=request.include_reposts)
        return satker_report(con, request.satker_id, request.period, include_reposts=request.include_reposts)
    except UnknownSatker as exc:
        raise ReportProblem(str(exc))
    finally:
        con.close()


def lead_photos(report: dict, home: Path) -> dict[str, Path]:
    """The humas activities' photos, from the cache or fetched (never from a private address)."""
    urls = [item["photo_url"] for item in report.get("humas_activities", [])]
    return images.fetch_all(urls, config.images_dir(home))


def _stem(request: ReportRequest) -> str:
    who = request.satker_id or request.province.lower().replace(" ", "-")
    return f"{who}-{request.period.key.replace('..', '_')}"


def uncrawled_note(report: dict) -> str | None:
    """One line for whoever asked, when the period runs past the satker's last crawl (a
    province's: any of its crawled satker's): an empty or short list may then mean "not
    crawled yet", not "nothing published". The document says it too (wording.data_until_line)."""
    end = report["period"]["end"]
    if "satker" in report:  # a province's
        behind = [r for r in report["satker"] if r["crawled"] and r["crawled_until"] and r["crawled_until"] < end]
        if not behind:
            return None
        return (f"note: {len(behind)} of the {len(report['satker'])} satker of {report['province']} were last "
                f"crawled before {end} (the earliest on {report['crawled_until']}): what they published after "
                "that is not in the report yet")
    until = report.get("crawled_until")
    if until is None:
        return f"note: {report['satker_id']} has not been crawled yet, so the report lists no article"
    if until >= end:
        return None
    return (f"note: {report['satker_id']} was last crawled on {until}: what it published after that day "
            f"(to {end}) is not in the report yet")


def write_report(request: ReportRequest, stdout=None, notes=None) -> Path | None:
    """Write the report the request asks for; returns the file written (None: stdout).
    `notes`: a stream for the line uncrawled_note gives, if any (the CLI's stderr)."""
    stdout = stdout or sys.stdout
    template = full_template_path() if request.full else request.template
    if (template or request.format == "docx") and request.out is None:
        request = replace(request, out=Path(f"{_stem(request)}.docx"))
    if template and not Path(template).is_file():
        raise ReportProblem(f"no template at {template}")
    report = load_report(request)
    note = uncrawled_note(report)
    if note and notes:
        print(note, file=notes)
    if request.province:
        return _write_province(request, report, stdout)
    if template:
        context = template_context(report, layout=request.layout, chart_png=_chart(report),
                                   photos=lead_photos(report, request.home), generated_on=dt.date.today())
        try:
            return fill_template(Path(template), context, request.out)
        except TemplateProblem as exc:
            raise ReportProblem(str(exc))
    if request.format == "docx":
        return render_docx(report, request.out, request.layout, lead_photos(report, request.home),
                           titles_only=request.titles_only)
    text = (render_json(report, request.layout) if request.format == "json"
            else render_markdown(report, request.layout, titles_only=request.titles_only))
    return _write_text(text, request.out, stdout)


def _chart(report: dict) -> bytes | None:
    return month_chart_png(report) if report["categories"] else None


def _write_province(request: ReportRequest, report: dict, stdout) -> Path | None:
    if request.format == "docx":
        return render_province_docx(report, request.out)
    text = render_json(report) if request.format == "json" else render_province_markdown(report)
    return _write_text(text, request.out, stdout)


def _write_text(text: str, out: Path | None, stdout) -> Path | None:
    if out is None:
        stdout.write(text if text.endswith("\n") else text + "\n")
        return None
    with written_whole(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(out)


def prefetch_demo_photos(home: Path, satker_ids: list[str], period: Period) -> int:
    """While the demo network is up (on loopback), cache the photos its sample reports use."""
    con = _connect(home)
    try:
        urls = [item["photo_url"] for sid in satker_ids
                for item in satker_report(con, sid, period)["humas_activities"]]
    finally:
        con.close()
    return len(images.fetch_all(urls, config.images_dir(home), allow_loopback=True))
