"""`mentordesk audit [--since YYYY-MM-DD] [--json] [--verify]`: the trail of who wrote, exported, decrypted or
re-keyed confidential data (issue 18), never the data itself."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    parser = cli.top.add_parser("audit", parents=[cli.common], help="list the audit trail of confidential data",
                                description="List who wrote, exported, decrypted or re-keyed confidential data "
                                            "(ids and counts, never values); --verify checks the hash chain.")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="entries on or after this day (UTC)")
    parser.add_argument("--json", action="store_true", help="one JSON list")
    parser.add_argument("--verify", action="store_true",
                        help="check that no entry was altered or removed (exit 1 with one line if one was)")
    parser.set_defaults(handler=_audit)


def _audit(args: argparse.Namespace, ctx: Context) -> int:
    import datetime as dt
    import json

    from app.errors import UsageError
    from app.services.audit import trail

    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--since {args.since!r}: give a day as YYYY-MM-DD") from None
    with ctx.db.engine.connect() as conn:
        if args.verify:
            verdict = trail.verify(conn)
            if not verdict.ok:
                ctx.say(verdict.problem or "")
                return 1
            ctx.say(f"audit trail intact: {verdict.count} entries; head {verdict.head_id} {verdict.head_hash}")
            return 0
        found = trail.entries(conn, since)
    if args.json:
        ctx.say(json.dumps([e.as_dict() for e in found], indent=1))
        return 0
    if not found:
        ctx.say("no audit entries" + (f" since {since:%m/%d/%Y}" if since else ""))
        return 0
    for e in found:
        when = dt.datetime.fromisoformat(e.at)
        rows = f": {e.count} {'row' if e.count == 1 else 'rows'}" if e.count else ""
        flag = "" if e.confidential else " (no confidential fields)"
        if e.action == "unlock-failed":  # times of the wrong passphrases, recorded at the next open
            last = dt.datetime.fromisoformat(e.row_ids[-1]) if e.row_ids else None
            rows = f": {e.count} wrong passphrase{'' if e.count == 1 else 's'}" + (
                f", the last at {last:%m/%d/%Y %H:%M:%S} UTC" if last else "")
            flag = ""
        ctx.say(f"{e.id:>6}  {when:%m/%d/%Y %H:%M:%S} UTC  {e.actor} ({e.os_user} on {e.device})  "
                f"{e.action} {e.what}{rows}{flag}")
    return 0
