"""Who is a beginning or an incoming educator: the table by license type and prior induction
(educators.INDUCTION_TABLE), through the public command line (import roster, export roster) and the
dashboard's "needs a decision" card.

004, "Induction Programs for Teachers": "Beginning teachers are individuals who hold a Provisional or
Initial license and have not participated in an induction program." ... "An incoming teacher may be a
teacher who either holds: a Provisional or Initial license and participated in an induction program
in another district, or holds a Professional or a Temporary license."
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Educator, InductionEnrollment

HEADER = "employee_id,first_name,last_name,school,role,license_type,years_experience,hire_date\n"
YEAR = "2025-2026"

# (license, years of experience, expected status): one new hire of each license type, hired 20 Aug 2025,
# without prior induction (0 years) and with it (a year of practice elsewhere).
NEW_HIRES = [
    ("Provisional", "0", "beginning"),  # 004: "hold a Provisional or Initial license and have not participated"
    ("Initial", "0", "beginning"),
    ("Provisional", "2", "incoming"),  # 004: "participated in an induction program in another district"
    ("Initial", "3", "incoming"),
    ("Professional", "0", "incoming"),  # 004: "or holds a Professional or a Temporary license"
    ("Professional", "9", "incoming"),
    ("Temporary", "0", "incoming"),  # was beginning before: 004 names Temporary among incoming teachers
    ("Temporary", "5", "incoming"),
    ("Military Spouse", "0", "incoming"),  # licensed elsewhere, as a Temporary holder is
    ("Military Spouse", "4", "incoming"),
    ("Emergency", "0", "beginning"),  # the district's choice; default: 004 "regardless of license type"
    ("Emergency", "2", "incoming"),
    ("", "0", None),  # no license type: needs a decision, never a silent "none"
]


def roster(tmp_path: Path, rows: list[str], name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def new_hires_file(tmp_path: Path, role: str = "teacher") -> Path:
    return roster(tmp_path, [f"E{i},Pat,Doe{i},Lincoln,{role},{lic},{years},2025-08-20\n"
                             for i, (lic, years, _) in enumerate(NEW_HIRES)])


def statuses(database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return dict(s.execute(select(Educator.employee_id, InductionEnrollment.status)
                              .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)).all())


@pytest.mark.parametrize("role", ["teacher", "administrator"])
def test_each_license_type_derives_its_status_on_import_and_in_export(tmp_path, run_cli, database, role):
    # Administrators: 603 CMR 7.13(1) and 004, "Definitions": "Beginning educator refers to an individual
    # entering into teaching or administration with a Provisional or Initial license".
    assert run_cli("import", "roster", new_hires_file(tmp_path, role), "--year", YEAR)[0] == 0
    got = statuses(database)
    for i, (lic, years, status) in enumerate(NEW_HIRES):
        assert got.get(f"E{i}") == status, (lic, years)
    out = tmp_path / "export.csv"
    assert run_cli("export", "roster", "--out", out, "--year", YEAR)[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        exported = {row["employee_id"]: row for row in csv.DictReader(f)}
    for i, (lic, _, status) in enumerate(NEW_HIRES):
        assert exported[f"E{i}"]["license_type"] == lic
        assert exported[f"E{i}"]["induction_status"] == (status or "")  # undecided: blank, derived again
    # The export imports back unchanged: the undecided hire is still undecided, not "none".
    _, text, _ = run_cli("import", "roster", out, "--year", YEAR)
    assert f"0 new, 0 changed, {len(NEW_HIRES)} unchanged" in text
    assert statuses(database) == got


@pytest.mark.parametrize(("hire", "status"), [
    ("2025-06-30", None),  # the day before the school year's window (July 1): last year's hire
    ("2025-07-01", "incoming"),  # on it
    ("2025-07-02", "incoming"),
    ("2026-06-29", "incoming"),
    ("2026-06-30", "incoming"),  # the window's last day
    ("2026-07-01", None),  # the day after: next year's hire
])
def test_only_hires_within_the_year_are_derived(tmp_path, run_cli, database, hire, status):
    path = roster(tmp_path, [f"E1,Ana,Silva,Lincoln,teacher,Temporary,0,{hire}\n"])
    assert run_cli("import", "roster", path, "--year", YEAR)[0] == 0
    assert statuses(database).get("E1") == status


@pytest.mark.parametrize(("choice", "status"), [("beginning", "beginning"), ("incoming", "incoming"),
                                                ("needs a decision", None)])
def test_emergency_without_induction_is_the_districts_choice(tmp_path, run_cli, database, choice, status):
    from app.services.district.settings_form import save_settings
    from app.services.roster.new_hires import needs_decision_card

    with database.unit_of_work() as s:
        save_settings(s, {"emergency_license_status": choice})
    path = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,Emergency,0,2025-08-20\n",
                             "E2,Ben,Hart,Lincoln,teacher,Emergency,3,2025-08-20\n"])
    assert run_cli("import", "roster", path, "--year", YEAR)[0] == 0
    assert statuses(database) == {**({"E1": status} if status else {}), "E2": "incoming"}
    with database.read() as s:
        card = needs_decision_card(s, YEAR)
    assert [i.text for i in card.items] == ([] if status else [
        "Ana Silva (Lincoln): needs a decision, an Emergency license: the district decides each case (Settings)"])


@pytest.mark.parametrize(("choice", "status"), [("incoming", "incoming"), ("beginning", "beginning"),
                                                ("needs a decision", None)])
def test_military_spouse_without_induction_is_the_districts_choice_too(tmp_path, run_cli, database, choice,
                                                                       status):
    """DOMAIN.md, "Induction status by license": Military Spouse "incoming (an experienced educator licensed
    elsewhere; a district choice, editable)"."""
    from app.services.district.settings_form import save_settings
    from app.services.roster.new_hires import needs_decision_card

    with database.unit_of_work() as s:
        save_settings(s, {"military_spouse_license_status": choice})
    path = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,Military Spouse,0,2025-08-20\n"])
    assert run_cli("import", "roster", path, "--year", YEAR)[0] == 0
    assert statuses(database) == ({"E1": status} if status else {})
    with database.read() as s:
        texts = [i.text for i in needs_decision_card(s, YEAR).items]
    assert texts == ([] if status else [
        "Ana Silva (Lincoln): needs a decision, a Military Spouse license: the district decides each case (Settings)"])


