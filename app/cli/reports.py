"""`mentordesk report state`, `report roster`, `report pdp`, `report partnership`, `mentordesk import survey`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context
from app.cli.roster import add_import_options, report_import


def register(cli: Commands) -> None:
    reports = cli.group("report", "reports and printed documents")
    parser = cli.add(reports, "state", _state, "the annual induction and mentoring report to DESE (.json .pdf .xlsx .csv)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="FILE")
    parser = cli.add(reports, "roster", _roster, "principal rosters: pairs, support teams, hours; never notes or ratings")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--school", metavar="NAME", help="one school (default: every school)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")
    parser = cli.add(reports, "pdp", _pdp, "PDP certificates for mentors and supervising practitioners (a folder of "
                                           ".pdf, or FILE.json)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="DIR|FILE.json")
    parser = cli.add(reports, "partnership", _partnership, "the partnership toolkit's records and results: partners, "
                                                           "agreements, assessments, goals, the five criteria "
                                                           "(.json .pdf .xlsx)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="FILE")
    imports = cli.group("import", "import CSV or XLSX files")
    parser = cli.add(imports, "survey", _survey, "participant survey responses (a Forms export: role + Likert questions)")
    add_import_options(parser)
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")


def _state(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.reports import state_report_files
    from app.services.years import ensure_year

    with ctx.db.unit_of_work() as session:
        _year, created = ensure_year(session, args.year)
        if created:
            ctx.say(f"created school year {args.year} (July 1 to June 30)")
        path = state_report_files.export(session, args.year, args.out)
    ctx.say(f"wrote {path}")
    return 0


def _survey(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.reports.survey import import_survey

    with ctx.db.unit_of_work() as session:
        report = import_survey(session, args.file, year_label=args.year, dry_run=args.dry_run, strict=args.strict)
    return report_import(ctx, report, args.errors)


def _roster(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.reports.principal_roster import write_roster_pdf

    if not args.out.lower().endswith(".pdf"):
        from app.errors import UsageError

        raise UsageError("principal rosters are written as .pdf")
    with ctx.db.unit_of_work() as session:
        path = write_roster_pdf(session, args.year, args.out, school=args.school)
    ctx.say(f"wrote {path}")
    return 0


def _pdp(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.reports import pdp

    with ctx.db.unit_of_work() as session:
        path, count = pdp.write(session, args.year, args.out)
    if path.suffix.lower() == ".json":
        ctx.say(f"wrote {path} ({count} educator{'s' if count != 1 else ''})")
    else:
        ctx.say(f"wrote {count} certificate{'s' if count != 1 else ''} to {path}")
    return 0


def _partnership(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.reports import partnership

    with ctx.db.unit_of_work() as session:
        path = partnership.write(session, args.year, args.out)
    ctx.say(f"wrote {path}")
    return 0
