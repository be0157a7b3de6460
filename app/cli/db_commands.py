"""`mentordesk db upgrade|check|backups|restore` (and the server's `grants` and `login`)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    group = cli.group("db", "database maintenance")
    cli.add(group, "upgrade", _upgrade, "migrate the database to the current schema (backs it up first)")
    cli.add(group, "check", _check, "integrity and foreign-key checks, and whether the schema is current")
    cli.add(group, "backups", _backups, "list this database's backups: when, schema revision, size")
    parser = cli.add(group, "restore", _restore, "put a backup in place of the database (the current file is kept "
                     "aside as *.before-restore)")
    parser.add_argument("backup", metavar="BACKUP", help="a backup file, or its name as `db backups` lists it")
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
    if not result.ok and ctx.db.path is not None:
        from app import dbfiles

        ctx.say(dbfiles.restore_hint(ctx.db.path))
    return 0 if result.ok else 1


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
