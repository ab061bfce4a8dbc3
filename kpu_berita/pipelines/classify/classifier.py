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
MAX_CACHED = 100_000  # results of rule matches kept (distinct matched texts: a few hundred in practice)


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
        self._sure_results: dict = {}  # rule hit -> its result, None where flagged (see _sure)

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
        """Override rules decide alone where they are sure (the fast path: one title regex and a
        result made once per rule match); the model reads every other article, and every
        flagged one for its runner-up code, all in one batch."""
        titles = [t or "" for t in titles]
        hits = [self.rules.first_rule(t) for t in titles]
        results: list[Classification | None] = [self._sure(h) if h is not None and h.overrides else None
                                                for h in hits]
        read = [i for i, r in enumerate(results) if r is None]
        for i, result in zip(read, self._read(titles, bodies, hits, read)):
            results[i] = result
        return results  # type: ignore[return-value]

    def _sure(self, hit) -> Classification | None:
        """The result of an override rule, or None where its confidence is below the threshold
        (then the model reads the article too, for a runner-up code). Made once per rule match:
        results are immutable, and a rule match says all they hold."""
        result = self._sure_results.get(hit, False)
        if result is False:
            decision = category_model.decide(hit, None, ALL_CODES)
            confidence = self.model.rule_confidence(decision)
            result = (self._rule_result(decision, float(confidence))
                      if not confidence < self.model.threshold else None)
            if len(self._sure_results) < MAX_CACHED:
                self._sure_results[hit] = result
        return result

    def _read(self, titles, bodies, hits, rows: list[int]) -> list[Classification]:
        """The model's reading of `rows`: decisions where no override rule decided, confidence,
        runner-up code and reasons."""
        if not rows:
            return []
        prepared, matrix, probabilities = self._model_read(titles, bodies, hits, rows)
        order = np.argsort(probabilities, axis=1)[:, ::-1]  # row by row as model.decide sorts
        decisions = [category_model.decide(hits[i], None, ALL_CODES) if hits[i] is not None and hits[i].overrides
                     else category_model.decide_ordered(hits[i], probabilities[n], order[n], ALL_CODES,
                                                        prepared[n].cues)
                     for n, i in enumerate(rows)]
        confidence = np.array([self.model.rule_confidence(d) if d.kind != "model" else 0.0 for d in decisions])
        by_model = [n for n, d in enumerate(decisions) if d.kind == "model"]
        confidence[by_model] = self.model.confidence([decisions[n] for n in by_model])
        chosen = np.searchsorted(ALL_CODES, [d.category for d in decisions])
        second = _runner_up(probabilities, chosen)
        best_words = self._terms(matrix, chosen, np.array([d.kind == "model" for d in decisions]))
        second_words = self._terms(matrix, second, confidence < self.model.threshold)
        at = np.arange(len(rows))
        p_chosen, p_second = probabilities[at, chosen], probabilities[at, second]
        second_confidence = (1 - confidence) * np.minimum(1.0, p_second / np.maximum(1.0 - p_chosen, 1e-9))
        return [self._read_result(d, *numbers, best_words[n], second_words[n])
                for n, (d, numbers) in enumerate(zip(decisions, zip(confidence.tolist(), p_chosen.tolist(),
                                                                     p_second.tolist(), second.tolist(),
                                                                     second_confidence.tolist())))]

    def _model_read(self, titles, bodies, hits, rows: list[int]):
        """The prepared articles, feature matrix and probabilities over ALL_CODES of `rows`."""
        features = self.model.base.named_steps["features"]
        prepared = [prepare(self.rules, titles[i], bodies[i], hits[i]) for i in rows]
        matrix = features.transform_prepared(prepared)
        return prepared, matrix, self.model.probabilities(matrix)

    def _rule_result(self, d: category_model.Decision, confidence: float) -> Classification:
        """A sure rule: its runner-up is the code its out-of-fold mistakes most often were."""
        code, share, why = self._rule_runner_up(d.kind, d.category)
        return Classification(d.category, round(confidence, 4), d.rule.reason, confidence < self.model.threshold,
                              code, round((1 - confidence) * share, 4), why, self.model.version)

    def _read_result(self, d: category_model.Decision, confidence: float, p_chosen: float, p_second: float,
                     second: int, second_confidence: float, best_terms: list[str],
                     second_terms: list[str]) -> Classification:
        """An article the model read: the runner-up is the model's next code, its confidence the
        rest of `confidence` shared as the model shares the rest of its probability."""
        reason = d.rule.reason if d.kind != "model" else _model_reason(p_chosen, best_terms)
        code = str(ALL_CODES[second])
        return Classification(d.category, round(confidence, 4), reason, confidence < self.model.threshold, code,
                              round(second_confidence, 4), _second_reason(d, code, p_second, second_terms),
                              self.model.version)

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
                                                self._readable_names, REASON_TERMS, self._readable)):
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

    @functools.cached_property
    def _readable(self) -> np.ndarray:
        return self._readable_names != None  # noqa: E711  (element-wise over an object array)

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


def top_terms(matrix, weights: np.ndarray, class_index: np.ndarray, names: np.ndarray, k: int,
              readable_names: np.ndarray | None = None) -> list[list[str]]:
    """Per row, the k readable features that push it most towards its class in `class_index`:
    the largest positive contributions, largest first.

    Sorted for all rows at once; a row whose top k hold two equal contributions is sorted again
    on its own as it always was (np.argsort of the row, reversed), so ties come out the same.
    """
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    contribution = matrix.data * weights[class_index[rows], matrix.indices]
    if readable_names is None:
        readable_names = names != None  # noqa: E711  (element-wise over an object array)
    readable = readable_names[matrix.indices]
    positive = np.flatnonzero(readable & (contribution > 0))
    order = positive[np.lexsort((-contribution[positive], rows[positive]))]  # by row, then largest first
    in_row = rows[order]
    rank = np.arange(len(order)) - np.searchsorted(in_row, in_row)
    tied = in_row[:-1][(rank[:-1] < k) & (in_row[:-1] == in_row[1:])
                       & (contribution[order[:-1]] == contribution[order[1:]])]
    out: list[list[str]] = [[] for _ in range(matrix.shape[0])]
    chosen = order[rank < k]
    for row, column in zip(rows[chosen].tolist(), matrix.indices[chosen].tolist()):
        out[row].append(_term(names[column]))
    for row in set(tied.tolist()):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        segment = np.where(readable[start:end] & (contribution[start:end] > 0), contribution[start:end], 0.0)
        out[row] = [_term(names[matrix.indices[start + i]]) for i in np.argsort(segment)[::-1][:k] if segment[i] > 0]
    return out


@functools.lru_cache(maxsize=100_000)
def _term(name: str) -> str:
    block, _, text = name.partition(":")
    return f"{block} '{text}'" if block in ("title", "lead") else text.replace("_", " ")
