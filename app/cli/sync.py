"""`mentordesk sync setup|invite|join|devices|revoke|status|export|import|folder`, `mentordesk fieldcopy`
and `mentordesk conflicts` (issues 6 and 18)."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    sync = cli.group("sync", "exchange changes with other laptops through bundle files")
    parser = cli.add(sync, "setup", _setup, "start the district's sync group on this (coordinator) laptop")
    parser.add_argument("--name", help="this laptop's name as the other devices see it (default: user@computer)")
    parser.add_argument("--group", metavar="NAME", help="the group's name (default: MentorDesk sync group)")
    parser.add_argument("--secret-file", metavar="FILE",
                        help="old style: join a group that shares a district secret (docs/security.md: moving an old group)")
    parser = cli.add(sync, "invite", _invite, "write a one-time invitation for a new device (coordinator only)")
    parser.add_argument("--name", required=True, help="the new device's name")
    parser.add_argument("--role", required=True, choices=("coordinator", "staff", "principal"),
                        help="what the device may do (a principal's device gets nothing confidential, writes nothing)")
    parser.add_argument("--out", required=True, metavar="FILE", help="the invitation file to hand over")
    parser = cli.add(sync, "join", _join, "enrol this laptop in the group with an invitation and its code")
    parser.add_argument("file", metavar="FILE", help="the invitation file")
    parser.add_argument("--code", required=True, help="the code read out by the coordinator (XXXX-XXXX)")
    parser.add_argument("--name", required=True, help="this device's name, as in the invitation")
    parser = cli.add(sync, "devices", _devices, "the group's enrolled devices, their roles and revocations")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser = cli.add(sync, "revoke", _revoke, "revoke a device: its bundles are refused from now on (coordinator only)")
    parser.add_argument("name", metavar="NAME", help="the device's name (or id)")
    cli.add(sync, "status", _status, "this laptop's identity, partners, conflicts and parked bundles")
    parser = cli.add(sync, "export", _export, "write a bundle of the changes the recipient has not had")
    parser.add_argument("--to", required=True, metavar="FOLDER_OR_FILE",
                        help="a folder (the bundle goes in this laptop's outbox inside it) or a .mdsync file")
    parser.add_argument("--for", dest="for_replica", metavar="REPLICA",
                        help="seal the bundle for one partner (id or name); default: the whole group")
    parser = cli.add(sync, "import", _import, "apply a bundle file, or every bundle in a folder")
    parser.add_argument("source", metavar="FILE_OR_FOLDER")
    parser = cli.add(sync, "folder", _folder, "import from and export to a shared folder in one step")
    parser.add_argument("path", metavar="PATH")
    parser = cli.add(cli.top, "fieldcopy", _fieldcopy, "a database file for a supervising practitioner to work in offline")
    parser.add_argument("--for", dest="employee_id", required=True, metavar="EMPLOYEE_ID", help="the SP's employee id")
    parser.add_argument("--out", required=True, metavar="FILE", help="the new database file to hand over")
    parser.add_argument("--copy-passphrase-file", metavar="FILE",
                        help="encrypt the copy with this passphrase (a copy of an encrypted database, or in a group of enrolled devices, is always encrypted: without this, a new passphrase is printed once to give the SP)")
    parser = cli.add(cli.top, "conflicts", _conflicts, "fields two laptops changed differently, for a person to decide")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--resolved", action="store_true", help="the conflicts already settled, latest first")


def _refuse_synced_folder(ctx: Context) -> None:
    from app.errors import MentorDeskError
    from app.services.sync.identity import synced_folder_problem

    engine = ctx.db.engine
    if engine.dialect.name == "sqlite":
        problem = synced_folder_problem(engine.url.database)
        if problem:
            raise MentorDeskError(problem)


def _setup(args: argparse.Namespace, ctx: Context) -> int:
    from app.errors import UsageError
    from app.services.sync.identity import setup

    if not args.secret_file:
        return _setup_group(args, ctx)
    try:
        secret = Path(args.secret_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(f"cannot read the secret file: {exc}") from exc
    _refuse_synced_folder(ctx)
    with ctx.db.unit_of_work() as session:
        me, backfilled = setup(session, secret, args.name)
        ctx.say(f"this laptop: {me.name} (replica {me.id})")
    ctx.say(f"recorded {backfilled} existing records for the first exchange" if backfilled else "sync is set up")
    return 0


def _setup_group(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.devices import setup_group

    _refuse_synced_folder(ctx)
    with ctx.db.unit_of_work() as session:
        me, backfilled = setup_group(session, args.name, args.group)
        ctx.say(f"this laptop: {me.name} (device {me.id}), coordinator of the sync group")
    ctx.say(f"recorded {backfilled} existing records for the first exchange" if backfilled else "sync is set up")
    ctx.say("Invite the other laptops with `mentordesk sync invite --name NAME --role staff --out FILE`.")
    return 0


def _invite(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.devices import INVITE_DAYS, invite

    with ctx.db.unit_of_work() as session:
        code = invite(session, args.name, args.role, args.out)
    ctx.say(f"wrote {args.out}: a one-time invitation for {args.name.strip()} ({args.role}), valid {INVITE_DAYS} days")
    ctx.say(f"code: {code}")
    ctx.say("Read the code out to the person enrolling; do not send it with the file.")
    return 0


def _join(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.devices import join

    _refuse_synced_folder(ctx)
    with ctx.db.unit_of_work() as session:
        me, device, backfilled = join(session, args.file, args.code, args.name)
        ctx.say(f"this laptop: {me.name} (device {me.id}), {device.role}")
    ctx.say(f"recorded {backfilled} existing records for the first exchange" if backfilled else "joined")
    ctx.say("Run `mentordesk sync folder PATH`: the coordinator's laptop accepts this device at its next sync.")
    return 0


def _devices(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.devices import ROLE_LABELS, group, list_devices

    with ctx.db.read() as session:
        g = group(session)
        found = list_devices(session)
        name, version = (g.name, g.version) if g else (None, 0)
    if args.json:
        ctx.say(json.dumps({"group": name, "roster_version": version,
                            "devices": [d.as_json() for d in found]}, indent=2))
        return 0
    if g is None:
        ctx.say("this database is not in a device sync group (`mentordesk sync setup` or `sync join`)")
        return 0
    ctx.say(f"group: {name} (roster {version})")
    for d in found:
        state = f"revoked {d.revoked}" if d.revoked else f"enrolled {d.enrolled}"
        ctx.say(f"{d.name}: {ROLE_LABELS.get(d.role, d.role)}, {state}{' (this device)' if d.this_device else ''}")
    return 0


def _revoke(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.devices import revoke

    with ctx.db.unit_of_work() as session:
        device = revoke(session, args.name)
        name = device.name
    ctx.say(f"revoked {name}: its bundles are refused from now on, and new bundles are not sealed to it")
    ctx.say("Sync now (`mentordesk sync folder PATH`) so the other devices learn of it.")
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.status import status

    with ctx.db.read() as session:
        for line in status(session).lines():
            ctx.say(line)
    return 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.bundles import export_bundle

    _refuse_synced_folder(ctx)
    with ctx.db.unit_of_work() as session:
        done = export_bundle(session, args.to, args.for_replica, even_if_empty=True)
    ctx.say(f"wrote {done.path} ({done.ops} changes, {done.size:,} bytes)" if len(done.paths) < 2 else
            f"wrote {len(done.paths)} bundles, {done.paths[0]} to {done.paths[-1]} ({done.ops} changes, "
            f"{done.size:,} bytes); import them all")
    return 0


def _import(args: argparse.Namespace, ctx: Context) -> int:
    _refuse_synced_folder(ctx)
    return _import_all(ctx, Path(args.source))


def _import_all(ctx: Context, source: Path) -> int:
    from app.errors import DatabaseBusyError
    from app.services.sync.bundles import bundle_files, import_bundle, retry_held
    from app.services.sync.identity import SyncError

    if not source.exists():
        ctx.say(f"no such file or folder: {source}")
        return 1
    explicit = source.is_file()  # a file named on its own: a replay or a bundle for others is refused
    found = bundle_files(source)
    with ctx.db.unit_of_work() as session:  # a folder's rosters first: who is enrolled or revoked
        for done in retry_held(session, None if explicit else found):
            ctx.say(f"applied parked bundle from {done.sender}: {done.new} new changes")
    failed = unexpected = 0
    for path in found:  # one bad bundle is reported; the rest are still applied
        try:
            with ctx.db.unit_of_work() as session:
                done = import_bundle(session, path, explicit=explicit)
        except DatabaseBusyError:
            raise  # another process kept the lock past the wait: every later bundle would wait the same
        except SyncError as exc:
            failed += 1
            ctx.say(f"{path.name}: not applied: {exc}")
            continue
        except Exception as exc:  # a hostile bundle must not stop the folder
            unexpected += 1
            logging.getLogger(__name__).exception("bundle %s could not be applied: %s", path.name,
                                                  type(exc).__name__)
            ctx.say(f"{path.name}: not applied: unexpected {type(exc).__name__} (details in the log)")
            continue
        if done.status == "refused":
            failed += 1
            ctx.say(f"{path.name}: refused (kept, not applied): {done.note}")
        elif done.status in ("applied", "parked", "waiting"):
            detail = done.note if done.status == "parked" else f"{done.new} new of {done.ops} changes"
            if done.status == "waiting":
                detail += f"; {done.note}"
            ctx.say(f"{path.name}: {done.status}: {detail}")
        elif done.status == "not-enrolled":
            ctx.say(f"{path.name}: not applied yet: {done.note}")
        if done.audit:  # its audit section refused (nothing of it stored); its changes went on as above
            failed += 1
            ctx.say(f"{path.name}: {done.audit}")
    return 3 if unexpected else 1 if failed else 0


def _folder(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.bundles import export_bundle

    _refuse_synced_folder(ctx)
    folder = Path(args.path)
    folder.mkdir(parents=True, exist_ok=True)
    code = _import_all(ctx, folder)
    with ctx.db.unit_of_work() as session:
        done = export_bundle(session, folder)
    if len(done.paths) > 1:
        ctx.say(f"wrote {len(done.paths)} bundles in {done.path.parent} ({done.ops} changes)")
    else:
        ctx.say(f"wrote {done.path} ({done.ops} changes)" if done.path else "nothing new to send")
    return code


def _fieldcopy(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.fieldcopy import make_field_copy, must_be_encrypted

    from app import dbkeys
    from app.errors import UsageError

    passphrase = None
    if args.copy_passphrase_file:
        try:
            passphrase = Path(args.copy_passphrase_file).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError) as exc:
            raise UsageError(f"cannot read the copy's passphrase file {args.copy_passphrase_file}") from exc
    with ctx.db.unit_of_work() as session:
        generated = passphrase is None and must_be_encrypted(session, ctx.db.engine)
        if generated:
            passphrase = dbkeys.new_recovery_key()  # 200 random bits, in groups of five
        done = make_field_copy(session, ctx.db.engine, args.employee_id, args.out, passphrase=passphrase)
    ctx.say(f"wrote {done.path}: field copy for {done.sp_name} (replica {done.replica})"
            + (", encrypted" if passphrase else ""))
    if generated:
        ctx.say(f"copy passphrase: {passphrase}")
        ctx.say("Give the passphrase to the SP apart from the file (it is shown only now).")
    ctx.say("The SP opens it with MentorDesk and exchanges bundles through the shared folder (`sync folder`).")
    return 0


def _conflicts(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.conflicts import conflicts_json, list_conflicts

    if args.resolved:
        return _resolved(args, ctx)
    with ctx.db.read() as session:
        if args.json:
            ctx.say(json.dumps(conflicts_json(session), indent=2, default=str))
            return 0
        found = list_conflicts(session)
    if not found:
        ctx.say("no conflicts")
    for c in found:
        how = {"edit_delete": "edited or restored vs deleted",
               "duplicate": "same as another record here: rename one, then sync"}.get(c.kind, "changed twice")
        ctx.say(f"{c.label} [{c.record}] {c.field} ({how}):")
        for i, v in enumerate(c.values):
            mark = "shown" if i == 0 else "     "
            ctx.say(f"  {mark} {c.describe(v)} by {v.by} at {v.at}")
    return 0


def _resolved(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.sync.conflicts import settled_conflicts

    with ctx.db.read() as session:
        settled = settled_conflicts(session)
    if args.json:
        from app.services.sync.conflicts import resolved_json

        ctx.say(json.dumps(resolved_json(settled), indent=2, default=str))
        return 0
    if not settled:
        ctx.say("no conflicts settled yet")
    for s in settled:
        c = s.conflict
        ctx.say(f"{c.label} [{c.record}] {c.field}: kept {c.describe(s.kept)}, decided by {s.kept.by} at {s.kept.at}")
        for v in c.values:
            ctx.say(f"  competing: {c.describe(v)} by {v.by} at {v.at}")
    return 0
