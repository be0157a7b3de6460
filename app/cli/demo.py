"""`mentordesk demo`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Context


def register(cli: Commands) -> None:
    parser = cli.add(cli.top, "demo", _demo, "fill the database with a realistic, deterministic demo district")
    parser.add_argument("--size", choices=("small", "district", "large"), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", metavar="YYYY-YYYY", help="school year (default: the current one)")


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.demo.district import build_demo

    with ctx.db.unit_of_work() as session:
        summary = build_demo(session, size=args.size, seed=args.seed, year_label=args.year)
    ctx.say(summary)
    return 0
