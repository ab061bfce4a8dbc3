"""classify, eval, train and review: the activity categories (logic in kpu_berita/categories.py)."""
from __future__ import annotations

import sys

from kpu_berita.cli.common import UserError, home_of, read_csv, read_only_warehouse


def cmd_classify(args) -> int:
    from kpu_berita.categories import InputError, classify_csv
    from kpu_berita.pipelines.classify import Classifier

    try:
        n = classify_csv(args.input, args.output, Classifier.for_home(home_of(args)))
    except InputError as exc:
        raise UserError(str(exc))
    print(f"classified {n} rows into {args.output}", file=sys.stderr)
    return 0


def cmd_eval(args) -> int:
    from kpu_berita import categories
    from kpu_berita.pipelines.classify import Classifier

    try:
        if not args.labeled:
            print(categories.two_part_report(categories.labelled_rows(None), home_of(args)))
            return 0
        rows = []
        for path in args.labeled:
            read_csv(path, ("title", "category") + (("satker",) if args.cv else ()))  # names a missing column
            rows += categories.labelled_rows([path])
        if args.satker:
            rows = [r for r in rows if r.get("satker") in set(args.satker)]
        print(categories.score_labelled(rows, None if args.cv else Classifier.for_home(home_of(args)), args.cv))
    except categories.InputError as exc:
        raise UserError(str(exc))
    return 0


def cmd_train(args) -> int:
    from kpu_berita import categories

    try:
        print(categories.train_in_home(home_of(args), args.labeled, with_corrections=not args.no_corrections))
    except categories.InputError as exc:
        raise UserError(str(exc))
    print("new articles get the new model at the next build; `kpu-berita build --full` re-classifies the stored ones",
          file=sys.stderr)
    return 0


def cmd_review(args) -> int:
    from kpu_berita import categories
    from kpu_berita.pipelines.classify import Classifier
    from kpu_berita.warehouse.db import UnknownName
    from kpu_berita.warehouse.review import SheetError, write_sheet

    if bool(args.province) == bool(args.satker):
        raise UserError("review needs --satker ID (repeatable) or --province NAME")
    con = read_only_warehouse(args)
    try:
        rows = categories.review_rows(con, Classifier.for_home(home_of(args)), args.quarter, args.satker, args.province)
        written = write_sheet(rows, args.out or sys.stdout)
    except (categories.InputError, SheetError, UnknownName) as exc:
        raise UserError(str(exc))
    finally:
        con.close()
    if args.out:
        print(f"wrote {written} flagged article(s) to {args.out}; fill `category`, then "
              f"`kpu-berita correct --file {args.out}`", file=sys.stderr)
    return 0
