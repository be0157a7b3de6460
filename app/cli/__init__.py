"""The public command line (DESIGN.md). `mentordesk` with no subcommand opens the window.

Each capability registers its commands from its own module in this package, so commands
arrive with the issue that builds them. Exit codes (one contract for every command):
0 success, 1 rejected input or a refused file, 2 usage error, 3 an unexpected error, which
prints one line naming the log and writes the traceback there, without row values.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app import __version__


def _command_modules() -> list[str]:
    """Every module in this package that defines `register(cli)`; each capability adds its own."""
    import pkgutil

    return sorted(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))

Handler = Callable[[argparse.Namespace, "Context"], int]


# Commands that only read: they never create a database file or a school year (issue 19).
READ_ONLY = {("report", None), ("export", None), ("db", "check"), ("conflicts", None), ("sync", "status"),
             ("match", None), ("audit", None)}
# Files that carry confidential fields (issue 18): their audit entries say so. The CAP report and export
# (ratings, evidence), the roster in the import format (the last evaluation rating).
CONFIDENTIAL_OUTPUTS = {("report", "cap"), ("export", "cap"), ("export", "roster")}


def is_read_only(args: argparse.Namespace) -> bool:
    command = getattr(args, "command", None)
    what = getattr(args, f"{command}_what", None)
    if command == "match" and getattr(args, "apply", False):
        return False
    return (command, None) in READ_ONLY or (command, what) in READ_ONLY


BUSY_WAIT = 60.0  # seconds a command's write waits while another process holds the write lock (issue 19)
WAITING = "waiting for another MentorDesk window or command..."


def busy_wait() -> float:
    """How long a command's write waits for the lock: MENTORDESK_BUSY_WAIT seconds if set (tests), else 60."""
    import os

    try:
        return max(0.0, float(os.environ.get("MENTORDESK_BUSY_WAIT", BUSY_WAIT)))
    except ValueError:
        return BUSY_WAIT


def _say_waiting() -> None:
    print(f"mentordesk: {WAITING}", file=sys.stderr, flush=True)


