"""Many cues in one regex: the first cue of a list found in a text by one search.

`alternation` compiles the cues of the rules file (case-insensitive, any text); `LowerCase`
the same cues for lower-case ASCII text, ~3x faster and with the same first match. Titles are
almost always ASCII, and every article's title is searched for its rule: this is the
classifier's fast path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LowerCase:
    """Rules' alternations for lower-case ASCII text, without re.I (lower_alternation): the
    same first match, found ~3x faster. Built only where lower_safe says the patterns allow it."""

    settled: re.Pattern
    cues: re.Pattern
    topics: re.Pattern | None

    @classmethod
    def of(cls, settled: list[tuple[str, str]], cues: list[tuple[str, str]],
           topic_cues: list[tuple[str, str]]) -> "LowerCase":
        return cls(lower_alternation(settled), lower_alternation(cues),
                   lower_alternation(topic_cues, overlapping=True) if topic_cues else None)


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


def _sorted_branches(pairs: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """(length, index in the file, category, branch): longer cues first, equal lengths in file order."""
    branches = [(len(p), i, category, branch) for i, (category, p) in enumerate(pairs)
                for branch in _top_level_branches(p)]
    branches.sort(key=lambda b: -b[0])  # stable: equal lengths keep file order
    return branches


def _compiled(dispatch: list[str], overlapping: bool, flags: int) -> re.Pattern:
    cues = "(?:" + "|".join(dispatch) + r")\b"
    # overlapping: zero-width, so finditer tries every word ("data pemilih pemula" holds two
    # topics); the \b outside the lookahead skips non-word-starts cheaply
    return re.compile(rf"\b(?={cues})" if overlapping else rf"\b{cues}", flags)


def alternation(pairs: list[tuple[str, str]], *, overlapping: bool = False) -> tuple[re.Pattern, dict[str, str]]:
    """One regex finding the first cue of `pairs` ([(category, pattern)]) in a text.

    Longer cues come first so that, at one position, "rapat koordinasi" beats "rapat". A
    plain alternation of ~160 cues makes re try every cue at every word (~90 us a title), so
    the cues are grouped by their first letter behind a one-character lookahead: at each word
    only the cues that can start there are tried. Cues that can start with anything are
    repeated in every group, in their place, so the first match is the same as before.
    """
    branches = _sorted_branches(pairs)
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
    return _compiled(dispatch, overlapping, re.I), groups


# inline flags ("(?-i:...)"), back-references (groups are renumbered here) and escapes naming a
# character by its code (\x41 is "A")
_NOT_LOWER_SAFE = re.compile(r"\(\?[aiLmsux-]|\(\?P=|\\[0-9xuUN]")


def lower_safe(patterns: list[str]) -> bool:
    """Whether matching lower-cased ASCII text without re.I finds exactly what re.I finds in
    the text: so when no pattern has an upper-case or non-ASCII character (re.I folds "ı" to
    "i", and "\\S" is not "\\s"), an inline flag, a back-reference or a character code."""
    return all(p.isascii() and p == p.lower() and not _NOT_LOWER_SAFE.search(p) for p in patterns)


def _strippable(branch: str) -> bool:
    """A branch that is its first letter followed by the rest: "rapat" is "r" + "apat", "a+b" is not."""
    return _first_letter(branch) is not None and branch[1:2] not in ("+", "?", "*", "{")


def lower_alternation(pairs: list[tuple[str, str]], *, overlapping: bool = False) -> re.Pattern:
    """alternation()'s regex (same group names, same first match) for lower-case text without
    re.I, the cues in a tree of their literal first letters: "r(?:a(?:(?P<..>pat)|...)|...)".

    re skips an alternative that starts with a literal character the text doesn't have without
    entering it, where alternation()'s lookahead and case-insensitive letters have to be tried.
    Cues whose next letters differ can't both match at one position, so only the order of the
    others matters: a branch that can't be split so ("a+b", "(rapat\\s+)?pleno", the end of a
    cue another one continues) stays in its place. A branch that can start with any letter is
    tried, as in alternation(), in every letter's group and after them all; where
    _first_letters knows its letters, only behind a lookahead of them.
    """
    branches = _sorted_branches(pairs)
    firsts = [_first_letters(b[3]) for b in branches]
    letters = sorted({_first_letter(b[3]) for b in branches} - {None})
    dispatch = []
    for letter in letters:
        items = [(f"g{i}_{n}_{letter}", branch) for n, ((_, i, _category, branch), can_start)
                 in enumerate(zip(branches, firsts))
                 if (_first_letter(branch) or letter) == letter and (can_start is None or letter in can_start)]
        dispatch += _tree(items, f"(?={letter})")
    for n, ((_, i, _category, branch), can_start) in enumerate(zip(branches, firsts)):
        if _first_letter(branch) is None:
            guard = f"(?=[{''.join(sorted(can_start))}])" if can_start is not None else ""
            dispatch.append(f"{guard}(?P<g{i}_{n}_any>{branch})")
    return _compiled(dispatch, overlapping, 0)


def _tree(items: list[tuple[str, str]], guard: str = "") -> list[str]:
    """Alternatives for `items` ([(group name, rest of its branch)], in the order they are
    tried), each run of splittable rests grouped behind their next letter; a rest that isn't
    splittable is tried in its place, behind `guard`."""
    out: list[str] = []
    run: dict[str, list[tuple[str, str]]] = {}
    for name, rest in items + [("", "")]:
        if name and _strippable(rest):
            run.setdefault(rest[0], []).append((name, rest[1:]))
            continue
        out += [f"{letter}(?:" + "|".join(_tree(group)) + ")" for letter, group in run.items()]
        run = {}
        if name:
            out.append(f"{guard}(?P<{name}>{rest})")
    return out


def _first_letters(branch: str) -> frozenset[str] | None:
    """The letters every match of `branch` starts with: it starts with a letter not made optional
    ("rapat", "a+b"), or with a group whose branches all do, made optional only when what follows
    does too ("(rapat\\s+)?pleno": r or p). None when it may start otherwise, or when unsure."""
    letter = _first_letter(branch)
    if letter is not None:
        return frozenset(letter)
    if not branch.startswith("(") or (branch.startswith("(?") and not branch.startswith("(?:")):
        return None
    close = _closing_paren(branch)
    if close is None:
        return None
    inner, rest = branch[3 if branch.startswith("(?:") else 1:close], branch[close + 1:]
    inside = [_first_letters(b) for b in _top_level_branches(inner)] if inner else [None]
    if any(f is None for f in inside):
        return None
    letters = frozenset().union(*inside)
    if rest[:1] == "?":
        after = _first_letters(rest[1:])
        return None if after is None else letters | after
    return None if rest[:1] in ("*", "{") else letters


def _closing_paren(pattern: str) -> int | None:
    """The index of the ")" closing the group that opens pattern[0]; None if unsure (a "[" set)."""
    depth, i = 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch == "[":
            return None
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
