"""Files people point the commands at: what they ask to be written is written whole or not
at all, and a file that can't be read or written is named in one line (the CLI's exit 2),
not a traceback from deep inside a writer."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class FileProblem(Exception):
    """A file someone named or pointed at can't be read or written; the message names it."""


@contextmanager
def written_whole(target: Path | str) -> Iterator[Path]:
    """A temporary path beside `target` for the block to write; renamed over `target` when
    the block ends, removed when it raises, so a reader never finds half a file and a failed
    write leaves nothing behind. A write that fails (a sheet still open in Excel on a shared
    folder, a read-only file, a full disk) is a FileProblem naming `target`."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        # only the writing of these two paths is this file's problem: any other file the block
        # read or wrote keeps its own error
        if exc.filename is not None and os.fspath(exc.filename) not in (str(tmp), str(target)):
            raise
        raise FileProblem(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a name the file system refused was never made
            pass
