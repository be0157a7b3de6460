"""PDPs (professional development points) earned from the records, and their certificates.

`mentordesk report pdp --year YYYY-YYYY --out DIR|FILE.json`. The rules, each with its source:

- Supervising practitioners (DESE memo to sponsoring organizations, December 2015; DOMAIN.md "PDPs"): up to
  20 PDPs a calendar year for serving as SP and up to 10 for SP training of at least 6 hours, awarded by the
  sponsoring organization. Here a CAP placement earns its SP the 20 in the calendar year its practicum ends
  (the supervision is complete then); a second placement in the same calendar year adds nothing past 20. A
  split practicum (two SPs for one candidate) does not split them: each SP's placement earns in full. SP
  training (services/cap/supervisors.py `sp_training`, completed) of at least 6 hours earns 1 PDP a whole
  clock hour, at most 10 a calendar year, in the calendar year it was completed; 5.9 hours earn none.
- Mentors (603 CMR 44 license renewal; DOMAIN.md "PDPs": 1 clock hour = 1 PDP, an activity must total at least
  10 hours in a topic, mentoring is a job-embedded activity that qualifies; a registered provider, usually the
  district, issues them): the school year's mentoring hours from the time logs (services/timelogs/hours.py
  `mentor_time`, a group session once) and the mentor training completed in the year (`mentor_training`), each
  a topic: whole clock hours, none below the district's minimum (setting `pdp_min_hours`, 10: 9.9 hours earn
  none), and the mentor's year capped by the setting `mentor_pdp_cap` (0: no cap).

A school year's report holds the mentoring and mentor training of its July 1 to June 30 window, and the SP
placements whose practicum ends and the SP trainings completed in that window; the SP caps count every
placement and training of the calendar year, including those in the neighbouring school year's report.
Topic areas (content, pedagogy, ELL, students with disabilities, elective: 603 CMR 44) come from a setting per
activity, `pdp_topic_<activity>`, default pedagogy.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UsageError
from app.models import Educator
from app.models.cap import CapCandidate, CapOrganization, CapPlacement, SpTraining
from app.models.matching import MentorTraining
from app.services import settings
from app.services.timelogs.hours import mentor_time
from app.services.years import find_year
from app.services.vocabulary import us_date

SCHEMA = "mentordesk.pdp/1"
SP_SUPERVISION_PDPS = 20  # a calendar year (DESE memo, December 2015)
SP_TRAINING_PDPS = 10  # a calendar year, for SP training of at least 6 hours (same memo)
SP_TRAINING_MIN_MINUTES = 6 * 60
TOPIC_AREAS = {"content": "content", "pedagogy": "pedagogy", "ell": "ELL",
               "swd": "students with disabilities", "students with disabilities": "students with disabilities",
               "elective": "elective"}  # 603 CMR 44.04: the renewal's topic areas
# (title, citation printed on the certificate); DOMAIN.md "PDPs" sums up the sources.
ACTIVITIES = {
    "mentoring": ("Mentoring a beginning educator",
                  ("603 CMR 44 (license renewal): 1 clock hour = 1 PDP, at least 10 hours in a topic; mentoring is a "
                   "job-embedded activity")),
    "mentor_training": ("Mentor training",
                        "603 CMR 44 (license renewal): 1 clock hour = 1 PDP, at least 10 hours in a topic"),
    "sp_supervision": ("Serving as supervising practitioner",
                       ("DESE memo to sponsoring organizations, December 2015: up to 20 PDPs a calendar year for "
                        "serving as SP; a split practicum does not split them")),
    "sp_training": ("Supervising practitioner training",
                    ("DESE memo to sponsoring organizations, December 2015: up to 10 PDPs a calendar year for SP "
                     "training of at least 6 hours")),
}


@dataclass(frozen=True)
class Activity:
    kind: str  # a key of ACTIVITIES
    provider: str
    start: dt.date
    end: dt.date
    minutes: int | None  # None: PDPs for serving, not by the hour (SP supervision)
    pdps: int
    topic_area: str
    detail: str = ""  # e.g. the candidate's program, or "calendar year 2025"

    @property
    def title(self) -> str:
        return ACTIVITIES[self.kind][0]

    @property
    def citation(self) -> str:
        return ACTIVITIES[self.kind][1]

    @property
    def hours(self) -> float | None:
        return None if self.minutes is None else round(self.minutes / 60, 1)

    def as_json(self) -> dict[str, object]:
        return {"activity": self.kind, "title": self.title, "provider": self.provider, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "hours": self.hours, "pdps": self.pdps, "topic_area": self.topic_area,
                "detail": self.detail, "citation": self.citation}


@dataclass
class EducatorPdps:
    educator_id: uuid.UUID
    employee_id: str
    first_name: str
    last_name: str
    activities: list[Activity] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def role(self) -> str:
        kinds = {a.kind for a in self.activities}
        roles = [r for r, ks in (("mentor", {"mentoring", "mentor_training"}),
                                 ("supervising practitioner", {"sp_supervision", "sp_training"})) if kinds & ks]
        return " and ".join(roles)

    @property
    def pdps(self) -> int:
        return sum(a.pdps for a in self.activities)

    @property
    def hours(self) -> float:
        """Hours of every activity in the records (those that earned nothing too: 9.9 hours of mentoring)."""
        return round(sum(a.minutes or 0 for a in self.activities) / 60, 1)

    @property
    def earned(self) -> list[Activity]:
        return [a for a in self.activities if a.pdps]

    @property
    def earned_hours(self) -> float | None:
        """Hours of the activities that earned PDPs (the certificate's figure); None when all are for serving."""
        timed = [a.minutes for a in self.earned if a.minutes is not None]
        return round(sum(timed) / 60, 1) if timed else None

    def as_json(self) -> dict[str, object]:
        return {"employee_id": self.employee_id, "name": self.name, "role": self.role, "hours": self.hours,
                "pdps": self.pdps, "activities": [a.as_json() for a in self.activities]}


def topic_area(session: Session, kind: str) -> str:
    raw = str(settings.get(session, f"pdp_topic_{kind}") or "pedagogy").strip().lower()
    if raw not in TOPIC_AREAS:
        raise UsageError(f"setting pdp_topic_{kind}: must be content, pedagogy, ELL, students with disabilities "
                         "or elective")
    return TOPIC_AREAS[raw]


def whole_hour_pdps(minutes: int, minimum_hours: float) -> int:
    """1 clock hour = 1 PDP (whole hours), none below the minimum hours in the topic (603 CMR 44)."""
    return 0 if minutes < round(minimum_hours * 60) else minutes // 60


def _capped(awards: list[tuple[object, int]], cap: int) -> dict[object, int]:
    """Give each (key, wanted) in order what is left under the cap."""
    left, out = cap, {}
    for key, wanted in awards:
        out[key] = max(0, min(wanted, left))
        left -= out[key]
    return out


def compute(session: Session, year_label: str) -> list[EducatorPdps]:
    """Every educator with a PDP activity in the school year, sorted by name (PDPs may be 0: 9.9 hours)."""
    year = find_year(session, year_label)
    if year is None:
        raise UsageError(f"no school year {year_label} in this database")
    start, end = year.window_start, year.window_end
    district = str(settings.get(session, "district_name") or "")
    found: dict[uuid.UUID, list[Activity]] = defaultdict(list)
    minimum = float(settings.get(session, "pdp_min_hours") or 10)
    cap = int(settings.get(session, "mentor_pdp_cap") or 0)
    mentor_acts: dict[uuid.UUID, list[tuple[str, int, dt.date, dt.date]]] = defaultdict(list)
    for mentor, t in mentor_time(session, start, end).items():
        mentor_acts[mentor].append(("mentoring", t.minutes, t.first, t.last))
    training = defaultdict(list)
    for educator_id, done, minutes in session.execute(
            select(MentorTraining.educator_id, MentorTraining.completed_on, MentorTraining.minutes)
            .where(MentorTraining.deleted_at.is_(None), MentorTraining.completed_on >= start,
                   MentorTraining.completed_on <= end, MentorTraining.minutes.is_not(None))):
        training[educator_id].append((done, int(minutes)))
    for educator_id, rows in training.items():
        days = [d for d, _ in rows]
        mentor_acts[educator_id].append(("mentor_training", sum(m for _, m in rows), min(days), max(days)))
    for educator_id, acts in mentor_acts.items():
        wanted = [((kind, i), whole_hour_pdps(minutes, minimum)) for i, (kind, minutes, _f, _l) in enumerate(acts)]
        given = _capped(wanted, cap) if cap > 0 else dict(wanted)
        for i, (kind, minutes, first, last) in enumerate(acts):
            found[educator_id].append(Activity(kind, district, first, last, minutes, given[(kind, i)],
                                               topic_area(session, kind)))
    _sp_supervision(session, start, end, found)
    _sp_training(session, start, end, district, found)
    return _people(session, found)


def _sp_supervision(session: Session, start: dt.date, end: dt.date, found: dict[uuid.UUID, list[Activity]]) -> None:
    """SP placements whose practicum ends in the window; the 20 a calendar year counts the whole calendar year."""
    years = {start.year, end.year}
    rows = session.execute(
        select(CapPlacement.id, CapPlacement.sp_id, CapPlacement.start_date, CapPlacement.end_date,
               CapOrganization.name, CapCandidate.program)
        .join(CapCandidate, CapCandidate.id == CapPlacement.candidate_id)
        .join(CapOrganization, CapOrganization.id == CapCandidate.organization_id)
        .where(CapPlacement.deleted_at.is_(None), CapPlacement.end_date >= dt.date(min(years), 1, 1),
               CapPlacement.end_date <= dt.date(max(years), 12, 31))
        .order_by(CapPlacement.end_date, CapPlacement.id)).all()
    by_sp_year: dict[tuple[uuid.UUID, int], list] = defaultdict(list)
    for row in rows:
        by_sp_year[(row.sp_id, row.end_date.year)].append(row)
    topic = topic_area(session, "sp_supervision")
    for (sp_id, calendar_year), placements in by_sp_year.items():
        given = _capped([(p.id, SP_SUPERVISION_PDPS) for p in placements], SP_SUPERVISION_PDPS)
        for p in placements:
            if start <= p.end_date <= end:
                found[sp_id].append(Activity("sp_supervision", p.name, p.start_date, p.end_date, None, given[p.id],
                                             topic, f"{p.program}; calendar year {calendar_year}"))


def _sp_training(session: Session, start: dt.date, end: dt.date, district: str,
                 found: dict[uuid.UUID, list[Activity]]) -> None:
    """Completed SP trainings of at least 6 hours; 1 PDP a whole hour, at most 10 a calendar year."""
    years = {start.year, end.year}
    rows = session.execute(
        select(SpTraining.id, SpTraining.educator_id, SpTraining.completed_on, SpTraining.minutes, SpTraining.provider)
        .where(SpTraining.deleted_at.is_(None), SpTraining.minutes.is_not(None),
               SpTraining.completed_on >= dt.date(min(years), 1, 1), SpTraining.completed_on <= dt.date(max(years), 12, 31))
        .order_by(SpTraining.completed_on, SpTraining.id)).all()
    by_sp_year: dict[tuple[uuid.UUID, int], list] = defaultdict(list)
    for row in rows:
        by_sp_year[(row.educator_id, row.completed_on.year)].append(row)
    topic = topic_area(session, "sp_training")
    for (sp_id, calendar_year), trainings in by_sp_year.items():
        wanted = [(t.id, t.minutes // 60 if t.minutes >= SP_TRAINING_MIN_MINUTES else 0) for t in trainings]
        given = _capped(wanted, SP_TRAINING_PDPS)
        for t in trainings:
            if start <= t.completed_on <= end:
                found[sp_id].append(Activity("sp_training", t.provider or district, t.completed_on, t.completed_on,
                                             t.minutes, given[t.id], topic, f"calendar year {calendar_year}"))


def _people(session: Session, found: dict[uuid.UUID, list[Activity]]) -> list[EducatorPdps]:
    out = []
    ids = sorted(found)
    for i in range(0, len(ids), 500):
        for e in session.execute(select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name)
                                 .where(Educator.id.in_(ids[i:i + 500]))):
            acts = sorted(found[e.id], key=lambda a: (a.start, a.kind))
            out.append(EducatorPdps(e.id, e.employee_id, e.first_name, e.last_name, acts))
    out.sort(key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.employee_id))
    return out


# --- files ---------------------------------------------------------------------------------------


def _slug(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def certificate_name(person: EducatorPdps) -> str:
    """'Lopez-Maria-M1.pdf': the name and employee id, never empty (the record id when both are blank)."""
    parts = [p for p in (_slug(person.last_name), _slug(person.first_name), _slug(person.employee_id)) if p]
    return "-".join(parts or ["educator", person.educator_id.hex[:12]]) + ".pdf"


def write_certificate(session: Session, person: EducatorPdps, year_label: str, out: Path) -> Path:
    from app.services.pdf import PdfDocument

    district = str(settings.get(session, "district_name") or "")
    earned = person.earned
    hours = "not by the hour (serving as supervising practitioner)" if person.earned_hours is None \
        else f"{person.earned_hours:.1f}"
    providers = sorted({a.provider for a in earned if a.provider})
    doc = PdfDocument(out, title="Certificate of professional development points", district=district,
                      subtitle=f"School year {year_label}. Professional development points for license renewal "
                               "(603 CMR 44).")
    doc.key_values([("Educator", person.name), ("Employee ID", person.employee_id), ("Role", person.role),
                    ("Provider", "; ".join(providers) or district), ("Hours", hours),
                    ("PDPs", str(person.pdps))])
    doc.table(("Activity", "Provider", "Dates", "Hours", "PDPs", "Topic area"),
              [(a.title + (f"\n{a.detail}" if a.detail else ""), a.provider,
                f"{us_date(a.start)}" + (f" to {us_date(a.end)}" if a.end != a.start else ""),
                "" if a.hours is None else f"{a.hours:.1f}", a.pdps, a.topic_area) for a in earned],
              widths=(0.27, 0.2, 0.2, 0.08, 0.07, 0.18))
    for kind in dict.fromkeys(a.kind for a in earned):
        doc.paragraph(f"{ACTIVITIES[kind][0]}: {ACTIVITIES[kind][1]}.", "note")
    doc.signature_lines([f"Authorized signature, {providers[0] if len(providers) == 1 else district}"])
    return doc.save()


def write(session: Session, year_label: str, out: str | Path) -> tuple[Path, int]:
    """A .json file: the summary; anything else: a folder of one certificate per educator with PDPs.
    Returns the path and the number of educators written."""
    out = Path(out)
    people = compute(session, year_label)
    if out.suffix.lower() == ".json":
        out.parent.mkdir(parents=True, exist_ok=True)
        from app.services.cap.incentives import sp_incentives

        out.write_text(json.dumps({"schema": SCHEMA, "school_year": year_label,
                                   "educators": [p.as_json() for p in people],
                                   "sp_incentives": sp_incentives(session).as_json()},  # 000
                                  indent=2), encoding="utf-8")
        return out, len(people)
    if out.suffix:
        raise UsageError(f"{out.name}: PDPs are written as a .json file or into a folder of certificates")
    out.mkdir(parents=True, exist_ok=True)
    written, used = 0, set()
    for person in people:
        if not person.pdps:
            continue
        name = certificate_name(person)
        if name in used:  # two people with the same name and id cannot happen; the record id settles it
            name = name[:-4] + f"-{person.educator_id.hex[:8]}.pdf"
        used.add(name)
        write_certificate(session, person, year_label, out / name)
        written += 1
    return out, written
