"""The taxonomy's codes, the labelled CSVs shipped in kpu_berita/data, and the frozen split.

The frozen split holds back a quarter of the labelled satker (frozen_hosts.txt): rules and
features are written without reading those rows, so scoring on them says how the classifier
does on satker it has never seen. Cross-validation runs on the other rows only.
"""
from __future__ import annotations

import csv
import hashlib
from importlib import resources
from pathlib import Path

from kpu_berita.user_csv import dict_reader, open_text, sheet_row

DATA = resources.files("kpu_berita") / "data"
LABELLED_FILES = ("labeled_dev.csv", "real_items_dev.csv", "real_items_dev_2.csv")
FROZEN_HOSTS_FILE = "frozen_hosts.txt"
FROZEN_SALT = "kpu-berita/frozen-split/v1"
LOW_CONFIDENCE_WEIGHT = 0.5  # rows the labellers marked `low` are genuinely ambiguous


class LabelError(ValueError):
    """A training or corrections file with a label outside the taxonomy (names file and row)."""


def _load_taxonomy() -> list[dict]:
    with (DATA / "taxonomy.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


_TAXONOMY = _load_taxonomy()
CATEGORY_LABELS: dict[str, str] = {row["code"]: row["label"] for row in _TAXONOMY}
# what each code covers, for whoever picks a code by hand (the review sheet's `kategori`)
CATEGORY_DESCRIPTIONS: dict[str, str] = {row["code"]: row["description"] for row in _TAXONOMY}


def shipped_paths() -> list[Path]:
    return [Path(str(DATA / name)) for name in LABELLED_FILES]


def check_label(category: str | None, where: str) -> str:
    if category not in CATEGORY_LABELS:
        raise LabelError(f"{where}: unknown category {category!r}; choose one of {', '.join(CATEGORY_LABELS)}")
    return category


def read_labelled(paths: list[Path | str]) -> list[dict]:
    """Rows of labelled CSVs (title, optional body and satker, category); a bad label raises LabelError."""
    rows = []
    for path in paths:
        with open_text(path) as f:
            reader = dict_reader(f)
            if "title" not in (reader.fieldnames or []) or "category" not in (reader.fieldnames or []):
                raise LabelError(f"{path}: a labelled file needs title and category columns")
            for n, row in enumerate(reader, start=1):
                check_label((row.get("category") or "").strip(), f"{path} row {sheet_row(n)}")
                rows.append({**row, "category": row["category"].strip(), "source_file": Path(path).name})
    return rows


def sample_weight(row: dict) -> float:
    return LOW_CONFIDENCE_WEIGHT if (row.get("confidence") or "").strip() == "low" else 1.0


def choose_frozen_hosts(hosts: set[str], share: float = 0.25) -> list[str]:
    """A quarter of `hosts`, by a salted hash: the same answer on every machine, no seed to keep."""
    ranked = sorted(hosts, key=lambda h: hashlib.sha256(f"{FROZEN_SALT}:{h}".encode()).hexdigest())
    return sorted(ranked[:round(len(ranked) * share)])


def frozen_hosts() -> frozenset[str]:
    text = (DATA / FROZEN_HOSTS_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def split_frozen(rows: list[dict], frozen: frozenset[str] | None = None) -> tuple[list[dict], list[dict]]:
    """(open rows, frozen rows): frozen rows come from the satker of frozen_hosts.txt."""
    frozen = frozen_hosts() if frozen is None else frozen
    return [r for r in rows if r.get("satker") not in frozen], [r for r in rows if r.get("satker") in frozen]


def shipped_rows() -> list[dict]:
    return read_labelled(shipped_paths())
