"""`mentordesk audit [--since YYYY-MM-DD] [--device NAME] [--json] [--verify]`: the trail of who wrote,
exported, decrypted or re-keyed confidential data (issue 18), never the data itself. On a coordinator's
laptop in a device sync group it lists, besides its own, the trails received from the other devices, each
under the device's enrolled name, and --verify checks every chain (app/services/audit/received.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli import Commands, Context

if TYPE_CHECKING:
    from app.services.audit.received import Chain


def register(cli: Commands) -> None:
    parser = cli.top.add_parser("audit", parents=[cli.common], help="list the audit trail of confidential data",
                                description="List who wrote, exported, decrypted or re-keyed confidential data "
                                            "(ids and counts, never values); --verify checks the hash chain.")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="entries on or after this day (UTC)")
    parser.add_argument("--device", metavar="NAME",
                        help="only the trail of this sync device (its enrolled name; this laptop's own name: its own)")
    parser.add_argument("--json", action="store_true", help="one JSON list")
    parser.add_argument("--verify", action="store_true",
                        help="check that no entry was altered or removed (exit 1 with one line if one was)")
    parser.set_defaults(handler=_audit)


def _audit(args: argparse.Namespace, ctx: Context) -> int:
    import datetime as dt
    import json

    from app.errors import UsageError
    from app.services.audit import received

    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--since {args.since!r}: give a day as YYYY-MM-DD") from None
    with ctx.db.engine.connect() as conn:
        if args.verify:
            return _verify(ctx, received.verify_all(conn))
        try:
            found = received.listing(conn, since, args.device)
        except LookupError:
            raise UsageError(f"--device {args.device!r}: no such device in this sync group "
                             "(`mentordesk sync devices` lists them)") from None
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
        trail_of = f"{e.sync_device}  " if e.sync_device else ""
        ctx.say(f"{e.id:>6}  {trail_of}{when:%m/%d/%Y %H:%M:%S} UTC  {e.actor} ({e.os_user} on {e.device})  "
                f"{e.action} {e.what}{rows}{flag}")
    return 0


def _verify(ctx: Context, chains: list[Chain]) -> int:
    """One line per chain (this laptop's own first): its head (number and the start of its hash, to note
    and compare later), or the first break. Exit 1 when any chain is broken."""
    broken = False
    for chain in chains:
        v = chain.verdict
        if not v.ok:
            broken = True
            ctx.say(v.problem or "")
            continue
        name = "audit trail" if chain.own else f"audit trail of {chain.device}"
        ctx.say(f"{name} intact: {v.count} entries; head {v.head_id} {v.head_hash[:16]}")
    return 1 if broken else 0
