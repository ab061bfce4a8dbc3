"""Classifier: rules that have earned it decide, the model decides the rest, and every result
says how sure it is, whether an analyst should check it, and the runner-up code with reasons."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kpu_berita.pipelines.classify import model as category_model
from kpu_berita.pipelines.classify.labelled import read_labelled, shipped_rows, split_frozen
from kpu_berita.pipelines.classify.rules import Rules, topics
from kpu_berita.pipelines.classify.features import LEAD_CHARS, prepare
from kpu_berita.pipelines.classify.model import ALL_CODES

REASON_TERMS = 3  # words named in a model reason


@dataclass(frozen=True)
class Classification:
    category: str
    confidence: float  # calibrated: the share of such decisions that are right on unseen satker
    reason: str
    needs_review: bool = False
    second_category: str | None = None
    second_confidence: float = 0.0
    second_reason: str = ""
    model_version: str = ""


class Classifier:
    """Rules, then the model: `classify(title, body)` -> Classification."""

    def __init__(self, rules: Rules, model: category_model.CategoryModel):
        self.rules = rules
        self.model = model

    @classmethod
    @functools.cache
    def default(cls) -> "Classifier":
        """Trained at first use (a few seconds) on the shipped labelled rows outside the frozen split."""
        open_rows, _ = split_frozen(shipped_rows())
        return cls.from_rows(Rules.load(), open_rows, version="shipped")

    @classmethod
    def for_home(cls, home: Path | str) -> "Classifier":
        """The newest model `kpu-berita train` saved under HOME/models, else the shipped one."""
        from kpu_berita.pipelines.classify import store

        saved = store.newest(home)
        return cls(saved.base.named_steps["features"].rules, saved) if saved else cls.default()

    @classmethod
    def from_files(cls, rules_path, training_csvs: list) -> "Classifier":
        return cls.from_rows(Rules.load(rules_path), read_labelled(training_csvs))

    @classmethod
    def from_rows(cls, rules: Rules, rows: list[dict], *, version: str | None = None,
                  trained_on: dict | None = None) -> "Classifier":
        return cls(rules, category_model.train(rules, rows, version=version, trained_on=trained_on))

    @property
    def version(self) -> str:
        return self.model.version

    def classify(self, title: str, body: str | None = None) -> Classification:
        return self.classify_many([title], [body])[0]

    def classify_many(self, titles: list[str], bodies: list[str | None]) -> list[Classification]:
        """Override rules decide alone where they are sure (the fast path: one title regex);
        the model reads every other article, and every flagged one for its runner-up code."""
        titles = [t or "" for t in titles]
        hits = [self.rules.first_rule(t) for t in titles]
        decisions = [category_model.decide(h, None, ALL_CODES) if h is not None and h.overrides else None
                     for h in hits]
        confidence = np.array([self.model.rule_confidence(d) if d else 0.0 for d in decisions])
        read = [i for i, d in enumerate(decisions) if d is None or confidence[i] < self.model.threshold]
        matrix, probabilities = self._model_read(titles, bodies, hits, read)
        for n, i in enumerate(read):
            if decisions[i] is None:
                decisions[i] = category_model.decide(hits[i], probabilities[n], ALL_CODES)
        by_model = [i for i in read if decisions[i].kind == "model"]
        confidence[by_model] = self.model.confidence([decisions[i] for i in by_model])
        words = self._words(matrix, probabilities, [decisions[i] for i in read], confidence[read])
        position = {i: n for n, i in enumerate(read)}
        return [self._result(d, float(c), (probabilities[position[i]], *words[position[i]]) if i in position else None)
                for i, (d, c) in enumerate(zip(decisions, confidence))]

    def _model_read(self, titles, bodies, hits, rows: list[int]):
        """The feature matrix and probabilities over ALL_CODES of `rows`."""
        features = self.model.base.named_steps["features"]
        if not rows:
            return None, np.zeros((0, len(ALL_CODES)))
        matrix = features.transform_prepared([prepare(self.rules, titles[i], bodies[i], hits[i]) for i in rows])
        return matrix, self.model.probabilities(matrix)

    def _words(self, matrix, probabilities, decisions, confidence) -> list[tuple[list[str], list[str]]]:
        """Words for the reasons (~25 us a row, so only where read): the best code's for model
        decisions, the runner-up's for flagged articles."""
        if not decisions:
            return []
        best = np.searchsorted(ALL_CODES, [d.category for d in decisions])
        second = _runner_up(probabilities, best)
        best_words = self._terms(matrix, best, np.array([d.kind == "model" for d in decisions]))
        second_words = self._terms(matrix, second, confidence < self.model.threshold)
        return list(zip(best_words, second_words))

    def _result(self, d: category_model.Decision, confidence: float, read) -> Classification:
        flagged = confidence < self.model.threshold
        if read is None:  # a sure rule: its runner-up is the code its out-of-fold mistakes most often were
            code, share, why = self._rule_runner_up(d.kind, d.category)
            return Classification(d.category, round(confidence, 4), d.rule.reason, flagged, code,
                                  round((1 - confidence) * share, 4), why, self.model.version)
        probabilities, best_terms, second_terms = read
        chosen = int(np.searchsorted(ALL_CODES, d.category))
        second = int(_runner_up(probabilities[None, :], np.array([chosen]))[0])
        p_chosen, p_second = probabilities[chosen], probabilities[second]
        reason = d.rule.reason if d.kind != "model" else _model_reason(p_chosen, best_terms)
        return Classification(d.category, round(confidence, 4), reason, flagged, str(ALL_CODES[second]),
                              round(float((1 - confidence) * min(1.0, p_second / max(1.0 - p_chosen, 1e-9))), 4),
                              _second_reason(d, str(ALL_CODES[second]), p_second, second_terms), self.model.version)

    def explain(self, titles: list[str], bodies: list[str | None], codes: list[str | None]) -> list[str]:
        """Why each article could be `code`: the rule naming it, else the model's probability and words."""
        if not titles:
            return []
        features = self.model.base.named_steps["features"]
        prepared = features.prepare(zip(titles, bodies))
        matrix = features.transform_prepared(prepared)
        probabilities = self.model.probabilities(matrix)
        known = [code in self.model.classes for code in codes]
        index = np.array([int(np.searchsorted(self.model.classes, c)) if k else 0 for c, k in zip(codes, known)])
        terms = self._terms(matrix, index, np.array(known))
        return [(p.rule.reason if p.rule is not None and p.rule.category == code
                 else _model_reason(probabilities[n, index[n]], terms[n]) if known[n] else "")
                for n, (p, code) in enumerate(zip(prepared, codes))]

    def _terms(self, matrix, class_index: np.ndarray, wanted: np.ndarray) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in range(matrix.shape[0])]
        rows = np.flatnonzero(wanted)
        if len(rows):
            for n, terms in zip(rows, top_terms(matrix[rows], self._coefficients, class_index[rows],
                                                self._readable_names, REASON_TERMS)):
                out[n] = terms
        return out

    @functools.lru_cache(maxsize=64)
    def _rule_runner_up(self, kind: str, category: str) -> tuple[str | None, float, str]:
        code, share = self.model.rule_confidence.runner_up_of(kind, category)
        return code, share, f"rule:{kind}:{category} is wrong most often for {code}" if code else ""

    @functools.cached_property
    def _coefficients(self) -> np.ndarray:
        return self.model.coefficients()

    @functools.cached_property
    def _readable_names(self) -> np.ndarray:
        """Feature names an analyst can read; character n-grams become None (never named)."""
        names = self.model.base.named_steps["features"].feature_names()
        return np.array([None if n.startswith("chars:") else n for n in names], dtype=object)

    def topics(self, title: str, body: str | None = None) -> list[str]:
        return topics(self.rules, f"{title} {(body or '')[:LEAD_CHARS]}")