class Context:
    """What a command needs: the database (opened and migrated on first use) and output.

    `read_only` contexts refuse a missing database instead of creating one; the others say
    "created a new database at ..." when they make one."""

    def __init__(self, db_url: str | None, *, read_only: bool = False):
        self.db_url = db_url
        self.read_only = read_only
        self.migrate = True  # `db check` and `db upgrade` open without migrating
        self.check = False  # quick_check before opening: reports and exports (no output from a damaged file)
        self._db = None

    @property
    def db(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            from app.db import Database, new_database_key

            from app import dbkeys

            # A command makes a new database encrypted when it is given a passphrase (--passphrase-file or
            # MENTORDESK_PASSPHRASE_FILE); else plain, as scripts expect (issue 18 makes the window's new
            # databases encrypted by default; `db encrypt` converts a plain one).
            passphrase = None if self.read_only or new_database_key(self.db_url) == "none" else dbkeys.given_secret()
            self._db = Database.open(self.db_url, create=not self.read_only, migrate=self.migrate, check=self.check,
                                     passphrase=passphrase, encrypt=passphrase is not None)
            self._db.read_only = self.read_only
            self._db.busy_wait = busy_wait()
            self._db.on_busy = _say_waiting
            _record_failed_unlocks(self._db)
            if self._db.created:
                self.say(f"created a new {'encrypted ' if self._db.recovery_key else ''}database at {self._db.path}")
            if self._db.recovery_key:
                self.say("its key is kept " + ("by your passphrase" if passphrase else "in this computer's keyring"))
                self.say(f"recovery key: {self._db.recovery_key}")
                self.say("Print the recovery key and keep it somewhere safe: it opens the database when the "
                         + ("passphrase is lost" if passphrase else "keyring is lost (a new computer)")
                         + ", and it is shown only this once.")
        return self._db

    def say(self, message: str = "") -> None:
        print(message)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


@dataclass
class Commands:
    """The command tree that modules add to. `group(name)` gives e.g. the `import` subcommands."""

    top: Any
    common: argparse.ArgumentParser
    groups: dict[str, Any] = field(default_factory=dict)

    def group(self, name: str, help: str) -> Any:
        if name not in self.groups:
            parser = self.top.add_parser(name, help=help)
            self.groups[name] = parser.add_subparsers(dest=f"{name}_what", metavar="WHAT", required=True)
        return self.groups[name]

    def add(self, subparsers: Any, name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(name, help=help, description=help, parents=[self.common])
        parser.set_defaults(handler=handler)
        return parser


def build_parser() -> argparse.ArgumentParser:
    # --db goes before or after the command. A command's copy of the option is SUPPRESSed when
    # not given, so it cannot reset a --db given before the command to None.
    common = argparse.ArgumentParser(add_help=False)
    _add_db_option(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="mentordesk",
        description="MentorDesk: induction, mentoring and CAP for Massachusetts districts. "
                    "With no command, opens the window.",
    )
    _add_db_option(parser, None)
    parser.add_argument("--version", action="version", version=f"MentorDesk {__version__}")
    parser.add_argument("--selftest", action="store_true",
                        help="temporary database, migrate, render a PDF, exit 0 (for frozen builds)")
    commands = Commands(parser.add_subparsers(dest="command", metavar="COMMAND"), common)
    for name in _command_modules():
        module = importlib.import_module(name)
        if hasattr(module, "register"):
            module.register(commands)
    return parser


def _add_db_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument("--db", metavar="PATH_OR_URL", default=default,
                        help="database file or SQLAlchemy URL (default: MENTORDESK_DB, else the user data folder)")
    parser.add_argument("--passphrase-file", metavar="FILE", default=default,
                        help="a file whose first line is the passphrase (or recovery key) of an encrypted "
                             "database (default: MENTORDESK_PASSPHRASE_FILE, else the OS keyring, else asked)")


def main(argv: list[str] | None = None) -> int:
    """Run one command. Called with no argv (the installed `mentordesk`, `python -m app`), native
    crashes are written to the log too."""
    import logging
    import time

    from app import dbkeys
    from app.logs import enable_faulthandler, setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)  # a usage error exits 2 here (argparse)
    dbkeys.set_passphrase_file(args.passphrase_file)
    if args.selftest:
        from app.cli.selftest import selftest

        return selftest()
    handler = getattr(args, "handler", None)
    if handler is None:
        from app.ui.application import run

        return run(args.db)
    log_file = setup_logging()
    if argv is None:
        enable_faulthandler()
    log = logging.getLogger("mentordesk.cli")
    name = " ".join(str(p) for p in (args.command, getattr(args, f"{args.command}_what", None)) if p)
    log.info("command %s started", name)
    started = time.perf_counter()
    ctx = Context(args.db, read_only=is_read_only(args))
    code = _run_guarded(handler, args, ctx, log_file)
    log.info("command %s finished: exit %d in %.2f s", name, code, time.perf_counter() - started)
    return code


def _run_guarded(handler: Handler, args: argparse.Namespace, ctx: Context, log_file: Any) -> int:
    """The error contract: a MentorDesk error is a plain line (exit 1, or 2 for usage); anything
    else is one line naming the log, with the redacted traceback in the log (exit 3)."""
    import logging

    from app.errors import MentorDeskError, UsageError
    from app.logs import safe_traceback

    log = logging.getLogger("mentordesk.cli")
    out = _new_output(args)
    try:
        try:
            ctx.check = args.command in ("report", "export") or (args.command, args.__dict__.get("db_what")) == ("db", "check")
            if ctx.read_only:
                _require_year(args, ctx)
            code = handler(args, ctx)
            _audit_output(args, ctx, code)
            out = None  # written: keep it
            return code
        finally:
            ctx.close()
            if out is not None and out.is_file():  # a failed report or export leaves no partial file behind
                out.unlink()
    except UsageError as exc:
        print(f"mentordesk: {exc}", file=sys.stderr)
        return 2
    except MentorDeskError as exc:
        log.info("refused: %s", type(exc).__name__)
        print(f"mentordesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mentordesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors become exit 3
        plain = _plain_database_problem(exc, ctx)
        if plain:
            log.warning("database problem: %s", type(exc).__name__)
            print(f"mentordesk: {plain}", file=sys.stderr)
            return 1
        log.error("unexpected error\n%s", safe_traceback(exc))
        print(f"MentorDesk hit an unexpected problem; details in {log_file}", file=sys.stderr)
        return 3


def _record_failed_unlocks(database: Any) -> None:
    """Failed unlocks before this open go into the audit trail now (issue 18); never stops a command."""
    import logging

    from app.services.audit import trail

    try:
        trail.record_failed_unlocks(database)
    except Exception as exc:  # noqa: BLE001 - the note stays beside the file for the next open
        logging.getLogger(__name__).warning("failed unlocks not recorded yet: %s", type(exc).__name__)


def _audit_output(args: argparse.Namespace, ctx: Context, code: int) -> None:
    """A report or export written: one audit entry (what, and whether it holds confidential fields)."""
    if code != 0 or args.command not in ("report", "export") or ctx._db is None:
        return
    from app.services.audit import trail

    what = (args.command, getattr(args, f"{args.command}_what", None))
    trail.record(ctx._db, args.command, " ".join(p for p in what if p), count=0,
                 confidential=what in CONFIDENTIAL_OUTPUTS)


def _new_output(args: argparse.Namespace) -> Any:
    """The --out file of a report or export when it does not exist yet (removed again on failure)."""
    from pathlib import Path

    out = getattr(args, "out", None)
    if args.command not in ("report", "export") or not out or Path(out).exists():
        return None
    return Path(out)


def _require_year(args: argparse.Namespace, ctx: Context) -> None:
    """A read-only command never creates a school year: an unknown one is an error naming those that exist."""
    if not getattr(args, "year", None):
        return  # the current year by default: any row made for it is rolled back (Database.read_only)
    from sqlalchemy import select

    from app.errors import MentorDeskError
    from app.models.district import SchoolYear
    from app.services.years import parse_label

    label = args.year
    parse_label(label)  # a malformed label is a usage error (exit 2)
    with ctx.db.read() as session:
        labels = list(session.scalars(select(SchoolYear.label).order_by(SchoolYear.label)))
    if label not in labels:
        raise MentorDeskError(f"this database has no school year {label} (it has: {', '.join(labels) or 'none'}); "
                              "nothing was created")


def _plain_database_problem(exc: BaseException, ctx: Context) -> str | None:
    """A damaged file or a lock held too long, said plainly (exit 1) rather than as a crash."""
    from app import db

    return db.plain_problem(exc, ctx.db_url)


if __name__ == "__main__":
    sys.exit(main())
