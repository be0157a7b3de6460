"""Classroom proximity: where in its building a classroom is, read from the roster's `room` field.

004, "Mentor Assignment and Compensation": "It is also desirable that the beginning teacher and,
whenever possible, the mentor have compatible schedules and classrooms located near one another."
DOMAIN.md, "Matching": "... location (same building), compatible schedules, classrooms near one
another". The roster records only a room, so "near one another" is the same floor or the same wing of
the same building, as the district's room numbers encode it (setting `room_proximity`):

- "floor": the room number without its last two digits is the floor (214, B-214 and 2.14 -> floor 2;
  1105 -> floor 11; a room of one or two digits, such as 12 or Gym, is on no known floor);
- "wing": the letters before the number are the wing (B214, B-214, East 12 -> wing B, wing East);
- "wing and floor": both (B-214 -> wing B, floor 2; two rooms must share both);
- "off": rooms say nothing about proximity.

A room that the rule cannot read gives no area: the pair is simply not "near", never refused.
"""

from __future__ import annotations

import re

ROOM_RULES = ("floor", "wing", "wing and floor", "off")
ROOM_RULE_LABELS = {"floor": "the room number's hundreds are the floor (214: floor 2)",
                    "wing": "the letters before the number are the wing (B-214: wing B)",
                    "wing and floor": "wing and floor (B-214: wing B, floor 2)",
                    "off": "rooms say nothing about proximity"}
CITE_PROXIMITY = "004 (Mentor Assignment: classrooms located near one another)"

_ROOM = re.compile(r"^\s*([A-Za-z]+(?:\s+[A-Za-z]+)?)?\s*[-.\s]?\s*(\d+)(?:[.\-](\d+))?\s*[A-Za-z]?\s*$")


def room_area(room: str | None, rule: str) -> str | None:
    """The room's floor and/or wing under the district's rule ("floor 2", "wing B", "wing B, floor 2"), or
    None when the rule is off or the room does not say."""
    if not room or rule not in ROOM_RULES or rule == "off":
        return None
    m = _ROOM.match(room)
    if m is None:
        return None
    letters, number, after = m.group(1), m.group(2), m.group(3)
    letters = re.sub(r"\s*wing$", "", letters or "", flags=re.I).strip()
    wing = (letters.upper() if len(letters) == 1 else letters.title()) if letters else None
    if after is not None:  # 2.14 or 2-14: floor, then room
        floor: str | None = str(int(number))
    else:
        floor = str(int(number[:-2])) if len(number) >= 3 else None
    if rule == "floor":
        return f"floor {floor}" if floor is not None else None
    if rule == "wing":
        return f"wing {wing}" if wing else None
    return f"wing {wing}, floor {floor}" if wing and floor is not None else None
