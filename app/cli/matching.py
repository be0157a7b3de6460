"""`mentordesk match --year YYYY-YYYY [--capacity N] [--apply] [--json]`."""

from __future__ import annotations

import argparse
import json

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    parser = cli.add(cli.top, "match", _match,
                     "propose (and with --apply, save) mentor assignments for a school year")
    parser.add_argument("--year", required=True, metavar="YYYY-YYYY", help="school year to match")
    parser.add_argument("--capacity", type=int, metavar="N",
                        help="mentees per mentor for this run, overriding every mentor's capacity")
    parser.add_argument("--apply", action="store_true",
                        help="save the pairs as assignments starting today (or the first day of school, if later)")
    parser.add_argument("--json", action="store_true", help="print the proposal as JSON")


def _match(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.matching.assignments import apply_proposal
    from app.errors import UsageError
    from app.services.matching.proposals import propose
    from app.services.years import ensure_year, parse_label

    parse_label(args.year)
    if args.capacity is not None and args.capacity < 0:
        raise UsageError("--capacity must be 0 or more")
    with ctx.db.unit_of_work() as session:
        _, created = ensure_year(session, args.year)
        proposal = propose(session, args.year, capacity=args.capacity)
        saved = apply_proposal(session, proposal) if args.apply else []
    if args.json:
        out = proposal.as_json()
        if args.apply:
            out["applied"] = [{"mentor_employee_id": s.mentor_employee_id, "mentee_employee_id": s.mentee_employee_id,
                               "start_date": s.start_date.isoformat()} for s in saved]
        print(json.dumps(out, indent=2))
        return 0
    if created:
        ctx.say(f"created school year {args.year} (July 1 to June 30; first day of school can be changed in Settings)")
    t = proposal.totals
    ctx.say(f"{args.year}: {t['matched']} of {t['matched'] + len(proposal.unmatched)} mentees matched "
            f"(mentor pool {proposal.mentor_pool}; {t['subject']} same subject, {t['grade']} grade overlap, "
            f"{t['building']} same building, {t['proximity']} classrooms near one another, "
            f"{t['planning']} shared planning period, {t['focus']} mentee focus among the mentor's strengths)")
    for p in proposal.pairs:
        extra = f" [{'; '.join(p.flags)}]" if p.flags else ""
        ctx.say(f"  {p.mentee.name} ({p.mentee.employee_id}) <- {p.mentor.name} ({p.mentor.employee_id}): "
                f"{'; '.join(p.reasons)}{extra}")
    for u in proposal.unmatched:
        ctx.say(f"  unmatched: {u.mentee.name} ({u.mentee.employee_id}): {u.reason}")
    for note in proposal.notes:
        ctx.say(f"note: {note}")
    if args.apply:
        first = min((s.start_date for s in saved), default=None)
        ctx.say(f"saved {len(saved)} assignments" + (f" starting {first.isoformat()}" if first else ""))
        later = [s for s in saved if s.start_date != first]
        if later:
            ctx.say(f"  ({len(later)} start later, on their mentee's hire date: "
                    + ", ".join(f"{s.mentee_employee_id} {s.start_date.isoformat()}" for s in later[:10])
                    + (", ..." if len(later) > 10 else "") + ")")
    else:
        ctx.say("nothing saved (use --apply to save these pairs)")
    return 0
