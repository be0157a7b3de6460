"""`mentordesk report cap` (public: JSON or PDF), `mentordesk report pipeline` (candidates to hires; the
needs sheet), `mentordesk export cap` (the yearly CAP data) and
`mentordesk import cap-candidates` (candidates and placements from the sponsoring organization's file)."""

from __future__ import annotations

import argparse
import json

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    reports = cli.group("report", "reports and printed documents")
    parser = cli.add(reports, "cap", _report, "CAP progress per candidate: observations, meetings, hours, "
                                              "ratings against the edition's thresholds, ready to teach (.json .pdf)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--candidate", metavar="NAME_OR_ID", help="one candidate (name, part of it, or id)")
    parser.add_argument("--out", required=True, metavar="FILE.json|FILE.pdf")
    parser = cli.add(reports, "pipeline", _pipeline, "the student-teaching pipeline: candidates by program, placed, "
                                                     "completed CAP, hired; the pipeline-needs sheet (.json .csv .xlsx)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", metavar="FILE.json|FILE.csv|FILE.xlsx")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--needs", action="store_true", help="with --out FILE.csv: the needs sheet, not the programs")
    exports = cli.group("export", "export data files")
    parser = cli.add(exports, "cap", _export, "the year's CAP data for the state and the program (.csv .xlsx)")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY")
    parser.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
    from app.cli.roster import add_import_options

    imports = cli.group("import", "import CSV or XLSX files")
    parser = cli.add(imports, "cap-candidates", _import_candidates,
                     "CAP candidates and their placements from CSV or XLSX (SPs checked against 603 CMR 7.02)")
    add_import_options(parser)


def _import_candidates(args: argparse.Namespace, ctx: Context) -> int:
    from app.cli.roster import report_import
    from app.services.cap.candidate_import import import_candidates

    with ctx.db.unit_of_work() as session:
        report = import_candidates(session, args.file, dry_run=args.dry_run, strict=args.strict)
    return report_import(ctx, report, args.errors)


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from app.errors import UsageError
    from app.services.years import parse_label

    parse_label(args.year)
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".pdf"):
        raise UsageError("report cap writes .json or .pdf")
    with ctx.db.unit_of_work() as session:
        _say_if_created(ctx, session, args.year)
        if suffix == ".json":
            from app.services.cap.export import report

            data = report(session, args.year, args.candidate)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
            count = len(data["candidates"])
        else:
            from app.services.cap.export import _summaries
            from app.services.cap.forms import report_pdf

            count = len(_summaries(session, args.year, args.candidate))
            report_pdf(session, args.year, out, args.candidate)
    ctx.say(f"wrote {out} ({count} candidate{'s' if count != 1 else ''})")
    return 0


def _pipeline(args: argparse.Namespace, ctx: Context) -> int:
    from app.errors import UsageError
    from app.services.reports import pipeline
    from app.services.years import parse_label

    parse_label(args.year)
    if not args.out and not args.json:
        raise UsageError("report pipeline needs --out FILE.json|FILE.csv|FILE.xlsx or --json")
    with ctx.db.unit_of_work() as session:
        if not args.json:  # stdout is the JSON alone
            _say_if_created(ctx, session, args.year)
        if args.json:
            print(json.dumps(pipeline.report(session, args.year), indent=2))
        if args.out:
            path = pipeline.write(session, args.year, args.out, needs_only=args.needs)
            if not args.json:
                ctx.say(f"wrote {path}")
    return 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.cap.export import write_year_export
    from app.errors import UsageError
    from app.services.years import parse_label

    parse_label(args.year)
    if not args.out.lower().endswith((".csv", ".xlsx")):
        raise UsageError("export cap writes .csv or .xlsx")
    with ctx.db.unit_of_work() as session:
        _say_if_created(ctx, session, args.year)
        path = write_year_export(session, args.year, args.out)
    ctx.say(f"wrote {path}")
    return 0


def _say_if_created(ctx: Context, session, label: str) -> None:  # type: ignore[no-untyped-def]
    from app.services.years import ensure_year

    _year, created = ensure_year(session, label)
    if created:
        ctx.say(f"created school year {label} (July 1 to June 30)")
