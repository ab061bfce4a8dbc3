"""The work behind `kpu-berita classify | eval | train | review`: files and the home in,
text and rows out. The CLI only parses arguments and prints; bad input raises InputError."""
from __future__ import annotations

import csv
from pathlib import Path

from kpu_berita.pipelines.classify import evaluation, store
from kpu_berita.pipelines.classify import model as category_model
from kpu_berita.pipelines.classify.classifier import Classifier
from kpu_berita.pipelines.classify.labelled import (LabelError, check_label, frozen_hosts, read_labelled,
                                                    shipped_paths, split_frozen)
from kpu_berita.pipelines.classify.rules import Rules
from kpu_berita.user_csv import decimal_text, delimiter_of, dict_reader, open_text, sheet_row
from kpu_berita.user_files import written_whole

OUTPUT_COLUMNS = ("category", "confidence", "needs_review", "reason")


class InputError(ValueError):
    """One line naming the file (and row) that is wrong."""


def read_input_csv(path: Path) -> tuple[list[str], list[dict], str]:
    try:
        with open_text(path) as f:
            reader = dict_reader(f)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read {path}: {exc}")
    if not columns or not rows:
        raise InputError(f"{path}: the file is empty (no header and rows)" if not columns else f"{path}: no rows")
    if "title" not in columns:
        raise InputError(f"{path}: missing column title (columns: {', '.join(columns)})")
    return columns, rows, delimiter_of(reader)


def classify_csv(in_path: Path, out_path: Path, classifier: Classifier) -> int:
    """Every input column kept as given, plus category, confidence, needs_review (true/false),
    reason; written with the input's delimiter, so a ";" file from Excel opens as it came (its
    confidence with a decimal comma, "0,97", as that Excel reads numbers).
    An input with all four (an earlier output) has them written anew."""
    columns, rows, delimiter = read_input_csv(in_path)
    taken = [c for c in OUTPUT_COLUMNS if c in columns]
    # all four: an earlier output classified again, and its columns are refreshed; fewer are the
    # user's own (labels to compare with, say), which a silent overwrite would lose
    if taken and len(taken) < len(OUTPUT_COLUMNS):
        raise InputError(f"{in_path}: has column(s) {', '.join(taken)}, which classify writes: rename them "
                         f"(e.g. {taken[0]}_manual) to keep them")
    results = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    fieldnames = columns + [c for c in OUTPUT_COLUMNS if c not in columns]
    with written_whole(out_path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, delimiter=delimiter)
        writer.writeheader()
        for row, result in zip(rows, results):
            writer.writerow({**row, "category": result.category,
                             "confidence": decimal_text(result.confidence, 2, delimiter),
                             "needs_review": "true" if result.needs_review else "false", "reason": result.reason})
    return len(rows)


def labelled_rows(paths: list[Path] | None) -> list[dict]:
    try:
        return read_labelled(paths or shipped_paths())
    except LabelError as exc:
        raise InputError(str(exc))
    except OSError as exc:
        raise InputError(f"cannot read {exc.filename}: {exc.strerror}")
    except csv.Error as exc:  # read_labelled names no file in a csv error: the one file given, or which
        raise InputError(f"cannot read {', '.join(map(str, paths or shipped_paths()))}: {exc}")


def two_part_report(rows: list[dict], home: Path | None, folds: int = 5) -> str:
    """Grouped CV on the open part, the frozen part, rule precision there, saved models compared."""
    open_rows, frozen_rows = split_frozen(rows)
    parts = [f"labelled rows: {len(rows)}; frozen part: {len(frozen_rows)} rows of "
             f"{len({r['satker'] for r in frozen_rows})} satker (kpu_berita/data/frozen_hosts.txt); "
             f"open part: {len(open_rows)} rows", "",
             "== cross-validation on the open part ==", evaluation.evaluate_grouped_cv(open_rows, folds=folds).format()]
    frozen_report, open_model = evaluation.evaluate_frozen(open_rows, frozen_rows)
    parts += ["", "== frozen part (satker never seen) ==", frozen_report.format(), "",
              evaluation.format_rule_precision(evaluation.rule_precision(Rules.load(), frozen_rows),
                                               "== rules on the frozen part =="),
              "", evaluation.format_rule_precision(evaluation.rule_precision(Rules.load(), open_rows),
                                                   "== rules on the open part (written reading these: optimistic) ==")]
    if home is not None and store.versions(home):
        parts += ["", "== saved models on the frozen part ==", compare_saved(home, frozen_rows, open_model)]
    return "\n".join(parts)


