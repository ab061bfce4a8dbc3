"""The satker registry: all 514 kab/kota and 38 provinces (Kemendagri 2025), shipped in
the package; `--registry FILE` swaps in another file with the same columns."""
from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

from kpu_berita.user_csv import dict_reader, open_text

COLUMNS = ("satker_id", "name", "level", "province", "kode_wilayah", "base_url")
# Optional: the id of the site's Berita Terkini category, where its menu can't tell the
# crawler (a menu built by JavaScript) or the crawl stopped at `not_berita_terkini`.
# Empty: found on the home page, else 104 (kpu_sites.md section 3).
CATEGORY_ID = "category_id"
LEVELS = {"provinsi", "kabupaten", "kota"}
SATKER_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")  # the site's host label


class RegistryError(ValueError):
    pass


def default_registry_path() -> Path:
    return Path(str(resources.files("kpu_berita") / "data" / "satker.csv"))


def load_registry(path: Path | str | None = None) -> list[dict]:
    """Rows of the registry at `path` (default: the shipped one), validated."""
    path = Path(path) if path else default_registry_path()
    try:
        with open_text(path) as f:  # Excel's "CSV UTF-8" or ";" too
            reader = dict_reader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"registry {path} lacks columns {', '.join(missing)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegistryError(f"cannot read registry {path}: {exc}") from exc
    seen = set()
    for n, row in enumerate(rows, start=2):
        if any(row[c] is None for c in COLUMNS):
            raise RegistryError(f"registry {path} line {n}: fewer fields than the header's {len(reader.fieldnames)}")
        row["satker_id"] = row["satker_id"].strip().lower()  # a host label, as the CLI reads one
        if not row["satker_id"] or not row["base_url"].startswith(("http://", "https://")):
            raise RegistryError(f"registry {path} line {n}: needs a satker_id and an http(s) base_url "
                                f"(has {row['satker_id']!r} and {row['base_url']!r})")
        if not SATKER_ID.fullmatch(row["satker_id"]):  # it names folders, locks and every article key
            raise RegistryError(f"registry {path} line {n}: satker_id {row['satker_id']!r} is not a host label "
                                "(letters, digits and '-', e.g. kab-serang)")
        if not row["province"].strip():  # shards keep provinces whole; reports group by them
            raise RegistryError(f"registry {path} line {n}: {row['satker_id']} has no province")
        if row["level"] not in LEVELS:
            raise RegistryError(f"registry {path} line {n}: level {row['level']!r} is not one of {sorted(LEVELS)}")
        category = (row.get(CATEGORY_ID) or "").strip()
        if category and not (category.isascii() and category.isdigit() and int(category) > 0):
            raise RegistryError(f"registry {path} line {n}: {CATEGORY_ID} {category!r} of {row['satker_id']} is not "
                                "a category number (the N of /blog/category/N), nor empty")
        row[CATEGORY_ID] = int(category) if category else None
        if row["satker_id"] in seen:
            raise RegistryError(f"registry {path} line {n}: satker_id {row['satker_id']!r} appears twice")
        seen.add(row["satker_id"])
    return rows


def select(rows: list[dict], satker_ids: list[str] | None) -> list[dict]:
    """The rows for `satker_ids` in the order given (all rows when None or empty)."""
    if not satker_ids:
        return rows
    by_id = {r["satker_id"]: r for r in rows}
    unknown = [s for s in satker_ids if s not in by_id]
    if unknown:
        raise RegistryError(f"unknown satker {', '.join(map(repr, unknown))}: not in the registry")
    return [by_id[s] for s in dict.fromkeys(satker_ids)]


def select_partition(rows: list[dict], *, satker_ids: list[str] | None = None,
                     provinces: list[str] | None = None) -> list[dict]:
    """The rows of the given satker and/or provinces (all rows when neither is given).
    Provinces match case-insensitively ("Banten", "banten")."""
    chosen = select(rows, satker_ids) if satker_ids else ([] if provinces else rows)
    if provinces:
        names = {r["province"].lower() for r in rows}
        unknown = [p for p in provinces if p.lower() not in names]
        if unknown:
            raise RegistryError(f"unknown province {', '.join(map(repr, unknown))}: not in the registry")
        wanted = {p.lower() for p in provinces}
        ids = {r["satker_id"] for r in chosen}
        chosen += [r for r in rows if r["province"].lower() in wanted and r["satker_id"] not in ids]
    return chosen


def shards(rows: list[dict], count: int) -> list[list[dict]]:
    """Split the rows into at most `count` shards of similar size, keeping each province
    whole (a host is never in two shards, so per-host politeness holds across processes)."""
    by_province: dict[str, list[dict]] = {}
    for row in rows:
        by_province.setdefault(row["province"], []).append(row)
    bins: list[list[dict]] = [[] for _ in range(max(1, min(count, len(by_province))))]
    for group in sorted(by_province.values(), key=len, reverse=True):
        min(bins, key=len).extend(group)
    return [b for b in bins if b]
