"""A second computation of the figures people report, compared with the app's on generated districts.

`Plain` below is written from the definitions' text alone (state_report.DEFINITIONS, hours.DEFINITIONS,
603 CMR 7.12(3), 7.13 and 7.04(2)(c)(4)): straight Python over the generated rows, no code shared with
app/ (the app is only used to store the district and to compute its own figures). The districts'
dates cluster on the edges (June 29 / 30, July 1 / 2 of three years), where a rule breaks first.

Not here: induction status derivation (roster/educators.derive_induction_status): the districts give
each enrollment's status, as a coordinator or a roster file would.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.models import Assignment, Educator, InductionEnrollment, School, derived_id
from app.models.timelogs import TimeLog
from app.services.reports import state_report
from app.services.timelogs import hours
from app.services.years import ensure_year
from tests.properties import budget

D = dt.date
LABELS = ("2024-2025", "2025-2026", "2026-2027")
LABEL = "2025-2026"  # the year reported
WINDOW_START, WINDOW_END = D(2025, 7, 1), D(2026, 6, 30)

EDGES = [D(y, m, d) for y in (2024, 2025, 2026) for m, d in ((6, 29), (6, 30), (7, 1), (7, 2))]
MIDDLE = [D(2024, 10, 15), D(2025, 1, 10), D(2025, 11, 3), D(2026, 3, 2), D(2026, 10, 1)]
day_st = st.one_of(st.sampled_from(EDGES), st.sampled_from(MIDDLE))


@st.composite
def districts(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 7))
    people = []
    for _ in range(n):
        hire = draw(st.one_of(st.none(), day_st))
        exit_ = draw(st.one_of(st.none(), day_st))
        if hire is not None and exit_ is not None and exit_ < hire:
            hire, exit_ = exit_, hire
        people.append(dict(
            role=draw(st.sampled_from(("teacher", "teacher", "administrator", "specialist"))),
            school=draw(st.sampled_from(("North", "South", None))),
            hire=hire, exit=exit_,
            trained=draw(st.one_of(st.none(), day_st)),
            # status per year: None, or (beginning | incoming, induction year 1 | 2)
            enrolled={label: draw(st.one_of(st.none(), st.tuples(st.sampled_from(("beginning", "incoming")),
                                                                 st.sampled_from((1, 1, 2)))))
                      for label in LABELS},
        ))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    assignment_st = st.tuples(pair, st.sampled_from(LABELS), day_st, st.one_of(st.none(), day_st))
    raw = draw(st.lists(assignment_st, max_size=5))
    assignments_ = [(m, e, label, min(start, end or start), max(start, end) if end else None)
                    for (m, e), label, start, end in raw]
    entries = []
    if assignments_:
        entries = draw(st.lists(st.tuples(st.integers(0, len(assignments_) - 1), day_st, st.integers(5, 600),
                                          st.sampled_from(("observed_mentee", "meeting", "mentee_observed"))),
                                max_size=12))
    return dict(people=people, assignments=assignments_, entries=entries)


# --- the plain computation ---------------------------------------------------------------------------------


@dataclass
class Plain:
    spec: dict

    def status(self, k: int, label: str = LABEL) -> str | None:
        got = self.spec["people"][k]["enrolled"][label]
        return got[0] if got else None

    def employed(self, k: int) -> bool:
        """Hired on or before June 30 (or no hire date) and not exited before July 1."""
        p = self.spec["people"][k]
        return (p["hire"] is None or p["hire"] <= WINDOW_END) and (p["exit"] is None or p["exit"] >= WINDOW_START)

    def in_window(self, day: dt.date | None) -> bool:
        return day is not None and WINDOW_START <= day <= WINDOW_END

    def section(self, role: str) -> dict[str, object]:
        people = self.spec["people"]
        ks = [k for k, p in enumerate(people) if p["role"] == role]
        served = [k for k in ks if self.status(k) == "beginning" and self.employed(k)]
        hired = [k for k in ks if self.in_window(people[k]["hire"])]
        beginning_hired = [k for k in hired if self.status(k) == "beginning"]
        retained = [k for k in served if people[k]["exit"] is None or people[k]["exit"] > WINDOW_END]
        mentors = set()
        for m, e, _label, start, end in self.spec["assignments"]:
            overlaps = start <= WINDOW_END and (end is None or end >= WINDOW_START)
            if overlaps and people[e]["role"] == role and self.status(e) in ("beginning", "incoming"):
                mentors.add(m)
        trained = {m for m in mentors if people[m]["trained"] is not None and people[m]["trained"] <= WINDOW_END}
        window_entries = [(self.spec["assignments"][a][1], day, minutes, activity)
                          for a, day, minutes, activity in self.spec["entries"] if self.in_window(day)]
        observations = minutes_ = None
        if window_entries:  # "no data" when nothing is logged in the window
            counted = [x for x in window_entries if x[0] in served]
            observations = sum(1 for x in counted if x[3] == "observed_mentee")
            minutes_ = sum(x[2] for x in counted)
        return dict(served=sorted(served), hired=sorted(hired), beginning_hired=sorted(beginning_hired),
                    retained=sorted(retained), mentors=sorted(mentors), trained=sorted(trained),
                    observations=observations, minutes=minutes_,
                    retention_rate=round(len(retained) / len(served), 3) if served else None,
                    hiring_rate=round(len(beginning_hired) / len(hired), 3) if hired else None)

    def minutes_in_window(self) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for a, day, minutes, _activity in self.spec["entries"]:
            if self.in_window(day):
                out[self.spec["assignments"][a][1]] += minutes
        return dict(out)

    def toward_50(self, k: int, as_of: dt.date) -> int | None:
        """Minutes after the end of the induction year (the first year enrolled as beginning; induction
        year N places it N-1 years earlier) up to as_of; None while still in it; every minute when never
        enrolled as beginning here."""
        starts = [int(label[:4]) - year + 1 for label, got in self.spec["people"][k]["enrolled"].items()
                  if got and got[0] == "beginning" for year in [got[1]]]
        mine = [(day, minutes) for a, day, minutes, _ in self.spec["entries"] if self.spec["assignments"][a][1] == k]
        if not starts:
            return sum(m for day, m in mine if day <= as_of)
        induction_end = D(min(starts) + 1, 6, 30)
        if induction_end >= as_of:
            return None
        return sum(m for day, m in mine if induction_end < day <= as_of)


# --- the app's figures -------------------------------------------------------------------------------------


def build(session, spec):  # type: ignore[no-untyped-def]
    years = {label: ensure_year(session, label)[0] for label in LABELS}
    schools = {name: School(name=name) for name in ("North", "South")}
    session.add_all(schools.values())
    people = []
    for k, p in enumerate(spec["people"]):
        e = Educator(id=derived_id("educator", f"P{k}"), employee_id=f"P{k}", first_name="F", last_name=f"P{k}",
                     role=p["role"], school=schools.get(p["school"]), hire_date=p["hire"], exit_date=p["exit"],
                     mentor_trained_on=p["trained"])
        session.add(e)
        people.append(e)
        for label, got in p["enrolled"].items():
            if got:
                session.add(InductionEnrollment(educator=e, school_year=years[label], status=got[0],
                                                induction_year=got[1]))
    session.flush()
    made = []
    for m, e, label, start, end in spec["assignments"]:
        a = Assignment(mentor_id=people[m].id, mentee_id=people[e].id, school_year_id=years[label].id,
                       start_date=start, end_date=end, end_reason="reassigned" if end else None)
        session.add(a)
        made.append(a)
    session.flush()
    for a, day, minutes, activity in spec["entries"]:
        x = made[a]
        session.add(TimeLog(assignment_id=x.id, mentor_id=x.mentor_id, mentee_id=x.mentee_id, date=day,
                            minutes=minutes, activity=activity, topics=[]))
    session.flush()
    return people


def _ks(refs) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(int(r.employee_id[1:]) for r in refs)


# A district whose every date sits on an edge: beginning teacher hired July 1 and leaving June 30, a
# mentor trained on June 30, entries on June 30 / July 1 of both ends, an induction year ending June 30.
EDGE_DISTRICT = dict(
    people=[dict(role="teacher", school="North", hire=D(2025, 7, 1), exit=D(2026, 6, 30), trained=None,
                 enrolled={"2024-2025": None, "2025-2026": ("beginning", 1), "2026-2027": None}),
            dict(role="teacher", school="North", hire=None, exit=None, trained=D(2026, 6, 30),
                 enrolled={"2024-2025": None, "2025-2026": None, "2026-2027": None}),
            dict(role="teacher", school=None, hire=D(2024, 7, 1), exit=None, trained=D(2026, 7, 1),
                 enrolled={"2024-2025": ("beginning", 1), "2025-2026": ("incoming", 2), "2026-2027": None})],
    assignments=[(1, 0, "2025-2026", D(2025, 7, 1), D(2026, 6, 30)), (0, 2, "2024-2025", D(2024, 7, 1), None),
                 (1, 2, "2025-2026", D(2025, 6, 30), None)],
    entries=[(0, D(2025, 6, 30), 7, "observed_mentee"), (0, D(2025, 7, 1), 30, "observed_mentee"),
             (0, D(2026, 6, 30), 45, "meeting"), (0, D(2026, 7, 1), 11, "observed_mentee"),
             (2, D(2025, 6, 30), 60, "meeting"), (2, D(2025, 7, 1), 20, "meeting")],
)


@settings(max_examples=budget(30, 100), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=districts())
@example(spec=EDGE_DISTRICT)
def test_the_state_report_and_hours_agree_with_a_plain_computation(database, spec):
    plain = Plain(spec)
    with database.sessions() as session:
        try:
            people = build(session, spec)
            report = state_report.compute(session, LABEL, printed=False)
            for role, section in (("teacher", report.teachers), ("administrator", report.administrators)):
                want = plain.section(role)
                got = dict(served=_ks(section.beginning_served), hired=_ks(section.hired),
                           beginning_hired=_ks(section.beginning_hired), retained=_ks(section.retained),
                           mentors=_ks(section.mentors_serving), trained=_ks(section.trained_mentors),
                           observations=section.observations, minutes=section.mentoring_minutes,
                           retention_rate=section.retention_rate, hiring_rate=section.hiring_rate)
                assert got == want, role

            rows = {int(h.employee_id[1:]): h for h in hours.educator_hours(session, LABEL)}
            in_window = plain.minutes_in_window()
            assert {k: h.minutes for k, h in rows.items()} == in_window
            for k, h in rows.items():
                assert h.minutes_toward_50 == plain.toward_50(k, WINDOW_END), k
            for as_of in (D(2025, 6, 30), D(2025, 7, 1), D(2026, 6, 30)):
                toward = hours.minutes_toward_50(session, as_of)
                for k, e in enumerate(people):
                    want = plain.toward_50(k, as_of)
                    if e.id in toward:
                        assert toward[e.id] == want, (k, as_of)
                    else:  # left out: no entries and never enrolled as beginning (so nothing counts)
                        assert want == 0, (k, as_of)
        finally:
            session.rollback()
