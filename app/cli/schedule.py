"""`mentordesk export ics`: meetings as a calendar file (RFC 5545); `mentordesk import no-school-days`:
the district calendar's days without school."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    exports = cli.group("export", "export files")
    parser = cli.add(exports, "ics", _export_ics,
                     "orientation, support-team meetings, peer groups and other events as a calendar file (.ics) "
                     "for Outlook or Google Calendar; importing a later export updates the same entries")
    parser.add_argument("--year", metavar="YYYY-YYYY", help="school year (default: the current one)")
    parser.add_argument("--school", metavar="NAME", help="only this school's events")
    parser.add_argument("--person", metavar="EMPLOYEE_ID", help="only the events this educator attends")
    parser.add_argument("--organizer", metavar="EMAIL",
                        help="the induction coordinator's email, named as each event's organizer (default: the "
                             "saved setting coordinator_email); without one, attendees are listed in each "
                             "event's description instead of as invitees")
    parser.add_argument("--out", required=True, metavar="FILE.ics")
    imports = cli.group("import", "import CSV or XLSX files")
    parser = cli.add(imports, "no-school-days", _import_no_school_days,
                     "the district's no-school days (vacations, PD days) from CSV/XLSX (date, or start and end, and "
                     "label) or a calendar file (.ics) of all-day events; \"Propose times\" skips them")
    parser.add_argument("file", metavar="FILE", help="CSV, XLSX or ICS file")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    parser.add_argument("--strict", action="store_true", help="write nothing if any row is rejected")
    parser.add_argument("--errors", metavar="OUT.csv", help="write rejected rows here, to fix and import again")


def _import_no_school_days(args: argparse.Namespace, ctx: Context) -> int:
    from app.cli.roster import report_import
    from app.services.scheduling.school_days import import_no_school_days

    with ctx.db.unit_of_work() as session:
        report = import_no_school_days(session, args.file, dry_run=args.dry_run, strict=args.strict)
    return report_import(ctx, report, args.errors)


def _export_ics(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.scheduling.ics import export_ics, organizer
    from app.services.years import current_label, ensure_year

    label = args.year or current_label()
    with ctx.db.unit_of_work() as session:
        _year, created = ensure_year(session, label)
        if created:
            ctx.say(f"created school year {label} (July 1 to June 30)")
        path, count = export_ics(session, label, args.out, school=args.school, person=args.person,
                                 organizer_email=args.organizer)
        _name, email = organizer(session, args.organizer)
    ctx.say(f"wrote {path}: {count} event{'s' if count != 1 else ''}"
            + (f", organizer {email}" if email else
               "; no organizer email (--organizer EMAIL), so attendees are named in each description"))
    return 0
