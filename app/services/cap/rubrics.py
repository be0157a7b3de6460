"""CAP guideline editions as data (resources/cap/cap_<edition>.json), so a program can correct or extend
an edition without a new release (issue 8; DOMAIN.md "CAP in detail").

Each file lists the essential elements (code, name, optional per-element `threshold`), the rating
levels from lowest to highest, the dimensions (quality, scope, consistency), the default readiness
threshold, the observation minimums, the five steps with their typical week and whether a three-way
meeting closes them and the five evidence categories. The rating levels are the file's: ratings are
checked against them by services/cap.set_rating (the database holds no list of levels). When the Early
Literacy Observation Form applies, and its look-fors, live in resources/cap/early_literacy.json
(services/cap/literacy.py): the requirement follows the license and the school year, not the edition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app import paths
from app.errors import UsageError

DIMENSIONS = ("quality", "scope", "consistency")


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    threshold: dict[str, str]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Minimum:
    id: str
    label: str
    count: int
    kind: str  # announced | unannounced | any
    observer: str  # sp | ps | any


@dataclass(frozen=True)
class Edition:
    edition: str
    title: str
    applies_from: str
    applies_until: str | None
    elements: tuple[Element, ...]
    rating_levels: tuple[str, ...]
    dimensions: tuple[str, ...]
    minimums: tuple[Minimum, ...]
    steps: tuple[dict[str, Any], ...]
    categories: tuple[tuple[str, str], ...]
    pre_conference_for: tuple[str, ...] = ("announced",)
    post_conference_for: tuple[str, ...] = ("announced", "unannounced")
    source: str = ""
    unconfirmed: tuple[str, ...] = field(default_factory=tuple)

    def element(self, code: str) -> Element:
        for element in self.elements:
            if element.code == code:
                return element
        raise UsageError(f"CAP {self.edition}: no element {code!r}; elements: "
                         + ", ".join(e.code for e in self.elements))

    def level_index(self, level: str | None) -> int | None:
        """0 for the lowest level; None when not rated."""
        if level is None:
            return None
        try:
            return self.rating_levels.index(level)
        except ValueError:
            raise UsageError(f"rating {level!r} is not a level of the CAP {self.edition} edition; its levels: "
                             + ", ".join(self.rating_levels)) from None

    def reaches(self, level: str | None, threshold: str) -> bool | None:
        """Whether a rating is at or above a threshold level; None when not rated. A stored level the
        edition no longer has (the file was edited since) reaches nothing."""
        if level is None:
            return None
        if level not in self.rating_levels:
            return False
        return self.rating_levels.index(level) >= self.rating_levels.index(threshold)

    def short_level(self, level: str | None) -> str:
        """'NI' for Needs Improvement: the initials of the level's words ('-' when not rated)."""
        if not level:
            return "-"
        return "".join(word[0] for word in level.split() if word).upper()

    def step(self, number: int) -> dict[str, Any]:
        return next(s for s in self.steps if s["number"] == number)

    def in_force(self, year_label: str) -> bool:
        """Whether the edition applies in a school year: from `applies_from` to `applies_until` (the
        2019 edition ends with 2024-25; the 2024 guidelines apply from 2025-26: DOMAIN.md, CAP in detail)."""
        return self.applies_from <= year_label and (self.applies_until is None or year_label <= self.applies_until)

    @property
    def years_text(self) -> str:
        return f"from {self.applies_from}" + (f" to {self.applies_until}" if self.applies_until else "")


def editions_dir() -> Path:
    return paths.resources_dir() / "cap"


LEVEL_LENGTH = 40  # app.models.cap.RATING_LEVEL_LENGTH


def _parse(data: dict[str, Any]) -> Edition:
    default = data["default_threshold"]
    levels = tuple(str(level).strip() for level in data["rating_levels"])
    if len(levels) < 2 or len(set(levels)) != len(levels) or not all(levels):
        raise UsageError(f"CAP {data['edition']}: rating_levels must list at least two different levels, lowest first")
    for level in levels:
        if len(level) > LEVEL_LENGTH:
            raise UsageError(f"CAP {data['edition']}: the rating level {level!r} is longer than "
                             f"{LEVEL_LENGTH} characters")
    dims = tuple(d["key"] for d in data["dimensions"])
    elements = []
    for raw in data["elements"]:
        threshold = {**default, **raw.get("threshold", {})}
        for dim, level in threshold.items():
            if level not in levels or dim not in dims:
                raise UsageError(f"CAP {data['edition']}: threshold {dim}={level!r} for {raw['code']} is not a level")
        elements.append(Element(raw["code"], raw["name"], threshold))
    return Edition(
        edition=str(data["edition"]), title=data.get("title", ""), applies_from=data["applies_from"],
        applies_until=data.get("applies_until"), elements=tuple(elements), rating_levels=levels, dimensions=dims,
        minimums=tuple(Minimum(m["id"], m["label"], int(m["count"]), m.get("kind", "any"), m.get("observer", "any"))
                       for m in data["observation_minimums"]),
        steps=tuple(data["steps"]),
        categories=tuple((c["key"], c["name"]) for c in data["evidence_categories"]),
        pre_conference_for=tuple(data.get("pre_conference_for", ("announced",))),
        post_conference_for=tuple(data.get("post_conference_for", ("announced", "unannounced"))),
        source=data.get("source", ""),
        unconfirmed=tuple(data.get("unconfirmed", ())),
    )


@lru_cache(maxsize=8)
def _load_all(folder: str) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    for path in sorted(Path(folder).glob("cap_*.json")):
        edition = _parse(json.loads(path.read_text(encoding="utf-8")))
        editions[edition.edition] = edition
    return editions


def editions() -> dict[str, Edition]:
    return _load_all(str(editions_dir()))


def reload() -> None:
    """After a program edits a file."""
    _load_all.cache_clear()


def get(edition: str) -> Edition:
    found = editions().get(str(edition))
    if found is None:
        raise UsageError(f"no CAP edition {edition!r}; editions: {', '.join(sorted(editions()))}")
    return found


def edition_for_year(year_label: str) -> Edition:
    """The edition in force in a school year (the 2024 guidelines apply from 2025-26)."""
    candidates = [e for e in editions().values() if e.applies_from <= year_label]
    if not candidates:
        return min(editions().values(), key=lambda e: e.applies_from)
    return max(candidates, key=lambda e: e.applies_from)