def test_the_setting_refuses_another_value(database):
    from app.errors import ValidationError
    from app.services import settings
    from app.services.district.settings_form import save_settings

    with database.unit_of_work() as s, pytest.raises(ValidationError) as caught:
        save_settings(s, {"emergency_license_status": "maybe"})
    assert "beginning, incoming, needs a decision" in str(caught.value.problems[0].reason)
    with database.read() as s:
        assert settings.get(s, "emergency_license_status") == "beginning"


def test_a_new_hire_without_a_license_type_is_on_the_dashboard_until_decided(tmp_path, run_cli, database):
    from app.services.attention import collect

    path = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,,0,2025-08-20\n",
                             "E2,Old,Hand,Lincoln,teacher,,12,2001-08-20\n"])  # not a new hire: not listed
    assert run_cli("import", "roster", path, "--year", YEAR)[0] == 0
    with database.read() as s:
        card = {c.key: c for c in collect(s, YEAR)}["induction_status"]
    assert card.status == "warning" and card.citation.startswith("603 CMR 7.12(1)")
    assert [i.text for i in card.items] == ["Ana Silva (Lincoln): needs a decision, no license type"]
    assert "1 new hire without an induction status" in card.summary
    # The coordinator gives the license type: the rule derives the status and the card clears.
    fixed = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,Initial,0,2025-08-20\n"], "fixed.csv")
    assert run_cli("import", "roster", fixed, "--year", YEAR)[0] == 0
    assert statuses(database) == {"E1": "beginning"}
    with database.read() as s:
        card = {c.key: c for c in collect(s, YEAR)}["induction_status"]
    assert card.items == [] and card.summary == "Every new hire this year has an induction status."


