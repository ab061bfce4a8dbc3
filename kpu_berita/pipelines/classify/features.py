"""What the model reads of an article: the title, the lead sentence, stems, character n-grams
and which rule cues fire.

Indonesian builds words from a root with affixes (rapat, merapatkan; lantik, pelantikan,
dilantik): stems (PySastrawi) let "dilantik" in a new satker's title count as evidence the
training data saw as "pelantikan". Character n-grams catch spellings the stemmer doesn't know
("audensi", "Trapat", "lauching"). Rule cues are features, not verdicts: the model learns how
far to trust each one.
"""
from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass
from itertools import chain, filterfalse, repeat

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from kpu_berita.pipelines.classify.rules import RuleHit, Rules

CHAR_NGRAMS = (3, 5)
LEAD_CHARS = 300  # the dateline sentence: "Serang (26/1) - KPU ... mengadakan Webinar ..."
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about the activity: function words, and the names every satker's
# titles share (a model trained on 60 satker must not learn "kendari" means audiensi).
STOPWORDS = frozenset("""
    dan di ke dari untuk yang dengan ini itu pada dalam oleh atau akan juga telah sebagai bagi serta para
    kpu kip komisi pemilihan umum independen kabupaten kab kota provinsi prov ri tahun
    """.split())
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\"“])")
DATELINE_CHARS = 60  # a full stop this early is a dateline's "Kab." or "(26/1)", not a sentence end


@functools.cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


MAX_STEMS = 200_000


class _Stems(dict):
    """word -> root, a word Sastrawi hasn't stemmed yet stemmed on lookup: a plain dict lookup
    per known word (cheaper than a function call), and a whole list mapped in C."""

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_STEMS:
            self.clear()
        root = self[word] = word if len(word) < 4 or word.isdigit() else _stemmer().stem(word) or word
        return root


_STEMS = _Stems()


def stem(word: str) -> str:
    """The root of an Indonesian word: "pelantikan" -> "lantik". Cached: Sastrawi costs ~50 us a word."""
    return _STEMS[word]


def stemmed(text: str) -> str:
    return " ".join(stem(w) for w in _WORD.findall(text.lower()))


def lead(body: str | None) -> str:
    """The body's first sentence (at most LEAD_CHARS): where an article says what happened."""
    text = (body or "")[:LEAD_CHARS]
    end = _SENTENCE_END.search(text, DATELINE_CHARS)
    return text[:end.start() + 1] if end else text


@dataclass(frozen=True, slots=True)
class Prepared:
    """One article as the model reads it; `rule` is reused by the classifier (one regex pass).

    Tuples of strings and slots: Python's garbage collector stops tracking such tuples at its
    first pass, so a batch of thousands of prepared articles doesn't set off full collections."""

    title_terms: tuple[str, ...]  # stems and stem bigrams of the title
    lead_terms: tuple[str, ...]  # stems of the lead sentence
    words: tuple[str, ...]  # the title's lower-case words, for character n-grams
    cues: tuple[str, ...]  # the rule cues that fire
    rule: RuleHit | None


