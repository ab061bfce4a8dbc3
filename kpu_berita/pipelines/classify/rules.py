"""The readable rules of kpu_berita/data/category_rules.yaml, compiled for speed.

Analysts edit the YAML without Python. Title cues (the first one named wins) and the settled
cases of taxonomy.md feed the model as features; topic cues tag an article's topics.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kpu_berita.pipelines.classify.alternation import LowerCase, alternation, lower_safe
from kpu_berita.pipelines.classify.labelled import CATEGORY_LABELS, DATA
from kpu_berita.pipelines.clean import ascii_words


MAX_CACHED_HITS = 100_000  # distinct (rule, matched text): a few hundred in practice
MIN_CUE_ROOT = 4


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired on a title: settled case or first activity cue."""

    kind: str  # settled | title
    category: str
    matched: str  # the text it matched, lower case
    pattern: str  # the pattern as written in the rules file
    overrides: bool  # False: the model reads it as a feature but decides itself

    @property
    def reason(self) -> str:
        return f"rule:{self.kind}:{self.category}:'{self.matched}'"

    @property
    def rule_id(self) -> str:
        return f"{self.kind}:{self.category}:{self.pattern}"


@dataclass
class Rules:
    """Compiled rules: one alternation for settled cases, one for activity cues, one (overlapping) for topics."""

    settled: re.Pattern
    settled_groups: dict[str, str]  # group name -> category
    cues: re.Pattern
    cue_groups: dict[str, str]
    topics: re.Pattern | None = None  # every topic cue, for one scan per text
    topic_groups: dict[str, str] = field(default_factory=dict)
    topic_names: tuple[str, ...] = ()  # file order
    settled_sources: tuple[str, ...] = ()  # pattern as written, by its index in the file
    cue_sources: tuple[str, ...] = ()
    feature_only: frozenset[str] = frozenset()  # cue patterns that are features, never overrides
    word_cues: dict[str, str] = field(default_factory=dict)  # "rapat" / "rapat koordinasi" -> category
    # The same alternations for lower-case ASCII text (LowerCase); None: use the above. Defaults
    # on the class, so a model pickled before these fields existed still loads (and uses the above).
    lower: LowerCase | None = None
    topic_words: "TopicWords | None" = None  # the topic cues by word, for lower-case ASCII text
    _hits: dict | None = field(default=None, repr=False, compare=False)  # (kind, group, text) -> RuleHit
    _pair_firsts: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _cue_starts: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _root_cues: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Rules":
        path = Path(path) if path else Path(str(DATA / "category_rules.yaml"))
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
            settled = [(s["category"], s["pattern"]) for s in spec.get("settled", [])]
            cues = [(cat, pattern) for cat, patterns in spec["categories"].items() for pattern in patterns]
            topic_cues = [(name, pattern) for name, patterns in spec.get("topics", {}).items() for pattern in patterns]
            not_text = [p for _, p in settled + cues + topic_cues if not isinstance(p, str)]
            if not_text:
                raise RulesError(f"rules file {path}: pattern {not_text[0]!r} is not a string (quote it)")
            unknown = sorted({c for c, _ in settled + cues} - set(CATEGORY_LABELS))
            if unknown:
                raise RulesError(f"rules file {path}: unknown category code(s) {', '.join(unknown)}")
            s_pattern, s_groups = alternation(settled)
            c_pattern, c_groups = alternation(cues)
            t_pattern, t_groups = alternation(topic_cues, overlapping=True) if topic_cues else (None, {})
            lower = lower_safe([p for _, p in settled + cues + topic_cues])
            feature_only = frozenset(spec.get("feature_only") or ())
            unused = sorted(feature_only - {p for _, p in settled + cues})
            if unused:
                raise RulesError(f"rules file {path}: feature_only pattern {unused[0]!r} is not a rule of the file")
            return cls(s_pattern, s_groups, c_pattern, c_groups, t_pattern, t_groups,
                       tuple(spec.get("topics", {})), tuple(p for _, p in settled), tuple(p for _, p in cues),
                       feature_only, word_cues(cues), LowerCase.of(settled, cues, topic_cues) if lower else None,
                       topic_words=TopicWords.of(topic_cues) if lower and topic_cues else None)
        except RulesError:
            raise
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as exc:
            raise RulesError(f"rules file {path} is not valid: {exc}") from exc

    def first_settled(self, text: str):
        return _first(_search(self.settled, self.lower and self.lower.settled, text), self.settled_groups)

    def first_cue(self, text: str):
        return _first(_search(self.cues, self.lower and self.lower.cues, text), self.cue_groups)

    def first_word_cue(self, words: list[str]) -> str | None:
        """The category of the first cue among lower-case `words` (one- and two-word cues only).

        A dictionary lookup per word: ~20x cheaper than the cue regex on a 300-character lead,
        which only feeds the model a feature (the regex still decides titles).
        """
        cues, pair_firsts, starts = self.word_cues, self._pair_firsts, self._cue_starts
        if pair_firsts is None or starts is None:
            # the first words of the two-word cues (only they need a pair looked up), and every
            # word a cue can start with: the others are skipped by one set lookup each, in C
            pair_firsts = self._pair_firsts = frozenset(k.split(" ")[0] for k in cues if " " in k)
            starts = self._cue_starts = pair_firsts | {k for k in cues if " " not in k}
        flags = list(map(starts.__contains__, words))
        last, n = len(words) - 1, 0
        while True:
            try:
                n = flags.index(True, n)
            except ValueError:
                return None
            first = words[n]
            category = (first in pair_firsts and cues.get(f"{first} {words[n + 1] if n < last else ''}")
                        or cues.get(first))
            if category:
                return category
            n += 1

    def root_cues(self, stem) -> dict[str, str]:
        """Root -> category of the one-word cues, by `stem` ("kunjungan", "berkunjung" ->
        "kunjung": audiensi), so that any form of a cue word is evidence for its category.

        A root that cues of two categories share ("kenal": perkenalan, kenali, mengenal) names
        neither, nor does a root shorter than MIN_CUE_ROOT (the stemmer reads "diseminasi" as "mas").
        """
        table = self._root_cues
        if table is None:
            categories: dict[str, set[str]] = {}
            for text, category in self.word_cues.items():
                if " " not in text:
                    categories.setdefault(stem(text), set()).add(category)
            table = self._root_cues = {root: next(iter(found)) for root, found in categories.items()
                                       if len(found) == 1 and len(root) >= MIN_CUE_ROOT}
        return table

    def first_rule(self, title: str) -> RuleHit | None:
        """The settled case in the title, else its first activity cue (taxonomy tie-break 2).

        A settled case demoted to a feature doesn't hide the title's cue: that cue may still decide.
        """
        title, lower = title or "", self.lower
        if lower is not None and title.isascii():  # the fast path: lower-case once, no re.I
            text = title.lower()  # same length: a match's text is the lower-cased matched title
            searches = (("settled", lower.settled, self.settled_groups, self.settled_sources),
                        ("title", lower.cues, self.cue_groups, self.cue_sources))
        else:
            text = title
            searches = (("settled", self.settled, self.settled_groups, self.settled_sources),
                        ("title", self.cues, self.cue_groups, self.cue_sources))
        demoted = None
        for kind, pattern, groups, sources in searches:
            m = pattern.search(text)
            if m and m.lastgroup:  # an empty section of the file compiles to a pattern with no group
                hit = self._hit(kind, m.lastgroup, m.group(0).lower(), groups, sources)
                if hit.overrides:
                    return hit
                demoted = demoted or hit
        return demoted

    def _hit(self, kind: str, group: str, matched: str, groups: dict[str, str], sources: tuple[str, ...]) -> RuleHit:
        """The RuleHit of a match, made once per (kind, group, matched text): hits are immutable."""
        hits = self._hits
        if hits is None:
            hits = self._hits = {}
        hit = hits.get((kind, group, matched))
        if hit is None:
            source = sources[_source_index(group)] if sources else ""
            hit = RuleHit(kind, groups[group], matched, source, source not in self.feature_only)
            if len(hits) < MAX_CACHED_HITS:
                hits[(kind, group, matched)] = hit
        return hit