def compare_saved(home: Path, frozen_rows: list[dict], shipped: Classifier | None = None) -> str:
    """The newest saved model, the one before it, and the shipped one, on the same frozen rows."""
    named = {}
    for version in store.versions(home)[-2:][::-1]:
        model = store.load(home, version)
        named[("newest " if not named else "previous ") + version] = Classifier(model.base.named_steps["features"].rules, model)
    named["shipped"] = shipped or Classifier.default()
    return evaluation.compare_models(named, frozen_rows)


def score_labelled(rows: list[dict], classifier: Classifier, cv: bool, folds: int = 5) -> str:
    """`eval --labeled`: the current model on the rows, or grouped CV over them."""
    if not rows:
        raise InputError("no labelled rows to score (the files are empty, or --satker matched none)")
    if cv:
        _enough_to_fit(rows, "cross-validate", min_satker=2)
        try:
            return evaluation.evaluate_grouped_cv(rows, folds=folds).format()
        except ValueError as exc:  # sklearn's word for rows it can't fit on (one class in a fold, no words)
            raise InputError(f"cannot cross-validate on these {len(rows)} rows: {exc}")
    held_out = sum(r.get("satker") in frozen_hosts() for r in rows)
    return evaluation.evaluate(classifier, rows, f"model {classifier.version} on {len(rows)} labelled rows "
                                                 f"({held_out} of them from frozen satker it never saw; rows it "
                                                 "was trained on flatter it)").format()


def _enough_to_fit(rows: list[dict], what: str, *, min_satker: int) -> None:
    """Rows from too few satker or of one code can't be fitted and scored apart by satker:
    one line saying so, where sklearn would raise from deep inside."""
    satker = {r.get("satker") or f"row{i}" for i, r in enumerate(rows)}  # a row without satker is its own
    codes = {r.get("category") for r in rows}
    if len(satker) < min_satker or len(codes) < 2:
        raise InputError(f"too few labelled rows to {what}: {len(rows)} rows from {len(satker)} satker with "
                         f"{len(codes)} code(s); it needs rows of 2 codes or more from {min_satker} satker or more")


def train(home: Path, rows: list[dict], corrections: list[dict]) -> tuple[Path, str]:
    """Fit on the labelled rows outside the frozen split plus corrections; save under HOME/models."""
    open_rows, frozen_rows = split_frozen(rows)
    training = open_rows + corrections
    _enough_to_fit(training, "train", min_satker=category_model.CALIBRATION_FOLDS)
    try:
        classifier = Classifier.from_rows(Rules.load(), training, trained_on={
            "labelled_rows": len(open_rows), "corrections": len(corrections), "frozen_rows_held_out": len(frozen_rows),
            "files": sorted({r["source_file"] for r in open_rows})})
    except ValueError as exc:  # sklearn's word for rows it can't fit on (one class in a fold, no words)
        raise InputError(f"cannot train on these {len(training)} rows: {exc}")
    folder = store.save(classifier.model, home)
    summary = (f"trained model {classifier.version} on {len(open_rows)} labelled rows + {len(corrections)} "
               f"corrections ({len(frozen_rows)} frozen rows held out); needs_review below "
               f"{classifier.model.threshold:.3f}\nsaved to {folder}; builds use it from now on")
    return folder, summary + "\n\n" + compare_saved(home, frozen_rows)


