"""`mentordesk db upgrade|check|backups|restore`, encryption at rest (`encrypt|decrypt|rekey`), and the
server's `grants` and `login`."""

from __future__ import annotations

import argparse
import os

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    group = cli.group("db", "database maintenance")
    cli.add(group, "upgrade", _upgrade, "migrate the database to the current schema (backs it up first)")
    cli.add(group, "check", _check, "integrity and foreign-key checks, and whether the schema is current")
    cli.add(group, "backups", _backups, "list this database's backups: when, schema revision, size")
    parser = cli.add(group, "restore", _restore, "put a backup in place of the database (the current file is kept "
                     "aside as *.before-restore)")
    parser.add_argument("backup", metavar="BACKUP", help="a backup file, or its name as `db backups` lists it")
    cli.add(group, "encrypt", _encrypt, "encrypt this database file and its backups (SQLCipher) with a new "
            "passphrase; prints a recovery key once")
    parser = cli.add(group, "decrypt", _decrypt, "write a plain (unencrypted) copy of an encrypted database")
    parser.add_argument("--out", required=True, metavar="PLAIN_FILE", help="the new plain file (must not exist)")
    parser = cli.add(group, "rekey", _rekey, "change an encrypted database's passphrase (the data key stays)")
    parser.add_argument("--new-passphrase-file", metavar="FILE",
                        help="a file whose first line is the new passphrase (else asked twice)")
    cli.add(group, "grants", _grants, "PostgreSQL: create the app's roles and grant each what it may read and write")
    parser = cli.add(group, "login", _login, "PostgreSQL: create or update one person's login in an app role")
    parser.add_argument("name", help="login name (lower-case letters, digits, underscores)")
    parser.add_argument("--role", required=True, help="coordinator, principal, mentor, supervising_practitioner or viewer")
    parser.add_argument("--password-file", required=True, metavar="FILE", help="a file holding the password")


def _upgrade(args: argparse.Namespace, ctx: Context) -> int:
    from app import db

    ctx.migrate = False
    engine = ctx.db.engine  # refuses an empty, foreign or damaged file; says so when it creates one
    before = db.current_revision(engine)
    backup = db.upgrade_on_open(engine)
    after = db.current_revision(engine)
    if before == after:
        ctx.say(f"schema already current ({after})")
    else:
        ctx.say(f"upgraded schema {before or 'empty'} -> {after}")
    if backup:
        ctx.say(f"backup: {backup}")
    return 0


def _check(args: argparse.Namespace, ctx: Context) -> int:
    from app import db

    ctx.migrate = False  # report the schema as it is
    engine = ctx.db.engine  # opened as a read-only command: refuses a missing, empty or foreign file
    result = db.check(engine)
    for line in result.lines():
        ctx.say(line)
    if _password_in_url(ctx.db_url):
        ctx.say("warning: the database URL holds a password; keep it in the OS keyring, ~/.pgpass or a service file "
                "instead (docs/security.md, \"Server passwords and TLS\")")
    if not result.ok and ctx.db.path is not None:
        from app import dbfiles

        ctx.say(dbfiles.restore_hint(ctx.db.path))
    return 0 if result.ok else 1


def _password_in_url(url: str | None) -> bool:
    """Whether a server URL given on the command line or in MENTORDESK_DB carries a password."""
    from sqlalchemy import make_url

    text = url or os.environ.get("MENTORDESK_DB") or ""
    if "://" not in text or text.startswith("sqlite"):
        return False
    try:
        return make_url(text).password is not None
    except Exception:  # noqa: BLE001 - a malformed URL is reported by the open, not here
        return False


def _sqlite_file(ctx: Context):  # type: ignore[no-untyped-def]
    from app import db
    from app.errors import UsageError

    path = db.plain_path(ctx.db_url)
    if path is None:
        raise UsageError("backups and restore are for a SQLite database file; a server has its own")
    return path