def _never_lainnya_by_default(probabilities: np.ndarray, best: np.ndarray) -> np.ndarray:
    """As model.decide: a model guess of lainnya under 0.5 gives way to the next code."""
    lainnya = int(np.searchsorted(ALL_CODES, "lainnya"))
    unsure = (best == lainnya) & (probabilities[np.arange(len(best)), best] < 0.5)
    return np.where(unsure, _runner_up(probabilities, best), best)


def _runner_up(probabilities: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    masked = probabilities.copy()
    masked[np.arange(len(chosen)), chosen] = -1.0
    return masked.argmax(axis=1)


def _model_reason(p: float, terms: list[str]) -> str:
    return f"model:{p:.2f}" + (f" ({', '.join(terms)})" if terms else "")


def _second_reason(decision, code: str, p: float, terms: list[str]) -> str:
    rule = decision.rule
    if rule is not None and rule.category == code and decision.kind == "model":
        return rule.reason
    return _model_reason(p, terms)


def top_terms(matrix, weights: np.ndarray, class_index: np.ndarray, names: np.ndarray, k: int) -> list[list[str]]:
    """Per row, the k readable features that push it most towards its class in `class_index`."""
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    contribution = matrix.data * weights[class_index[rows], matrix.indices]
    readable = names[matrix.indices] != None  # noqa: E711  (element-wise over an object array)
    contribution = np.where(readable & (contribution > 0), contribution, 0.0)
    out = []
    for start, end in zip(matrix.indptr[:-1], matrix.indptr[1:]):
        segment = contribution[start:end]
        best = np.argsort(segment)[::-1][:k]
        out.append([_term(names[matrix.indices[start + i]]) for i in best if segment[i] > 0])
    return out


def _term(name: str) -> str:
    block, _, text = name.partition(":")
    return f"{block} '{text}'" if block in ("title", "lead") else text.replace("_", " ")
