"""The statistical half of the classifier: a linear model over ArticleFeatures, and a
calibrator that turns each decision (rule or model) into an honest confidence.

Calibration is learnt from out-of-fold decisions grouped by satker, so a confidence of 0.8
means "right about 8 times in 10 on a satker the model was not trained on". The review
threshold is chosen on the same out-of-fold decisions (choose_threshold).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from kpu_berita.pipelines.classify.features import ArticleFeatures
from kpu_berita.pipelines.classify.labelled import CATEGORY_LABELS, sample_weight
from kpu_berita.pipelines.classify.rules import RuleHit, Rules

CALIBRATION_FOLDS = 4
MAX_FLAGGED = 0.15  # the review queue an analyst can clear each quarter
TARGET_KEPT_ACCURACY = 0.95
KINDS = ("settled", "title", "model")
# Probabilities always have a column per taxonomy code, in this order: a code with no training
# row (a rare one, or one missing from a fold) gets probability 0, and a rule may still name it.
ALL_CODES = np.array(sorted(CATEGORY_LABELS))


@dataclass(frozen=True)
class Decision:
    """What the rules and the model say about one article, before calibration."""

    category: str
    kind: str  # settled | title | model
    probabilities: np.ndarray  # the model's, over CategoryModel.classes
    rule: RuleHit | None


@dataclass
class CategoryModel:
    """The fitted pieces: features + linear model, confidence calibrator, review threshold."""

    base: Pipeline
    calibrator: LogisticRegression
    threshold: float
    version: str
    trained_on: dict = field(default_factory=dict)

    @property
    def classes(self) -> np.ndarray:
        return ALL_CODES

    def probabilities(self, matrix) -> np.ndarray:
        """Over ALL_CODES, from ArticleFeatures' matrix."""
        return widen(self.base.named_steps["linear"].predict_proba(matrix), self.base.classes_)

    def coefficients(self) -> np.ndarray:
        """The linear model's weights, one row per code of ALL_CODES (zeros for codes it never saw)."""
        linear = self.base.named_steps["linear"]
        out = np.zeros((len(ALL_CODES), linear.coef_.shape[1]))
        out[np.searchsorted(ALL_CODES, linear.classes_)] = linear.coef_
        return out

    def confidence(self, decisions: list[Decision]) -> np.ndarray:
        if not decisions:
            return np.zeros(0)
        return self.calibrator.predict_proba(calibration_features(decisions, self.classes))[:, 1]


def _base_pipeline(rules: Rules) -> Pipeline:
    # C=8: the grouped-CV optimum on the open part among 2, 8, 20 (differences were small)
    return Pipeline([("features", ArticleFeatures(rules)),
                     ("linear", LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced"))])


def fit_base(rules: Rules, rows: list[dict]) -> Pipeline:
    base = _base_pipeline(rules)
    # one BLAS thread: on a shared 2-core machine lbfgs ran 10x slower with OpenBLAS threads spinning
    with threadpool_limits(limits=1, user_api="blas"):
        base.fit([(r["title"], r.get("body")) for r in rows], [r["category"] for r in rows],
                 linear__sample_weight=np.array([sample_weight(r) for r in rows]))
    return base


def decide(rule: RuleHit | None, probabilities: np.ndarray, classes: np.ndarray) -> Decision:
    """A rule that overrides decides; otherwise the model's best code (never `lainnya` by default)."""
    if rule is not None and rule.overrides:
        return Decision(rule.category, rule.kind, probabilities, rule)
    order = np.argsort(probabilities)[::-1]
    best = classes[order[0]]
    if best == "lainnya" and probabilities[order[0]] < 0.5:
        best = classes[order[1]]  # lainnya is a last resort, never a default for low confidence
    return Decision(str(best), "model", probabilities, rule)


def calibration_features(decisions: list[Decision], classes: np.ndarray) -> np.ndarray:
    """Per decision: its kind, the model's probability of the chosen code and of its own best,
    and whether a rule and the model agree."""
    index = {c: i for i, c in enumerate(classes)}
    out = np.zeros((len(decisions), len(KINDS) + 3))
    for n, d in enumerate(decisions):
        out[n, KINDS.index(d.kind)] = 1.0
        out[n, len(KINDS)] = d.probabilities[index[d.category]] if d.category in index else 0.0
        out[n, len(KINDS) + 1] = d.probabilities.max()
        out[n, len(KINDS) + 2] = float(d.rule is not None and classes[d.probabilities.argmax()] == d.rule.category)
    return out


def widen(probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    out = np.zeros((len(probabilities), len(ALL_CODES)))
    out[:, np.searchsorted(ALL_CODES, classes)] = probabilities
    return out


def _groups(rows: list[dict]) -> list[str]:
    return [r.get("satker") or f"row{i}" for i, r in enumerate(rows)]


def out_of_fold_decisions(rules: Rules, rows: list[dict], folds: int = CALIBRATION_FOLDS) -> list[Decision]:
    """Each row decided by a model that never saw its satker."""
    decisions: list[Decision | None] = [None] * len(rows)
    groups = _groups(rows)
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train, test in splitter.split(rows, groups=groups):
        base = fit_base(rules, [rows[i] for i in train])
        probabilities = widen(base.predict_proba([(rows[i]["title"], rows[i].get("body")) for i in test]),
                              base.classes_)
        for i, p in zip(test, probabilities):
            decisions[i] = decide(rules.first_rule(rows[i]["title"]), p, ALL_CODES)
    return decisions  # type: ignore[return-value]


def choose_threshold(confidence: np.ndarray, correct: np.ndarray) -> float:
    """The lowest threshold whose kept decisions are TARGET_KEPT_ACCURACY right; when that
    would flag more than MAX_FLAGGED, the threshold that flags MAX_FLAGGED instead."""
    for t in np.unique(np.round(confidence, 3)):
        kept = confidence >= t
        if kept.any() and correct[kept].mean() >= TARGET_KEPT_ACCURACY:
            break
    else:
        t = 1.0
    cap = float(np.quantile(confidence, MAX_FLAGGED)) if len(confidence) else 0.0
    return float(min(t, cap))


def version_of(rows: list[dict], now: dt.datetime | None = None) -> str:
    """UTC time of training + a digest of the rows: sorts by age, names what it learnt from."""
    digest = hashlib.sha256("\n".join(f"{r['title']}\t{r['category']}" for r in rows).encode()).hexdigest()[:8]
    return f"{(now or dt.datetime.now(dt.timezone.utc)):%Y%m%dT%H%M%SZ}-{digest}"


def train(rules: Rules, rows: list[dict], *, version: str | None = None, trained_on: dict | None = None) -> CategoryModel:
    """Fit the model on `rows`, its calibrator and threshold on out-of-fold decisions."""
    decisions = out_of_fold_decisions(rules, rows)
    correct = np.array([d.category == r["category"] for d, r in zip(decisions, rows)])
    features = calibration_features(decisions, ALL_CODES)
    calibrator = LogisticRegression(C=1.0, max_iter=1000).fit(features, correct)
    threshold = choose_threshold(calibrator.predict_proba(features)[:, 1], correct)
    return CategoryModel(fit_base(rules, rows), calibrator, threshold, version or version_of(rows),
                         trained_on or {"rows": len(rows)})