def train_in_home(home: Path, labelled_paths: list[Path] | None, *, with_corrections: bool) -> str:
    """`kpu-berita train`: labelled files (checked first) + the warehouse's corrections -> HOME/models."""
    from kpu_berita import config
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.review import corrections_as_training_rows

    rows = labelled_rows(labelled_paths)
    corrections, note = [], "" if with_corrections else "corrections left out (--no-corrections)\n"
    # the builds' working copy holds corrections not yet built; else the published copy
    found = [p for p in (config.working_warehouse_path(home), config.warehouse_path(home)) if p.exists()]
    if with_corrections and not found:
        note = f"no warehouse in {home}: training without corrections\n"
    elif with_corrections:
        con = connect(found[0], read_only=True)
        try:
            corrections = corrections_as_training_rows(con)
        except LabelError as exc:
            raise InputError(str(exc))
        finally:
            con.close()
    return note + train(home, rows, corrections)[1]


def read_corrections(path: Path) -> list[dict]:
    """A corrections CSV, or a review sheet (.csv/.xlsx) from `kpu-berita review`."""
    from kpu_berita.warehouse.review import read_sheet_columns

    try:
        columns, rows = read_sheet_columns(path)  # headers as the sheet writes them: "Article_Key " is article_key
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise InputError(f"cannot read {path}: {exc}")
    if not columns:  # an empty file is not a sheet nobody has filled yet: the wrong file, most likely
        raise InputError(f"{path}: the file is empty (no header row)")
    if "article_key" not in columns:
        raise InputError(f"{path}: missing column(s) article_key")
    return rows


def corrections_to_apply(rows: list[dict], source: str | None, *, remove: bool) -> list[dict]:
    """Checked corrections (codes, dates); a review sheet's rows the analyst left empty are skipped."""
    import datetime as dt

    is_review_sheet = bool(rows) and "best_category" in rows[0]
    to_apply, row_of = [], {}
    for n, row in enumerate(rows, start=1):
        where = f"{source} row {sheet_row(n)}" if source else "--article"
        if is_review_sheet and not (row.get("category") or row.get("published_date")):
            continue  # still to do, not an error
        if source and not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line or row between the filled ones
        key = row.get("article_key")
        if key in row_of:  # which one the analyst meant is theirs to say
            raise InputError(f"{source}: article {key!r} is in rows {row_of[key]} and {sheet_row(n)}: keep one")
        row_of[key] = sheet_row(n)
        if row.get("category"):
            row["category"] = row["category"].strip().lower()  # "Rapat " typed into the sheet is rapat
            try:
                check_label(row["category"], where)
            except LabelError as exc:
                raise InputError(str(exc))
        if row.get("published_date") and source:  # --date was checked by argparse (cli.common.published_date_arg)
            try:
                corrected = dt.date.fromisoformat(row["published_date"])
            except ValueError:
                raise InputError(f"{where}: not a date (YYYY-MM-DD): {row['published_date']!r}")
            if corrected > dt.date.today():  # a typo'd year: the article would leave every report
                raise InputError(f"{where}: {corrected.isoformat()} is a day still to come")
            row["published_date"] = corrected.isoformat()
        if not remove and not (row.get("category") or row.get("published_date")):
            raise InputError(f"{where}: a correction needs a category or a published_date")
        to_apply.append({**row, "_where": where} if source else row)
    return to_apply


def review_rows(con, classifier: Classifier, quarter: str, satker: list[str] | None, province: str | None) -> list[dict]:
    """The review sheet's rows: flagged articles of the quarter, with both codes' reasons."""
    from kpu_berita.pipelines.dates import parse_quarter
    from kpu_berita.warehouse.review import flagged_articles, review_sheet

    try:
        parse_quarter(quarter)
    except ValueError as exc:
        raise InputError(str(exc))
    flagged = flagged_articles(con, quarter, satker=satker, province=province)
    reasons = classifier.explain([r["title"] for r in flagged], [r["body"] for r in flagged],
                                 [r["second_category"] for r in flagged])
    return review_sheet(flagged, reasons)