def _with_bigrams(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens + tuple(map(" ".join, zip(tokens, tokens[1:])))


_FIND = object()  # prepare(): look the title's rule up (a caller that has it passes it)


def prepare(rules: Rules, title: str, body: str | None, rule=_FIND) -> Prepared:
    title = title or ""
    lower = title.lower()
    lead_words = _WORD.findall(lead(body).lower())
    rule = rules.first_rule(title) if rule is _FIND else rule
    cues = [f"{rule.kind}_{rule.category}"] if rule else []
    lead_cue = rules.first_word_cue(lead_words)
    if lead_cue:
        cues.append(f"lead_{lead_cue}")
    cues += _activity_terms(rules, lead_words)
    title_stems, lead_stems = _stems(_WORD.findall(lower)), _stems(lead_words)
    cues += _root_cue_terms(rules, title_stems, lead_stems)
    return Prepared(_with_bigrams(title_stems), lead_stems, tuple(lower.split()), tuple(cues), rule)


def _root_cue_terms(rules: Rules, *stems: tuple[str, ...]) -> list[str]:
    """"root_<category>" for each category a cue's root in the title or lead names, in any form
    ("dikunjungi", "kunjungan": root_audiensi): what the words say in the rules' terms, so a
    cue word the training rows never showed still counts for its category. Only the title's
    first cue decides; these are features. Grouped CV on the open part, 8 partitions: accuracy
    0.834 -> 0.844 (better in each partition), the model's decisions 0.509 -> 0.540 right."""
    roots = rules.root_cues(stem)
    return [f"root_{c}" for c in sorted({roots[s] for s in chain(*stems) if s in roots})]


# The dateline sentence names the activity right after its verb: "KPU ... menggelar Rapat ...",
# "... melakukan kunjungan ke ...", "... mengikuti Bimtek ...".
ACTION_VERBS = frozenset("""
    menggelar gelar melaksanakan laksanakan mengadakan adakan mengikuti ikuti menghadiri hadiri melakukan
    lakukan menerima terima menyelenggarakan selenggarakan
    """.split())
ACTIVITY_WORDS = 4


def _activity_terms(rules: Rules, lead_words: list[str]) -> list[str]:
    """The activity the dateline's first action verb names: its cue and stems, as "act_" tokens."""
    try:
        n = list(map(ACTION_VERBS.__contains__, lead_words[:40])).index(True)
    except ValueError:
        return []
    word, after = lead_words[n], lead_words[n + 1:n + 1 + ACTIVITY_WORDS]
    cue = rules.first_word_cue(after)
    return [f"act_{word}"] + ([f"actcue_{cue}"] if cue else []) + [f"act_{stem(w)}" for w in after[:2]]


def _stems(words: list[str]) -> tuple[str, ...]:
    return tuple(map(_STEMS.__getitem__, filterfalse(STOPWORDS.__contains__, words)))


def _title_terms(p: Prepared) -> tuple[str, ...]:
    return p.title_terms


def _lead_terms(p: Prepared) -> tuple[str, ...]:
    return p.lead_terms


def _cue_terms(p: Prepared) -> tuple[str, ...]:
    return p.cues


def _char_terms(p: Prepared) -> list[str]:
    return [g for w in p.words for g in _char_wb(w)]


def _char_words(p: Prepared) -> tuple[str, ...]:
    return p.words


@functools.lru_cache(maxsize=200_000)
def _char_wb(word: str) -> tuple[str, ...]:
    """sklearn's char_wb n-grams (CHAR_NGRAMS) of one word: padded with a space each side."""
    padded = f" {word} "
    return tuple(padded[i:i + n] for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1)
                 for i in range(max(1, len(padded) - n + 1)))


class _NoTerms:
    """The fitted vectorizer of a block that no training row had a term of: no columns."""

    vocabulary_: dict[str, int] = {}
    sublinear_tf, use_idf, norm = False, False, None

    def get_feature_names_out(self) -> np.ndarray:
        return np.array([], dtype=object)


