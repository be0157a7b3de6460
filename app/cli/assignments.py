"""`mentordesk import assignments`, `mentordesk export assignments`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context
from app.cli.roster import add_import_options, report_import


def register(cli: Commands) -> None:
    parser = cli.add(cli.group("import", "import CSV or XLSX files"), "assignments", _import,
                     "mentor-mentee assignments from CSV or XLSX")
    add_import_options(parser)
    parser = cli.add(cli.group("export", "export files"), "assignments", _export,
                     "assignments in the import format (round-trips)")
    parser.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")


def _import(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.matching.assignment_files import import_assignments

    with ctx.db.unit_of_work() as session:
        report = import_assignments(session, args.file, dry_run=args.dry_run, strict=args.strict)
    return report_import(ctx, report, args.errors)


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from app.services import settings
    from app.services.matching.assignment_files import ASSIGNMENT_FIELDS, assignment_rows
    from app.services.tabular import Column, write_table

    kinds = {"start_date": "date", "end_date": "date"}  # XLSX: real dates; IDs and the year stay text
    with ctx.db.read() as session:
        path = write_table(args.out, [Column(f, kind=kinds.get(f, "text")) for f in ASSIGNMENT_FIELDS],
                           assignment_rows(session), sheet="Assignments",
                           plain_utf8=bool(settings.get(session, "csv_plain_utf8")))
    ctx.say(f"wrote {path}")
    return 0
