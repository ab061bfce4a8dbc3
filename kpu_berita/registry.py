"""The satker registry: all 514 kab/kota and 38 provinces (Kemendagri 2025), shipped in
the package; `--registry FILE` swaps in another file with the same columns."""
from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

COLUMNS = ("satker_id", "name", "level", "province", "kode_wilayah", "base_url")
LEVELS = {"provinsi", "kabupaten", "kota"}


class RegistryError(ValueError):
    pass


def default_registry_path() -> Path:
    return Path(str(resources.files("kpu_berita") / "data" / "satker.csv"))


def load_registry(path: Path | str | None = None) -> list[dict]:
    """Rows of the registry at `path` (default: the shipped one), validated."""
    path = Path(path) if path else default_registry_path()
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"registry {path} lacks columns {', '.join(missing)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"cannot read registry {path}: {exc}") from exc
    seen = set()
    for n, row in enumerate(rows, start=2):
        if not row["satker_id"] or not row["base_url"].startswith(("http://", "https://")):
            raise RegistryError(f"registry {path} line {n}: needs a satker_id and an http(s) base_url")
        if row["level"] not in LEVELS:
            raise RegistryError(f"registry {path} line {n}: level {row['level']!r} is not one of {sorted(LEVELS)}")
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