class _Block:
    """One TF-IDF block: fitted by sklearn's TfidfVectorizer, applied by a lookup of each term.

    TfidfVectorizer.transform re-analyses every text in Python (~100 us an article for four
    blocks); here the terms come from `prepare` (stems and n-grams cached per word) and the
    weighting is done on whole arrays, with the same result.
    """

    def __init__(self, name: str, terms, vectorizer: TfidfVectorizer, weight: float, words=None):
        self.name, self.terms, self.vectorizer, self.weight = name, terms, vectorizer, weight
        self.words = words  # set when terms are n-grams of single words: looked up once per word
        self._word_columns: dict[str, array] = {}

    def __getstate__(self):
        return {**self.__dict__, "_word_columns": {}}  # a cache, not part of the model

    def _word_columns_of(self, word: str) -> array:
        known = self._word_columns.get(word)
        if known is None:
            vocabulary = self.vectorizer.vocabulary_
            known = self._word_columns[word] = array("i", (j for j in map(vocabulary.get, _char_wb(word))
                                                          if j is not None))
        return known

    def _columns(self, prepared: list[Prepared]) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, indptr) of every known term of each article, in the article's order."""
        if self.words is not None:
            indices, indptr, columns_of = array("i"), array("i", [0]), self._word_columns_of
            for p in prepared:
                for word in self.words(p):
                    indices.extend(columns_of(word))
                indptr.append(len(indices))
            return np.frombuffer(indices, dtype=np.int32), np.frombuffer(indptr, dtype=np.int32)
        terms = [self.terms(p) for p in prepared]
        flat = list(chain.from_iterable(terms))
        columns = np.fromiter(map(self.vectorizer.vocabulary_.get, flat, repeat(-1, len(flat))), dtype=np.int32,
                              count=len(flat))
        known = columns >= 0
        row = np.repeat(np.arange(len(prepared)), np.fromiter(map(len, terms), dtype=np.int64, count=len(terms)))
        indptr = np.zeros(len(prepared) + 1, dtype=np.int32)
        np.cumsum(np.bincount(row[known], minlength=len(prepared)), out=indptr[1:])
        return columns[known], indptr

    def fit(self, prepared: list[Prepared]) -> "_Block":
        self.vectorizer.set_params(analyzer=self.terms)
        if not any(self.terms(p) for p in prepared):
            # no row has a term of this block (labelled titles without a body have no lead):
            # it adds no column and the other blocks decide, where sklearn refused the whole
            # fit ("empty vocabulary") and with it `train` or `eval --cv` on such a file
            self.vectorizer = _NoTerms()
            return self
        self.vectorizer.fit(prepared)
        return self

    def transform(self, prepared: list[Prepared]) -> sparse.csr_matrix:
        indices, indptr = self._columns(prepared)
        counts = sparse.csr_matrix((np.ones(len(indices)), indices, indptr),
                                   shape=(len(prepared), len(self.vectorizer.vocabulary_)))
        counts.sum_duplicates()
        v = self.vectorizer
        if v.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        if v.use_idf:
            counts.data *= v.idf_[counts.indices]
        matrix = normalize(counts, norm=v.norm, copy=False) if v.norm else counts
        return self.weight * matrix


class ArticleFeatures(BaseEstimator, TransformerMixin):
    """(title, body) pairs -> one sparse matrix of weighted blocks.

    Blocks: stemmed title words (uni+bigrams), stemmed lead words, title character n-grams
    (char_wb 3-5) and rule-cue indicators.
    """

    # cue_weight 0.5 (was 1.0): grouped CV on the open part, mean of 5 partitions by satker,
    # accuracy 0.831 -> 0.839, macro-F1 0.758 -> 0.757 (docs/classifier.md; flat for 0.25-0.5,
    # 0 and 2.0 are worse). Cue indicators are unnormalised counts: at 1.0 the model leaned on
    # them, and on articles no override rule decides the cues it sees (feature-only rules, lead
    # cues) mislead more often.
    def __init__(self, rules: Rules, title_weight: float = 1.0, lead_weight: float = 0.6,
                 char_weight: float = 0.6, cue_weight: float = 0.5):
        self.rules = rules
        self.title_weight = title_weight
        self.lead_weight = lead_weight
        self.char_weight = char_weight
        self.cue_weight = cue_weight

    def prepare(self, articles) -> list[Prepared]:
        return [prepare(self.rules, title, body) for title, body in articles]

    def _blocks(self) -> list[_Block]:
        return [_Block("title", _title_terms, TfidfVectorizer(sublinear_tf=True), self.title_weight),
                _Block("lead", _lead_terms, TfidfVectorizer(sublinear_tf=True), self.lead_weight),
                _Block("chars", _char_terms, TfidfVectorizer(sublinear_tf=True, min_df=2), self.char_weight,
                       words=_char_words),
                _Block("cues", _cue_terms, TfidfVectorizer(use_idf=False, norm=None), self.cue_weight)]

    def fit(self, articles, y=None):
        prepared = self.prepare(articles)
        self.blocks_ = [block.fit(prepared) for block in self._blocks()]
        return self

    def transform(self, articles):
        return self.transform_prepared(self.prepare(articles))

    def transform_prepared(self, prepared: list[Prepared]):
        return sparse.hstack([block.transform(prepared) for block in self.blocks_], format="csr")

    def feature_names(self) -> np.ndarray:
        """Readable names, "title:lantik", "cues:title_rapat", for the reasons given with a result."""
        return np.concatenate([np.array([f"{b.name}:{n}" for n in b.vectorizer.get_feature_names_out()], dtype=object)
                               for b in self.blocks_])
