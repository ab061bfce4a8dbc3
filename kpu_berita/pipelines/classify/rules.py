"""The readable rules of kpu_berita/data/category_rules.yaml, compiled for speed.

Analysts edit the YAML without Python. Title cues (the first one named wins) and the settled
cases of taxonomy.md feed the model as features; topic cues tag an article's topics.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kpu_berita.pipelines.classify.labelled import CATEGORY_LABELS, DATA


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
            s_pattern, s_groups = _alternation(settled)
            c_pattern, c_groups = _alternation(cues)
            t_pattern, t_groups = _alternation(topic_cues, overlapping=True) if topic_cues else (None, {})
            feature_only = frozenset(spec.get("feature_only") or ())
            unused = sorted(feature_only - {p for _, p in settled + cues})
            if unused:
                raise RulesError(f"rules file {path}: feature_only pattern {unused[0]!r} is not a rule of the file")
            return cls(s_pattern, s_groups, c_pattern, c_groups, t_pattern, t_groups,
                       tuple(spec.get("topics", {})), tuple(p for _, p in settled), tuple(p for _, p in cues),
                       feature_only, word_cues(cues))
        except RulesError:
            raise
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as exc:
            raise RulesError(f"rules file {path} is not valid: {exc}") from exc

    def first_settled(self, text: str):
        return _first(self.settled, self.settled_groups, text)

    def first_cue(self, text: str):
        return _first(self.cues, self.cue_groups, text)

    def first_word_cue(self, words: list[str]) -> str | None:
        """The category of the first cue among lower-case `words` (one- and two-word cues only).

        A dictionary lookup per word: ~20x cheaper than the cue regex on a 300-character lead,
        which only feeds the model a feature (the regex still decides titles).
        """
        cues = self.word_cues
        for first, second in zip(words, words[1:] + [""]):
            category = cues.get(f"{first} {second}") or cues.get(first)
            if category:
                return category
        return None

    def first_rule(self, title: str) -> RuleHit | None:
        """The settled case in the title, else its first activity cue (taxonomy tie-break 2).

        A settled case demoted to a feature doesn't hide the title's cue: that cue may still decide.
        """
        demoted = None
        for kind, pattern, groups, sources in (("settled", self.settled, self.settled_groups, self.settled_sources),
                                               ("title", self.cues, self.cue_groups, self.cue_sources)):
            m = pattern.search(title or "")
            if m and m.lastgroup:  # an empty section of the file compiles to a pattern with no group
                source = sources[_source_index(m.lastgroup)] if sources else ""
                hit = RuleHit(kind, groups[m.lastgroup], m.group(0).lower(), source, source not in self.feature_only)
                if hit.overrides:
                    return hit
                demoted = demoted or hit
        return demoted


def _top_level_branches(pattern: str) -> list[str]:
    """Split "a|b(c|d)" into ["a", "b(c|d)"]: each branch is dispatched on its own first letter."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return branches + [pattern[start:]]


def _first_letter(branch: str) -> str | None:
    """The letter every match of `branch` starts with, or None when it can start otherwise."""
    if branch[:1].isalpha() and branch[1:2] not in ("?", "*", "{"):
        return branch[0].lower()
    return None


def _alternation(pairs: list[tuple[str, str]], *, overlapping: bool = False) -> tuple[re.Pattern, dict[str, str]]:
    """One regex finding the first cue of `pairs` ([(category, pattern)]) in a text.

    Longer cues come first so that, at one position, "rapat koordinasi" beats "rapat". A
    plain alternation of ~160 cues makes re try every cue at every word (~90 us a title), so
    the cues are grouped by their first letter behind a one-character lookahead: at each word
    only the cues that can start there are tried. Cues that can start with anything are
    repeated in every group, in their place, so the first match is the same as before.
    """
    branches = [(len(p), i, category, branch) for i, (category, p) in enumerate(pairs)
                for branch in _top_level_branches(p)]
    branches.sort(key=lambda b: -b[0])  # stable: equal lengths keep file order
    letters = sorted({_first_letter(b[3]) for b in branches} - {None})
    groups: dict[str, str] = {}
    dispatch = []
    for letter in letters + [None]:
        parts = []
        for n, (_, i, category, branch) in enumerate(branches):
            first = _first_letter(branch)
            if first == letter or first is None:
                name = f"g{i}_{n}_{letter or 'any'}"
                groups[name] = category
                parts.append(f"(?P<{name}>{branch})")
        if parts:
            guard = f"(?={letter})" if letter else ""
            dispatch.append(guard + "(?:" + "|".join(parts) + ")")
    cues = "(?:" + "|".join(dispatch) + r")\b"
    # overlapping: zero-width, so finditer tries every word ("data pemilih pemula" holds two
    # topics); the \b outside the lookahead skips non-word-starts cheaply
    return re.compile(rf"\b(?={cues})" if overlapping else rf"\b{cues}", re.I), groups


_PLAIN = re.compile(r"^([a-z]+)(?:\\s\+([a-z]+))?(?:\(([a-z]+)\)\?)?$")  # word, word\s+word, word(suffix)?


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
    """The index of the file's pattern a group came from: _alternation names groups g<index>_..."""
    return int(group_name[1:group_name.index("_")])


def _first(pattern: re.Pattern, groups: dict[str, str], text: str):
    m = pattern.search(text or "")
    if not m or not m.lastgroup:
        return None
    return groups[m.lastgroup], m.group(0)


def topics(rules: Rules, text: str) -> list[str]:
    """Every topic whose cue appears in `text`, in the rules file's order."""
    if rules.topics is None:
        return []
    found = {rules.topic_groups[m.lastgroup] for m in rules.topics.finditer(text)}
    return [name for name in rules.topic_names if name in found]
