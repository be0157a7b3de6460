"""Developer commands (not part of the public CLI).

    python -m app.devtools revision "add time logs" --rev-id 0003_timelogs

Autogenerates an Alembic revision by comparing the models with a scratch SQLite database
migrated to the current head.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def revision(message: str, rev_id: str) -> None:
    from alembic import command

    from app import db

    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(str(Path(tmp) / "scratch.sqlite3"))
        db.upgrade(engine)
        command.revision(db.alembic_config(engine), message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.devtools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    rev = sub.add_parser("revision")
    rev.add_argument("message")
    rev.add_argument("--rev-id", required=True)
    args = parser.parse_args()
    if args.cmd == "revision":
        revision(args.message, args.rev_id)


if __name__ == "__main__":
    main()
