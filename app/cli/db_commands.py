"""`mentordesk db upgrade` and `mentordesk db check`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    group = cli.group("db", "database maintenance")
    cli.add(group, "upgrade", _upgrade, "migrate the database to the current schema (backs it up first)")
    cli.add(group, "check", _check, "integrity and foreign-key checks, and whether the schema is current")


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
