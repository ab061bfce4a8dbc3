"""SQL text that every layer talking to DuckDB writes the same way."""
from __future__ import annotations

from pathlib import Path


def quoted_path(path: Path | str) -> str:
    """A path inside a single-quoted SQL string literal. File names go into the SQL text
    (read_parquet, COPY ... TO and ATTACH take no parameters), and a home such as
    /home/o'neil must not end the literal."""
    return str(path).replace("'", "''")