def _backups(args: argparse.Namespace, ctx: Context) -> int:
    from app import dbfiles, paths

    path = _sqlite_file(ctx)
    found = dbfiles.backups(path)
    if not found:
        ctx.say(f"no backups of {path.name} in {paths.backup_dir()}")
        return 0
    ctx.say(f"{len(found)} backups of {path.name}, newest first:")
    for backup in found:
        ctx.say("  " + backup.line())
    return 0


def _restore(args: argparse.Namespace, ctx: Context) -> int:
    from app import dbfiles

    path = _sqlite_file(ctx)
    used, aside = dbfiles.restore(path, args.backup)
    ctx.say(f"restored {path} from {used}")
    if aside is not None:
        ctx.say(f"the file it replaced is kept as {aside}")
    return 0


def _new_passphrase(source: str | None) -> str:
    """From a file (first line), else asked twice at a terminal."""
    import getpass
    import sys
    from pathlib import Path

    from app.errors import UsageError

    if source:
        lines = Path(source).expanduser().read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if sys.stdin is None or not sys.stdin.isatty():
        raise UsageError("give the new passphrase with --passphrase-file FILE (not at a terminal to be asked)")
    first = getpass.getpass("New passphrase: ")
    if getpass.getpass("The same passphrase again: ") != first:
        raise UsageError("the two passphrases differ; nothing was changed")
    return first


def _encrypt(args: argparse.Namespace, ctx: Context) -> int:
    import os

    from app import dbfiles, dbkeys

    path = _sqlite_file(ctx)
    if dbkeys.is_encrypted(path):
        ctx.say(f"{path} is encrypted already; `mentordesk db rekey` changes its passphrase")
        return 1
    ctx.db.dispose()  # refuses a missing, foreign or damaged file; brings the schema to head first
    source = args.passphrase_file or os.environ.get(dbkeys.PASSPHRASE_ENV)
    recovery, copies = dbfiles.encrypt_in_place(path, _new_passphrase(source))
    ctx.say(f"encrypted {path}" + (f" and re-encrypted {copies} backups of it" if copies else ""))
    ctx.say(f"recovery key: {recovery}")
    ctx.say("Print the recovery key and keep it somewhere safe: it opens the database when the passphrase is "
            "lost, and it is shown only this once.")
    return 0


def _decrypt(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from app import dbfiles

    path = _sqlite_file(ctx)
    ctx.db.dispose()  # unlocks (one line and exit 1 without the key) and brings the schema to head
    out = Path(args.out).expanduser()
    dbfiles.plain_copy(path, out)
    _audit(ctx, "decrypt")
    ctx.say(f"wrote a plain copy of {path.name} to {out}: anyone who can read that file reads every note "
            "and rating in it; delete it when done")
    return 0


def _audit(ctx: Context, action: str) -> None:
    from app.services.audit import trail

    trail.record(ctx.db, action, "database", count=0)


def _rekey(args: argparse.Namespace, ctx: Context) -> int:
    from app import dbfiles

    path = _sqlite_file(ctx)
    ctx.db.dispose()  # unlocks with the current passphrase or the recovery key
    count = dbfiles.rekey(path, _new_passphrase(args.new_passphrase_file))
    _audit(ctx, "rekey")
    ctx.say(f"changed the passphrase of {path}" + (f" and of its {count} encrypted backups" if count else "")
            + "; the recovery key is unchanged")
    return 0


def _grants(args: argparse.Namespace, ctx: Context) -> int:
    from app.models import Base, load_all
    from app.services.server.access import apply_grants

    load_all()  # grants cover every table, not only the ones this command imported
    count = apply_grants(ctx.db.engine, Base.metadata)
    ctx.say(f"applied {count} role and grant statements")
    return 0


def _login(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from app.services.server.access import create_login

    password = Path(args.password_file).read_text(encoding="utf-8").strip()
    create_login(ctx.db.engine, args.name, args.role, password)
    ctx.say(f"login {args.name} is a {args.role}")
    return 0