_PLAIN = re.compile(r"^([a-z]+)(?:\\s\+([a-z]+))?(?:\(([a-z]+)\)\?)?$")  # word, word\s+word, word(suffix)?


# "daftar\s+pemilih": every match starts with the whole word "daftar" ("ad\s*hoc" may not: adhoc)
_LEADING_WORD = re.compile(r"^(\w+)\\s(?![*?{])")


@dataclass(frozen=True)
class TopicWords:
    """The topic cues for lower-case ASCII text, by its words. A cue that is one word is a
    set lookup; any other is matched as \b<cue>\b on its own, where its first word occurs
    (anywhere, if it doesn't start with a whole word). The overlapping regex of every cue
    (Rules.topics) gives the same topics, found ~2x slower: it tries the cues at every word.

    Every cue that matches counts: two cues of different topics at one place tag both, where
    the regex kept only the first (the rules file has no such pair: 1M texts compared)."""

    by_word: dict[str, frozenset[str]]  # word -> the topics it is a cue of
    phrases: tuple[tuple[str | None, re.Pattern, str], ...]  # (first word or None, cue, topic)
    cue_words: frozenset[str]  # by_word's words
    first_words: frozenset[str]  # the phrases' first words

    @classmethod
    def of(cls, topic_cues: list[tuple[str, str]]) -> "TopicWords":
        by_word: dict[str, set[str]] = {}
        phrases = []
        for topic, pattern in topic_cues:
            if re.fullmatch(r"\w+", pattern):
                by_word.setdefault(pattern, set()).add(topic)
                continue
            leading = None if "|" in pattern else _LEADING_WORD.match(pattern)
            phrases.append((leading and leading.group(1), re.compile(rf"\b(?:{pattern})\b"), topic))
        return cls({w: frozenset(t) for w, t in by_word.items()}, tuple(phrases), frozenset(by_word),
                   frozenset(first for first, _, _ in phrases if first))

    def topics(self, lowered: str) -> set[str]:
        words = ascii_words(lowered)
        found: set[str] = set()
        for word in self.cue_words.intersection(words):
            found |= self.by_word[word]
        present = self.first_words.intersection(words)
        for first, cue, topic in self.phrases:
            if topic in found:
                continue
            if first is None:
                if cue.search(lowered):
                    found.add(topic)
            elif first in present and _matches_at_word(cue, lowered, first):
                found.add(topic)
        return found


