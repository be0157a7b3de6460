"""The demo district: deterministic, realistic data for a newcomer, for tests and benchmarks.

`build_demo` makes the core (schools, staff, induction, mentor pool) and then calls each
capability's extension in EXTENSIONS (module path, function name), so later capabilities
add their data (assignments, logs, meetings, CAP candidates) without touching the core.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.years import current_label, ensure_year

SIZES = {"small": (3, 120), "district": (12, 900), "large": (120, 10_000)}

# (module, function): each called as fn(session, demo) after the core is built.
EXTENSIONS: tuple[tuple[str, str], ...] = ()


@dataclass
class DemoContext:
    """What extensions get: the year, the random generator and what the core made."""

    size: str
    seed: int
    year_label: str
    rng: random.Random
    counts: dict[str, int]


def build_demo(session: Session, *, size: str = "small", seed: int = 1, year_label: str | None = None) -> str:
    label = year_label or current_label()
    year, _ = ensure_year(session, label)
    demo = DemoContext(size, seed, label, random.Random(seed), {})
    _build_core(session, demo)
    for module, function in EXTENSIONS:
        getattr(importlib.import_module(module), function)(session, demo)
    session.flush()
    parts = ", ".join(f"{n} {what}" for what, n in demo.counts.items())
    return f"Demo district ({size}, seed {seed}) for {label}: {parts}"


def _build_core(session: Session, demo: DemoContext) -> None:
    raise NotImplementedError("filled in by the foundation work")
