"""Models `kpu-berita train` fits, versioned under HOME/models/<version>/ (model.pkl + meta.json).

Versions sort by training time, so the newest is the last folder. The pickles are the
project's own, written by `train` into the operator's home; nothing downloaded is unpickled.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import sklearn

from kpu_berita.pipelines.classify.model import CategoryModel

MODEL_FILE = "model.pkl"
META_FILE = "meta.json"


class ModelStoreError(RuntimeError):
    pass


def models_dir(home: Path | str) -> Path:
    return Path(home) / "models"


def versions(home: Path | str) -> list[str]:
    """Saved versions, oldest first (only complete ones: meta.json is written last)."""
    root = models_dir(home)
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / META_FILE).exists() and (p / MODEL_FILE).exists())


def save(model: CategoryModel, home: Path | str) -> Path:
    folder = models_dir(home) / model.version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODEL_FILE).write_bytes(pickle.dumps(model))
    meta = {"version": model.version, "threshold": model.threshold, "trained_on": model.trained_on,
            "sklearn": sklearn.__version__}
    (folder / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return folder


def load(home: Path | str, version: str) -> CategoryModel:
    folder = models_dir(home) / version
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    if meta.get("sklearn") != sklearn.__version__:
        raise ModelStoreError(f"model {folder} was saved with scikit-learn {meta.get('sklearn')}, this is "
                              f"{sklearn.__version__}: run `kpu-berita train` again")
    return pickle.loads((folder / MODEL_FILE).read_bytes())


def newest(home: Path | str) -> CategoryModel | None:
    saved = versions(home)
    return load(home, saved[-1]) if saved else None
