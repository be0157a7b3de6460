"""The public command line (DESIGN.md). `mentordesk` with no subcommand opens the window.

Each capability registers its commands from its own module in this package, so commands
arrive with the issue that builds them. Exit codes: 0 success, 1 rejected input,
2 usage error.
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


class Context:
    """What a command needs: the database (opened and migrated on first use) and output."""

    def __init__(self, db_url: str | None):
        self.db_url = db_url
        self._db = None

    @property
    def db(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            from app.db import Database

            self._db = Database.open(self.db_url)
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


def main(argv: list[str] | None = None) -> int:
    from app.errors import MentorDeskError, UsageError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from app.cli.selftest import selftest

        return selftest()
    handler = getattr(args, "handler", None)
    if handler is None:
        from app.ui.application import run

        return run(args.db)
    ctx = Context(args.db)
    try:
        return handler(args, ctx)
    except UsageError as exc:
        print(f"mentordesk: {exc}", file=sys.stderr)
        return 2
    except MentorDeskError as exc:
        print(f"mentordesk: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
