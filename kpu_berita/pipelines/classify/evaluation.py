"""Scores of the classifier that can't flatter it: grouped cross-validation on the open part,
the frozen part (satker nobody read while writing rules) scored by a model trained without
it, each rule's precision there, and a calibration table. Metrics come from sklearn.metrics.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from kpu_berita.pipelines.classify.classifier import Classification, Classifier
from kpu_berita.pipelines.classify.labelled import CATEGORY_LABELS
from kpu_berita.pipelines.classify.rules import Rules

CONFIDENCE_BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)
RULE_PRECISION_FLOOR = 0.95  # below this on the frozen part, a rule should be a feature, not an override


@dataclass
class EvalReport:
    labels: list[str]
    per_category: dict[str, dict]  # code -> precision, recall, f1, support, predicted
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]  # rows: true, columns: predicted
    n: int
    note: str = ""
    calibration: list[dict] = field(default_factory=list)  # band, rows, mean confidence, accuracy
    flagged_share: float = 0.0
    kept_accuracy: float = 0.0  # accuracy among the rows not flagged needs_review
    threshold: float | None = None

    def format(self) -> str:
        lines = [self.note] if self.note else []
        lines.append(f"{'category':<12} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}")
        for code in self.labels:
            m = self.per_category[code]
            if m["support"] or m["predicted"]:
                lines.append(f"{code:<12} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")
        lines.append(f"\nrows {self.n}   accuracy {self.accuracy:.3f}   macro-F1 {self.macro_f1:.3f}")
        threshold = "" if self.threshold is None else f" (confidence < {self.threshold:.3f})"
        lines.append(f"needs_review{threshold}: {self.flagged_share:.1%} flagged; "
                     f"accuracy among the rest {self.kept_accuracy:.3f}")
        lines += ["", "calibration (accuracy per confidence band)",
                  f"{'band':<12} {'rows':>5} {'mean conf':>9} {'accuracy':>8}"]
        lines += [f"{b['band']:<12} {b['rows']:5d} {b['mean_confidence']:9.3f} {b['accuracy']:8.3f}"
                  for b in self.calibration]
        return "\n".join(lines + ["", self.format_confusion()])

    def format_confusion(self) -> str:
        shown = [c for c in self.labels if self.per_category[c]["support"] or self.per_category[c]["predicted"]]
        index = {c: i for i, c in enumerate(self.labels)}
        lines = ["confusion (rows = true, columns = predicted)", " " * 12 + "".join(f"{c[:6]:>7}" for c in shown)]
        for true in shown:
            lines.append(f"{true:<12}" + "".join(f"{self.confusion[index[true]][index[p]]:7d}" for p in shown))
        return "\n".join(lines)


def calibration_table(confidence: np.ndarray, correct: np.ndarray) -> list[dict]:
    table = []
    for low, high in zip(CONFIDENCE_BANDS[:-1], CONFIDENCE_BANDS[1:]):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            table.append({"band": f"{low:.2f}-{min(high, 1.0):.2f}", "rows": int(inside.sum()),
                          "mean_confidence": float(confidence[inside].mean()),
                          "accuracy": float(correct[inside].mean())})
    return table


def score(true: list[str], results: list[Classification], note: str = "", threshold: float | None = None) -> EvalReport:
    """Per-category precision/recall/F1, accuracy, macro-F1 over the codes present, calibration."""
    labels = list(CATEGORY_LABELS)
    predicted = [r.category for r in results]
    precision, recall, f1, support = precision_recall_fscore_support(true, predicted, labels=labels, zero_division=0)
    predicted_n = {c: predicted.count(c) for c in labels}
    per = {c: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
               "support": int(support[i]), "predicted": predicted_n[c]} for i, c in enumerate(labels)}
    present = sorted(set(true))
    confidence = np.array([r.confidence for r in results])
    correct = np.array([t == p for t, p in zip(true, predicted)])
    flagged = np.array([r.needs_review for r in results])
    return EvalReport(
        labels, per, float(f1_score(true, predicted, labels=present, average="macro", zero_division=0)) if true else 0.0,
        float(accuracy_score(true, predicted)) if true else 0.0,
        confusion_matrix(true, predicted, labels=labels).tolist() if true else [[0] * len(labels) for _ in labels],
        len(true), note, calibration_table(confidence, correct),
        float(flagged.mean()) if len(flagged) else 0.0,
        float(correct[~flagged].mean()) if (~flagged).any() else 0.0, threshold)


def _classify_rows(classifier: Classifier, rows: list[dict]) -> list[Classification]:
    return classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])


def evaluate(classifier: Classifier, rows: list[dict], note: str | None = None) -> EvalReport:
    """Score `classifier` on labelled rows (title, optional body, category)."""
    rows = [r for r in rows if r.get("category") in CATEGORY_LABELS]
    note = note if note is not None else (f"model {classifier.version} on {len(rows)} labelled rows "
                                          "(rows it was trained on flatter it)")
    return score([r["category"] for r in rows], _classify_rows(classifier, rows), note, classifier.model.threshold)


def grouped_folds(rows: list[dict], folds: int) -> list[tuple[list[int], list[int]]]:
    """Folds by satker: a satker's rows are all in one test fold, never in its training set."""
    groups = [r.get("satker") or f"row{i}" for i, r in enumerate(rows)]
    n_folds = min(folds, len(set(groups)))
    return [(list(train), list(test)) for train, test in GroupKFold(n_splits=n_folds).split(rows, groups=groups)]