def _matches_at_word(cue: re.Pattern, text: str, word: str) -> bool:
    """Whether cue matches where `word` occurs in text (cue's own \b rejects a mere substring)."""
    at = text.find(word)
    while at >= 0:
        if cue.match(text, at):
            return True
        at = text.find(word, at + 1)
    return False


def word_cues(cues: list[tuple[str, str]]) -> dict[str, str]:
    """The cues that are plain words or two-word phrases (optionally with a suffix), as a lookup."""
    table: dict[str, str] = {}
    for category, pattern in cues:
        m = _PLAIN.match(pattern)
        if m:
            first, second, suffix = m.groups()
            stem_text = f"{first} {second}" if second else first
            for text in (stem_text, stem_text + suffix) if suffix else (stem_text,):
                table.setdefault(text, category)
    return table


def _source_index(group_name: str) -> int:
    """The index of the file's pattern a group came from: alternation() names groups g<index>_..."""
    return int(group_name[1:group_name.index("_")])


def _search(pattern: re.Pattern, lower: re.Pattern | None, text: str) -> tuple[str | None, str] | None:
    """(group name, matched text) of pattern.search(text), by `lower` where the text is ASCII."""
    if lower is not None and text.isascii():
        m = lower.search(text.lower())  # same length, same positions
        return (m.lastgroup, text[m.start():m.end()]) if m else None
    m = pattern.search(text)
    return (m.lastgroup, m.group(0)) if m else None


def _first(found: tuple[str | None, str] | None, groups: dict[str, str]):
    if not found or not found[0]:
        return None
    return groups[found[0]], found[1]


def topics(rules: Rules, text: str) -> list[str]:
    """Every topic whose cue appears in `text`, in the rules file's order."""
    if rules.topics is None:
        return []
    if rules.topic_words is not None and text.isascii():
        found = rules.topic_words.topics(text.lower())
        return [name for name in rules.topic_names if name in found]
    if rules.lower is not None and rules.lower.topics is not None and text.isascii():
        matches = rules.lower.topics.finditer(text.lower())
    else:
        matches = rules.topics.finditer(text)
    found = {rules.topic_groups[m.lastgroup] for m in matches}
    return [name for name in rules.topic_names if name in found]
