"""`mentordesk db upgrade` and `mentordesk db check`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    group = cli.group("db", "database maintenance")
    cli.add(group, "upgrade", _upgrade, "migrate the database to the current schema (backs it up first)")
    cli.add(group, "check", _check, "integrity and foreign-key checks, and whether the schema is current")
    cli.add(group, "grants", _grants, "PostgreSQL: create the app's roles and grant each what it may read and write")
    parser = cli.add(group, "login", _login, "PostgreSQL: create or update one person's login in an app role")
    parser.add_argument("name", help="login name (lower-case letters, digits, underscores)")
    parser.add_argument("--role", required=True, help="coordinator, principal, mentor, supervising_practitioner or viewer")
    parser.add_argument("--password-file", required=True, metavar="FILE", help="a file holding the password")


def _upgrade(args: argparse.Namespace, ctx: Context) -> int:
    from app import db

    engine = db.make_engine(ctx.db_url)
    try:
        before = db.current_revision(engine)
        backup = db.upgrade_on_open(engine)
        after = db.current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        ctx.say(f"schema already current ({after})")
    else:
        ctx.say(f"upgraded schema {before or 'empty'} -> {after}")
    if backup:
        ctx.say(f"backup: {backup}")
    return 0


def _check(args: argparse.Namespace, ctx: Context) -> int:
    from app import db

    engine = db.make_engine(ctx.db_url)
    try:
        result = db.check(engine)
    finally:
        engine.dispose()
    for line in result.lines():
        ctx.say(line)
    return 0 if result.ok else 1


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
