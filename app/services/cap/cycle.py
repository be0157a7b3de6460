"""When each step of the CAP five-step cycle falls due, from the practicum's own start and end.

DOMAIN.md, "CAP in detail" (the CAP guidelines' typical timing): "Five-step cycle: (pre-cycle)
self-assessment; goal setting and plan development; plan implementation; formative assessment;
summative assessment (post-cycle). A three-way meeting closes steps 2, 4 and 5. Typical timing in a
15-16 week practicum: weeks 1-3, 3-7, 7/8, 15/16."

So self-assessment and goal setting with plan development close with the first three-way meeting by
the end of week 3; plan implementation runs to the formative assessment at mid-practicum (week 7/8);
the summative assessment is at the end. Each edition file gives a step's typical `week` in a 16-week
practicum; a shorter or longer practicum scales it: the step is due at the end of week
ceil(length in weeks x week / 16), never after the practicum's last day, and a step at week 16 is due
on the last day itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

TYPICAL_WEEKS = 16  # the guidelines' "15-16 week practicum": the week numbers in the edition files count in it


def due_dates(start: dt.date, end: dt.date, steps: Iterable[Mapping[str, Any]]) -> dict[int, dt.date]:
    """Step number -> due date for a practicum from `start` to `end` (both days included)."""
    if end < start:
        raise ValueError("the practicum ends before it starts")
    weeks = ((end - start).days + 1) / 7
    out = {}
    for step in steps:
        share = float(step.get("week", TYPICAL_WEEKS)) / TYPICAL_WEEKS
        if share >= 1:
            out[int(step["number"])] = end
            continue
        week = max(1, math.ceil(round(weeks * share, 6)))  # round: 3/16 of 16 weeks is week 3, not 3.0000001
        out[int(step["number"])] = min(end, start + dt.timedelta(days=7 * week - 1))
    return out
