"""`mentordesk import roster`, `mentordesk export roster`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """The options every import shares (DESIGN.md, "Import policy")."""
    parser.add_argument("file", metavar="FILE", help="CSV or XLSX file")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    parser.add_argument("--strict", action="store_true", help="write nothing if any row is rejected")
    parser.add_argument("--errors", metavar="OUT.csv", help="write rejected rows here, to fix and import again")


def report_import(ctx: Context, report, errors_path: str | None) -> int:  # type: ignore[no-untyped-def]
    """Print an import report the same way for every import; exit 1 when rows were rejected."""
    from app.services.tabular import withheld_columns, write_errors

    for note in report.notes:
        ctx.say(note)
    ctx.say(report.summary())
    for warning in report.warnings[:50]:
        ctx.say(f"warning: line {warning.line}: {warning.message}")
    for row in report.rejected[:20]:
        ctx.say(f"rejected: line {row.line}: {row.reason}")
    if len(report.rejected) > 20:
        ctx.say(f"... and {len(report.rejected) - 20} more rejected rows")
    if errors_path and report.rejected:
        ctx.say(f"errors file: {write_errors(report, errors_path)}")
        if left_out := withheld_columns(report):
            ctx.say(f"left out of the errors file as confidential: {', '.join(left_out)}")
    return 1 if report.rejected else 0


def register(cli: Commands) -> None:
    imports = cli.group("import", "import CSV or XLSX files")
    parser = cli.add(imports, "roster", _import_roster, "staff roster from CSV or XLSX")
    add_import_options(parser)
    parser.add_argument("--year", metavar="YYYY-YYYY", help="school year the induction status is for (default: current)")
    exports = cli.group("export", "export files")
    parser = cli.add(exports, "roster", _export_roster, "the roster in the import format (round-trips)")
    parser.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
    parser.add_argument("--year", metavar="YYYY-YYYY", help="school year for induction status (default: current)")


def _import_roster(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.roster.files import import_roster

    with ctx.db.unit_of_work() as session:
        report = import_roster(session, args.file, year_label=args.year, dry_run=args.dry_run, strict=args.strict)
    return report_import(ctx, report, args.errors)


def _export_roster(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.roster.files import export_roster

    with ctx.db.unit_of_work() as session:
        path = export_roster(session, args.out, args.year)
    ctx.say(f"wrote {path}")
    return 0
