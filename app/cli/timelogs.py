"""`mentordesk import timelogs`, `mentordesk report hours`, `mentordesk export timelogs`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context
from app.cli.roster import add_import_options, report_import


def register(cli: Commands) -> None:
    imports = cli.group("import", "import CSV or XLSX files")
    parser = cli.add(imports, "timelogs", _import,
                     "mentoring time logs from CSV or XLSX (the public format, or a Google/Microsoft Forms export)")
    add_import_options(parser)
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="use COLUMN for FIELD (mentor_employee_id, mentee_employee_id, date, minutes, hours, "
                             "activity, topics, release_time, notes); remembered for files with the same headers")
    reports = cli.group("report", "reports and printed documents")
    parser = cli.add(reports, "hours", _report, "mentoring hours per educator (.json .csv .pdf)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="FILE")
    parser.add_argument("--educator", metavar="EMPLOYEE_ID",
                        help="instead: the printable record of mentoring hours of one educator (.pdf)")
    exports = cli.group("export", "export files")
    parser = cli.add(exports, "timelogs", _export, "the year's time logs in the import format, without notes")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")


def _import(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.timelogs.imports import import_timelogs, parse_mapping_options

    mapping = parse_mapping_options(args.map)
    with ctx.db.unit_of_work() as session:
        report = import_timelogs(session, args.file, dry_run=args.dry_run, strict=args.strict, mapping=mapping)
    return report_import(ctx, report, args.errors)


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.timelogs import hours
    from app.errors import UsageError
    from app.services.years import ensure_year

    with ctx.db.unit_of_work() as session:
        _year, created = ensure_year(session, args.year)
        if created:
            ctx.say(f"created school year {args.year} (July 1 to June 30)")
        if args.educator:
            from sqlalchemy import select

            from app.models import Educator

            if not args.out.lower().endswith(".pdf"):
                raise UsageError("the record of mentoring hours is written as .pdf")
            educator = session.scalars(select(Educator).where(Educator.employee_id == args.educator)).one_or_none()
            if educator is None:
                raise UsageError(f"no educator with employee id {args.educator}")
            path = hours.write_hours_record(session, educator.id, args.out, as_of=_year.window_end)
        else:
            path = hours.write_hours_report(session, args.year, args.out)
    ctx.say(f"wrote {path}")
    return 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.timelogs.logs import EntryFilter, export_entries

    with ctx.db.unit_of_work() as session:
        path = export_entries(session, EntryFilter(args.year), args.out)
    ctx.say(f"wrote {path}")
    return 0
