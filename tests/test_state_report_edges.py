"""The state report's edges: its July 31 due date on the dashboard from June 1, and who counts as a
teacher in it.

004, "Reporting": "At the conclusion of each school year (June), superintendents will be emailed a link to
complete the annual induction and mentoring report. Districts must complete the report by July 31st."
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.reports.due_date import state_report_due_card

D = dt.date
YEAR = "2025-2026"


@pytest.mark.parametrize(("today", "text", "overdue"), [
    (D(2026, 5, 31), None, False),  # the day before June 1: no card yet
    (D(2026, 6, 1), "60 days left (due 7/31/2026)", False),  # June 1: the link arrives
    (D(2026, 6, 2), "59 days left (due 7/31/2026)", False),
    (D(2026, 7, 30), "1 day left (due 7/31/2026)", False),  # the day before the due date
    (D(2026, 7, 31), "due today (due 7/31/2026)", False),  # on it
    (D(2026, 8, 1), "1 day overdue (due 7/31/2026)", True),  # the day after
])
def test_the_due_date_counts_down_from_june_first(session, today, text, overdue):
    card = state_report_due_card(session, YEAR, today=today)
    if text is None:
        assert card is None
        return
    assert card.title == "State report 2025-2026: due 7/31/2026" and "July 31" in card.citation
    assert [i.text for i in card.items] == [f"The {YEAR} induction and mentoring report to DESE: {text}"]
    assert card.status == ("overdue" if overdue else "warning") and card.area == "reports"


def test_recording_the_submission_clears_it(database):
    from app.errors import ValidationError
    from app.services.attention import collect
    from app.services.district.settings_form import save_settings

    with database.unit_of_work() as s, pytest.raises(ValidationError):
        save_settings(s, {"state_report_submitted": '{"2025": "July"}'})
    with database.unit_of_work() as s:
        save_settings(s, {"state_report_submitted": '{"2025-2026": "2026-07-20"}'})
    with database.read() as s:
        card = state_report_due_card(s, YEAR, today=D(2026, 8, 15))
        assert card.status == "ok" and card.summary == "Submitted on 7/20/2026."
        assert state_report_due_card(s, "2026-2027", today=D(2027, 8, 1)).status == "overdue"  # another year
        assert "state_report_due" in {c.key for c in collect(s, YEAR)} or dt.date.today() < D(2026, 6, 1)


def test_a_specialist_is_counted_on_the_support_team_not_among_teachers(session):
    """004 names specialized instructional support personnel among the members a beginning teacher's
    support team "might include" ("Support Team") and among the "Other District Sources of Support"; its
    induction programs and the report's items are for teachers and administrators (603 CMR 7.12(3), 7.13).
    So a specialist shows on the team as such, and never in the teacher figures."""
    from app.models import Educator, InductionEnrollment, School, derived_id
    from app.services.matching import support_teams
    from app.services.reports import principal_roster, state_report
    from app.services.years import ensure_year

    year, _ = ensure_year(session, YEAR)
    school = School(name="Lincoln")
    session.add(school)

    def person(eid, role, position):  # type: ignore[no-untyped-def]
        e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name="F" + eid, last_name="L" + eid,
                     role=role, position=position, license_type="Initial", years_experience=0,
                     hire_date=D(2025, 8, 20), school=school)
        session.add(e)
        session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
        return e

    teacher = person("T", "teacher", "Grade 3 Teacher")
    psychologist = person("S", "specialist", "School Psychologist")
    session.flush()
    support_teams.add_member(session, YEAR, teacher.id, "other", member_id=psychologist.id)
    report = state_report.compute(session, YEAR)
    assert [p.employee_id for p in report.teachers.beginning_served] == ["T"]
    assert [p.employee_id for p in report.teachers.hired] == ["T"]
    assert [(s.school, s.teachers) for s in report.teachers_by_school] == [("Lincoln", 1)]
    assert report.administrators.beginning_served == []
    line = {r.employee_id: r for r in principal_roster.roster_lines(session, YEAR)["Lincoln"]}["T"]
    assert "FS LS (specialized instructional support)" in line.support_team
