"""`kpu-berita`: crawl KPU satker news, build the warehouse, fill the Bakohumas report.

This package only parses and dispatches; each command is a thin shell over the library
(parser.py: the options; *_commands.py: the shells; common.py: what they share).
The commands and options are a contract that users' scripts rely on: extend, never break.
"""
from __future__ import annotations

import os
import sys

from kpu_berita.cli import category_commands, pipeline_commands, warehouse_commands
from kpu_berita.cli.common import INTERRUPTED_EXIT, Interrupted, UserError
from kpu_berita.cli.parser import parse_args
from kpu_berita.user_files import FileProblem

BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE, as the shell reports `yes | head`

COMMANDS = {"demo": pipeline_commands.cmd_demo, "crawl": pipeline_commands.cmd_crawl,
            "build": pipeline_commands.cmd_build, "status": pipeline_commands.cmd_status,
            "report": warehouse_commands.cmd_report,
            "social": warehouse_commands.cmd_social, "correct": warehouse_commands.cmd_correct,
            "export": warehouse_commands.cmd_export, "bench": warehouse_commands.cmd_bench,
            "sql": warehouse_commands.cmd_sql, "classify": category_commands.cmd_classify,
            "eval": category_commands.cmd_eval, "train": category_commands.cmd_train,
            "review": category_commands.cmd_review}


# The commands that read the global --satker. The others accept it (a script may pass it to
# every command) and say that they left it out: `status --satker nope` said nothing, exit 0.
READS_SATKER = frozenset({"demo", "crawl", "build", "report", "export", "eval", "review"})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.satker and args.command not in READS_SATKER:
        print(f"note: `kpu-berita {args.command}` reads no --satker; it was left out", file=sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except (UserError, FileProblem) as exc:  # FileProblem: an output that can't be written, a warehouse held
        print(f"kpu-berita {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"kpu-berita {args.command}: {exc}", file=sys.stderr)
        return INTERRUPTED_EXIT
    except BrokenPipeError:
        # `kpu-berita status | head`: the reader stopped reading, nothing went wrong. Point
        # stdout at /dev/null so the interpreter's own flush at exit doesn't fail again, and
        # exit as a program killed by SIGPIPE does (Python ignores that signal)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_EXIT