def evaluate_grouped_cv(rows: list[dict], *, folds: int = 5, rules_path=None) -> EvalReport:
    """Cross-validation grouped by satker; model, calibration and threshold refitted per fold, rules fixed."""
    rows = [r for r in rows if r.get("category") in CATEGORY_LABELS]
    rules = Rules.load(rules_path)
    results: list[Classification | None] = [None] * len(rows)
    splits = grouped_folds(rows, folds)
    for train, test in splits:
        classifier = Classifier.from_rows(rules, [rows[i] for i in train], version="cv")
        for i, result in zip(test, _classify_rows(classifier, [rows[i] for i in test])):
            results[i] = result
    return score([r["category"] for r in rows], results,  # type: ignore[arg-type]
                 f"{len(splits)}-fold cross-validation grouped by satker on {len(rows)} rows "
                 "(model, calibration and threshold refitted per fold; rules fixed)")


def evaluate_frozen(train_rows: list[dict], frozen_rows: list[dict], *, rules_path=None) -> tuple[EvalReport, Classifier]:
    """A model trained on `train_rows` scored on the frozen satker it never saw."""
    classifier = Classifier.from_rows(Rules.load(rules_path), train_rows, version="open-part")
    hosts = len({r.get("satker") for r in frozen_rows})
    return evaluate(classifier, frozen_rows, f"frozen part: {len(frozen_rows)} rows of {hosts} satker never "
                                             f"read nor trained on (model trained on the other {len(train_rows)} rows)"), classifier


def rule_precision(rules: Rules, rows: list[dict]) -> list[dict]:
    """Each rule that fires on the rows' titles: how often its code is the label."""
    fired: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    overrides = {}
    for row in rows:
        hit = rules.first_rule(row["title"])
        if hit:
            fired[hit.rule_id][0] += hit.category == row["category"]
            fired[hit.rule_id][1] += 1
            overrides[hit.rule_id] = hit.overrides
    table = [{"rule": rule, "fired": n, "right": right, "precision": right / n, "overrides": overrides[rule]}
             for rule, (right, n) in fired.items()]
    return sorted(table, key=lambda r: (r["precision"], -r["fired"]))


def format_rule_precision(table: list[dict], title: str) -> str:
    lines = [title, f"{'precision':>9} {'right/fired':>11}  {'role':<8} rule (kind:category:pattern)"]
    for r in table:
        role = "override" if r["overrides"] else "feature"
        mark = "  <- below 0.95: make it a feature" if r["overrides"] and r["precision"] < RULE_PRECISION_FLOOR else ""
        lines.append(f"{r['precision']:9.3f} {r['right']:>5}/{r['fired']:<5}  {role:<8} {r['rule']}{mark}")
    total_right, total = sum(r["right"] for r in table), sum(r["fired"] for r in table)
    if total:
        lines.append(f"all rules: {total_right}/{total} = {total_right / total:.3f}")
    return "\n".join(lines)


def compare_models(named: dict[str, Classifier], rows: list[dict]) -> str:
    """One line per model on the same rows: accuracy, macro-F1, flagged share, kept accuracy."""
    lines = [f"{'model':<34} {'accuracy':>8} {'macro-F1':>8} {'flagged':>8} {'kept acc':>8}"]
    for name, classifier in named.items():
        report = evaluate(classifier, rows)
        lines.append(f"{name:<34} {report.accuracy:8.3f} {report.macro_f1:8.3f} {report.flagged_share:8.1%} "
                     f"{report.kept_accuracy:8.3f}")
    return "\n".join(lines)
