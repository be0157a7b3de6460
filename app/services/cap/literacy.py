"""The Early Literacy Observation Form as data (resources/cap/early_literacy.json; DOMAIN.md "CAP in
detail"; DESE's CAP Early Literacy Observation Form page).

The state's form has look-fors for Grades PK-3, Grades 4-6 and Grades 6-8 (the last for Moderate
Disabilities candidates only), grouped by the components of a core literacy block and aligned to the
essential elements I-A-1, II-A-1 and II-B-2. It is required from 2024-2025 for candidates in Early
Childhood PK-2, Elementary 1-6 and Moderate Disabilities programs. All of that is in the file, so a
program can correct the wording or the rule without a new release; this module only reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app import paths
from app.errors import UsageError
from app.services.vocabulary import GRADES, parse_grades


@dataclass(frozen=True)
class LookFor:
    id: str
    element: str  # the 2024 element code (see `Form.element_code` for other editions)
    text: str
    component: str


@dataclass(frozen=True)
class Band:
    key: str
    name: str
    grades: tuple[str, ...]
    license_fields: tuple[str, ...]  # empty: every license that needs the form
    components: tuple[tuple[str, tuple[LookFor, ...]], ...]

    @property
    def look_fors(self) -> tuple[LookFor, ...]:
        return tuple(item for _name, items in self.components for item in items)

    def for_element(self, code: str) -> list[LookFor]:
        return [item for item in self.look_fors if item.element == code]


@dataclass(frozen=True)
class Form:
    title: str
    source: str
    wording: str
    from_year: str
    licenses: tuple[tuple[str, tuple[str, ...]], ...]  # (license field, grades it covers)
    elements: tuple[str, ...]
    crosswalk: dict[str, dict[str, str]]
    bands: tuple[Band, ...]

    def required(self, license_field: str, license_grades: str, year_label: str) -> bool:
        """Whether a candidate's license sought needs the form in that school year: the field matches
        (by its start, 'Elementary' matches 'Elementary Education') and the license's grades lie within
        the rule's (Moderate Disabilities PreK-8 does, 5-12 does not). Unreadable grades: the field decides."""
        if not year_label or year_label < self.from_year:
            return False
        field = (license_field or "").strip().lower()
        try:
            grades = set(parse_grades(license_grades or ""))
        except ValueError:
            grades = set()
        for rule_field, rule_grades in self.licenses:
            if field.startswith(rule_field.lower()) and (not rule_grades or not grades or grades <= set(rule_grades)):
                return True
        return False

    def rule_text(self) -> str:
        """'Early Childhood PK-2, Elementary 1-6, Moderate Disabilities PK-8 (from 2024-2025)'."""
        from app.services.vocabulary import format_grades

        return ", ".join(f"{f} {format_grades(g)}" for f, g in self.licenses) + f" (from {self.from_year})"

    def band_for(self, placement_grade: str | None, license_field: str, license_grades: str) -> Band:
        """The look-fors for the placement's grade (or, without one, the lowest grade of the license):
        a band made for the candidate's license field first (Grades 6-8 for Moderate Disabilities),
        then the others; the nearest band when no band holds the grade."""
        grade = _first_grade(placement_grade) or _first_grade(license_grades) or "K"
        field = (license_field or "").strip().lower()

        def usable(band: Band) -> bool:
            return not band.license_fields or any(field.startswith(f.lower()) for f in band.license_fields)

        bands = [b for b in self.bands if usable(b)] or list(self.bands)
        specific = [b for b in bands if b.license_fields and grade in b.grades]
        general = [b for b in bands if not b.license_fields and grade in b.grades]
        if specific or general:
            return (specific or general)[0]
        index = GRADES.index(grade)
        return min(bands, key=lambda b: min(abs(GRADES.index(g) - index) for g in b.grades))

    def band(self, key: str) -> Band:
        for band in self.bands:
            if band.key == key:
                return band
        raise UsageError(f"no early literacy grade band {key!r}; bands: " + ", ".join(b.key for b in self.bands))

    def look_for(self, look_for_id: str) -> LookFor:
        for band in self.bands:
            for item in band.look_fors:
                if item.id == look_for_id:
                    return item
        raise UsageError(f"no early literacy look-for {look_for_id!r} in resources/cap/early_literacy.json")

    def band_of(self, look_for_id: str) -> Band | None:
        return next((b for b in self.bands if any(i.id == look_for_id for i in b.look_fors)), None)

    def element_code(self, code: str, edition: str) -> str:
        """The form's (2024) element code in a placement's edition (2019: I-A-1 is 1.A.1)."""
        return self.crosswalk.get(str(edition), {}).get(code, code)


def _first_grade(value: str | None) -> str | None:
    try:
        grades = parse_grades(value or "")
    except ValueError:
        return None
    return grades[0] if grades else None


def path() -> Path:
    return paths.resources_dir() / "cap" / "early_literacy.json"


def _parse(data: dict[str, Any]) -> Form:
    elements = tuple(data["elements"])
    bands = []
    seen: set[str] = set()
    for raw in data["bands"]:
        components = []
        for component in raw["components"]:
            items = []
            for item in component["look_fors"]:
                if item["element"] not in elements:
                    raise UsageError(f"early literacy look-for {item['id']}: element {item['element']!r} is not one "
                                     f"of {', '.join(elements)}")
                if item["id"] in seen:
                    raise UsageError(f"early literacy look-for id {item['id']!r} is used twice")
                seen.add(item["id"])
                items.append(LookFor(item["id"], item["element"], item["text"], component["name"]))
            components.append((component["name"], tuple(items)))
        bands.append(Band(raw["key"], raw["name"], tuple(parse_grades(raw["grades"])),
                          tuple(raw.get("license_fields", ())), tuple(components)))
    rule = data["required"]
    return Form(title=data.get("title", "Early Literacy Observation Form"), source=data.get("source", ""),
                wording=data.get("wording", ""), from_year=rule["from_year"],
                licenses=tuple((r["field"], tuple(parse_grades(r.get("grades", "")))) for r in rule["licenses"]),
                elements=elements, crosswalk={str(k): dict(v) for k, v in data.get("crosswalk", {}).items()},
                bands=tuple(bands))


@lru_cache(maxsize=4)
def _load(file: str) -> Form:
    return _parse(json.loads(Path(file).read_text(encoding="utf-8")))


def form() -> Form:
    return _load(str(path()))


def reload() -> None:
    """After a program edits the file."""
    _load.cache_clear()