def test_the_rule_shown_to_users_is_the_table():
    from app.services.roster.educators import DERIVATION_RULE, INDUCTION_TABLE

    assert "Temporary: incoming / incoming" in DERIVATION_RULE
    assert "Provisional: beginning / incoming" in DERIVATION_RULE
    assert "Emergency: district's choice (default beginning) / incoming" in DERIVATION_RULE
    assert "Military Spouse: district's choice (default incoming) / incoming" in DERIVATION_RULE
    assert "no license type: needs a decision" in DERIVATION_RULE
    assert "004" in DERIVATION_RULE and "7.13" in DERIVATION_RULE
    assert set(INDUCTION_TABLE) == {"Provisional", "Initial", "Professional", "Temporary", "Emergency",
                                    "Military Spouse"}


def test_the_demo_shows_the_rule_and_agrees_with_it():
    """The demo names each status itself; blanked, the rule must derive the same one."""
    import dataclasses

    from app.services.demo.roster import demo_roster
    from app.services.roster.educators import clean_educator, derive_induction_status
    import datetime as dt

    from app.models import SchoolYear

    rows = demo_roster("small", 1, YEAR)
    year = SchoolYear(label=YEAR, window_start=dt.date(2025, 7, 1), window_end=dt.date(2026, 6, 30))
    seen = set()
    for raw in rows:
        record, problems = clean_educator(raw)
        assert record is not None, problems
        derived = derive_induction_status(dataclasses.replace(record, induction_status=None), year)
        assert derived == (record.induction_status or "none"), record.employee_id
        seen.add((record.license_type, derived))
    assert ("Temporary", "incoming") in seen and ("Emergency", "beginning") in seen


@pytest.mark.parametrize(("license_", "years", "prior", "status"), [
    # 004: beginning = "a Provisional or Initial license and have not participated in an induction program":
    # years of experience alone do not decide it (say, years in a private school without induction).
    ("Initial", "5", "no", "beginning"),
    ("Provisional", "0", "yes", "incoming"),  # "participated in an induction program in another district"
    ("Initial", "0", "", "beginning"),  # blank: presumed from experience
    ("Initial", "4", "", "incoming"),
    ("Temporary", "0", "no", "incoming"),  # the license decides: "or holds a Professional or a Temporary license"
])
def test_the_files_prior_induction_column_decides_before_experience(tmp_path, run_cli, database,
                                                                     license_, years, prior, status):
    path = tmp_path / "prior.csv"
    path.write_text("employee_id,first_name,last_name,license_type,years_experience,hire_date,Prior Induction\n"
                    f"E1,Ana,Silva,{license_},{years},2025-08-20,{prior}\n", encoding="utf-8")
    assert run_cli("import", "roster", path, "--year", YEAR)[0] == 0
    assert statuses(database) == {"E1": status}


def test_a_rehire_who_did_induction_here_before_is_incoming(tmp_path, run_cli, database):
    first = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,Initial,0,2023-08-20\n"], "2023.csv")
    assert run_cli("import", "roster", first, "--year", "2023-2024")[0] == 0
    assert statuses(database) == {"E1": "beginning"}
    back = roster(tmp_path, ["E1,Ana,Silva,Lincoln,teacher,Initial,0,2025-08-20\n"], "2025.csv")  # left, hired again
    assert run_cli("import", "roster", back, "--year", YEAR)[0] == 0
    with database.read() as s:
        from app.models import SchoolYear

        rows = s.execute(select(SchoolYear.label, InductionEnrollment.status)
                         .join(InductionEnrollment, InductionEnrollment.school_year_id == SchoolYear.id)).all()
    assert sorted(rows) == [("2023-2024", "beginning"), (YEAR, "incoming")]


def test_a_bad_prior_induction_value_is_rejected_with_its_line(tmp_path, run_cli):
    path = tmp_path / "bad.csv"
    path.write_text("employee_id,first_name,last_name,license_type,hire_date,prior_induction\n"
                    "E1,Ana,Silva,Initial,2025-08-20,maybe\n", encoding="utf-8")
    code, out, _ = run_cli("import", "roster", path, "--year", YEAR)
    assert code == 1 and "line 2" in out and "prior_induction" in out and "yes or no" in out
