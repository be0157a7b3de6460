"""`mentordesk import cap-candidates`: candidates and placements from the sponsoring organization's file, with
the roster's import policy (every rejection names line, field and reason; errors file; --strict; --dry-run;
exit codes; re-import changes nothing) and the SP criteria of 603 CMR 7.02: an SP who fails one is rejected
unless the row gives an override reason, which the placement then carries."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Educator, derived_id
from app.models.cap import CapCandidate, CapPlacement
from tests.cap_fixtures import QUALIFIED, make_world

HEADER = ("First Name,Last Name,MEPID,Sponsoring Organization,Program,License Sought,School,SP Employee ID,"
          "Program Supervisor,Program Supervisor Email,Practicum Start,Practicum End,CAP Edition\n")
GOOD = ("Cara,Diaz,01234567,Commonwealth State University,English (Initial),English 5-12,Lincoln Elementary,SP1,"
        "Dr. Helen Park,hpark@csu.edu,2026-01-20,2026-05-08,2024\n")
SECOND = ("Dev,Shah,07654321,Bay College,Elementary (Initial),Elementary 1-6,,SP2,Prof. Lin,,1/26/2026,5/15/2026,\n")


@pytest.fixture
def world(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        school, _sp, _other, _org = make_world(s)
        # a teacher with two years' experience, no recommendation, interest or SP training
        s.add(Educator(id=derived_id("educator", "NEW2"), employee_id="NEW2", first_name="Nora", last_name="Vance",
                       school=school, **dict(QUALIFIED, years_experience=2)))


def write(tmp_path: Path, body: str, name: str = "candidates.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def placements(database) -> int:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.scalar(select(func.count(CapPlacement.id)))


def rejected_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_good_rows_make_candidates_and_placements(tmp_path, run_cli, database, world):
    code, out, err = run_cli("import", "cap-candidates", write(tmp_path, GOOD + SECOND))
    assert code == 0, out + err
    assert "2 new, 0 changed, 0 unchanged, 0 rejected" in out
    with database.read() as s:
        cara = s.scalars(select(CapCandidate).where(CapCandidate.mepid == "01234567")).one()
        assert (cara.license_field, cara.license_grades, cara.organization.name) == (
            "English", "5-12", "Commonwealth State University")
        placement = s.scalars(select(CapPlacement).where(CapPlacement.candidate_id == cara.id)).one()
        assert (placement.sp.employee_id, placement.school.name, placement.ps_name, placement.ps_email) == (
            "SP1", "Lincoln Elementary", "Dr. Helen Park", "hpark@csu.edu")
        assert (placement.edition, placement.school_year.label, placement.sp_override_reason) == (
            "2024", "2025-2026", None)
        dev = s.scalars(select(CapCandidate).where(CapCandidate.mepid == "07654321")).one()
        dev_placement = s.scalars(select(CapPlacement).where(CapPlacement.candidate_id == dev.id)).one()
        # no school given: the SP's; no edition: the one in force for the year; US dates read
        assert dev_placement.school.name == "Lincoln Elementary" and dev_placement.edition == "2024"
        assert (dev.practicum_start, dev.organization.name) == (dt.date(2026, 1, 26), "Bay College")


@pytest.mark.parametrize(("row", "field", "words"), [
    (",Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2026-05-08,", "first_name", "required"),
    ("Cara,Diaz,,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2026-05-08,", "mepid", "required"),
    ("Cara,Diaz,12-345,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2026-05-08,", "mepid", "8 digits"),
    ("Cara,Diaz,01234568,,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2026-05-08,", "organization", "required"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,,,2026-01-20,2026-05-08,", "ps_name", "required"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,park-at-csu,2026-01-20,2026-05-08,", "ps_email",
     "not an email"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-02-30,2026-05-08,", "practicum_start",
     "no such day"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,,soon,2026-05-08,", "practicum_start", "date"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2025-12-01,", "practicum_end",
     "before the practicum start"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,SP1,Dr. Park,,2026-01-20,2026-05-08,2021", "edition",
     "not a CAP edition"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,Nowhere High,SP1,Dr. Park,,2026-01-20,2026-05-08,", "school",
     "no school of that name"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,ZZ9,Dr. Park,,2026-01-20,2026-05-08,", "sp_employee_id",
     "no educator with this employee id"),
    ("Cara,Diaz,01234568,CSU,Eng,English 5-12,,NEW2,Dr. Park,,2026-01-20,2026-05-08,", "sp_employee_id",
     "does not meet: 3 full years"),
])
def test_each_rejection_names_line_field_and_rule(tmp_path, run_cli, database, world, row, field, words):
    errors = tmp_path / "errors.csv"
    code, out, _ = run_cli("import", "cap-candidates", write(tmp_path, GOOD + row + "\n"), "--errors", errors)
    assert code == 1
    assert "1 new" in out and "1 rejected" in out and "rejected: line 3" in out
    [rejected] = rejected_rows(errors)
    assert rejected["line"] == "3" and rejected["field"] == field
    assert words.lower() in rejected["reason"].lower()
    assert list(rejected)[:4] == ["line", "field", "value", "reason"]
    assert rejected["Last Name"] == "Diaz"  # the original columns follow, to fix and import again
    assert placements(database) == 1  # the good row was written, the bad one not


def test_an_sp_who_fails_a_check_is_placed_with_the_rows_override_reason(tmp_path, run_cli, database, world):
    header = HEADER.rstrip("\n") + ",Override Reason\n"
    row = ("Eli,Ford,02345678,CSU,Eng,English 5-12,,NEW2,Dr. Park,,2026-01-20,2026-05-08,,"
           "Only English teacher at the school; five years in New York\n")
    errors = tmp_path / "errors.csv"
    code, out, _ = run_cli("import", "cap-candidates", write(tmp_path, row + row.replace("02345678", "03456789")
                                                             .replace(",Only English teacher at the school; five years "
                                                                      "in New York", ","), header=header),
                           "--errors", errors)
    assert code == 1 and "1 new" in out and "1 rejected" in out
    [rejected] = rejected_rows(errors)
    assert rejected["line"] == "3" and "override reason" in rejected["reason"]
    for label in ("3 full years", "Principal's recommendation", "Interest in serving as SP", "SP training"):
        assert label in rejected["reason"]
    assert "Nora" not in out and "Vance" not in out  # the SP is named by employee id only
    out_json = tmp_path / "cap.json"
    assert run_cli("report", "cap", "--year", "2025-2026", "--out", out_json)[0] == 0
    [entry] = json.loads(out_json.read_text(encoding="utf-8"))["candidates"]
    assert entry["candidate"] == "Eli Ford" and entry["sp_eligible"] is False
    assert entry["sp_override"]["reason"] == "Only English teacher at the school; five years in New York"
    assert {c["name"]: c["status"] for c in entry["sp_checks"]}["experience"] == "not met"


def test_strict_writes_nothing_and_dry_run_counts(tmp_path, run_cli, database, world):
    bad = "Cara,Diaz,01234568,CSU,Eng,English 5-12,,ZZ9,Dr. Park,,2026-01-20,2026-05-08,\n"
    code, out, _ = run_cli("import", "cap-candidates", write(tmp_path, SECOND + bad), "--strict")
    assert code == 1 and "nothing was written" in out and placements(database) == 0
    code, out, _ = run_cli("import", "cap-candidates", write(tmp_path, GOOD + SECOND), "--dry-run")
    assert code == 0 and "Dry run, nothing written: 2 new" in out and placements(database) == 0


def test_reimport_is_idempotent_and_updates_by_mepid(tmp_path, run_cli, database, world):
    path = write(tmp_path, GOOD + SECOND)
    assert run_cli("import", "cap-candidates", path)[0] == 0
    with database.read() as s:
        versions = dict(s.execute(select(CapPlacement.id, CapPlacement.version)).all())
    _, out, _ = run_cli("import", "cap-candidates", path)
    assert "0 new, 0 changed, 2 unchanged, 0 rejected" in out
    with database.read() as s:
        assert dict(s.execute(select(CapPlacement.id, CapPlacement.version)).all()) == versions  # nothing written
    moved = GOOD.replace(",SP1,", ",SP2,").replace("2026-05-08", "2026-05-15")
    _, out, _ = run_cli("import", "cap-candidates", write(tmp_path, moved, "moved.csv"))
    assert "0 new, 1 changed, 0 unchanged" in out
    with database.read() as s:
        cara = s.scalars(select(CapCandidate).where(CapCandidate.mepid == "01234567")).one()
        placement = s.scalars(select(CapPlacement).where(CapPlacement.candidate_id == cara.id)).one()
        assert (placement.sp.employee_id, placement.end_date, cara.practicum_end) == (
            "SP2", dt.date(2026, 5, 15), dt.date(2026, 5, 15))
        assert s.scalar(select(func.count(CapCandidate.id))) == 2


def test_a_repeated_mepid_keeps_the_first_and_leading_zeros_survive(tmp_path, run_cli, database, world):
    again = GOOD.replace("Cara,Diaz", "Carla,Dias")
    code, out, _ = run_cli("import", "cap-candidates", write(tmp_path, GOOD + again))
    assert code == 1 and "line 3" in out and "repeats line 2" in out
    with database.read() as s:
        assert s.scalars(select(CapCandidate.first_name)).all() == ["Cara"]


def test_xlsx_with_real_date_cells_and_a_numeric_mepid(tmp_path, run_cli, database, world):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Cara", "Diaz", 1234567, "CSU", "English (Initial)", "English (5-12)", "", "SP1", "Dr. Park", "",
                  dt.datetime(2026, 1, 20), dt.datetime(2026, 5, 8), "2024"])
    path = tmp_path / "candidates.xlsx"
    book.save(path)
    code, out, err = run_cli("import", "cap-candidates", path)
    assert code == 0, out + err
    with database.read() as s:
        cara = s.scalars(select(CapCandidate)).one()
        assert (cara.mepid, cara.license_field, cara.license_grades, cara.practicum_start) == (
            "01234567", "English", "5-12", dt.date(2026, 1, 20))


def test_a_file_without_a_required_column_is_refused_whole(tmp_path, run_cli, database, world):
    header = HEADER.replace("SP Employee ID,", "")
    row = GOOD.replace("SP1,", "")
    code, _out, err = run_cli("import", "cap-candidates", write(tmp_path, row, header=header))
    assert code == 1 and "sp_employee_id" in err and placements(database) == 0


def test_reimport_cannot_change_an_edition_and_moves_to_an_sp_only_with_a_reason(tmp_path, run_cli, database, world):
    assert run_cli("import", "cap-candidates", write(tmp_path, GOOD))[0] == 0
    errors = tmp_path / "errors.csv"
    older = GOOD.replace(",2024\n", ",2019\n")
    code, _out, _ = run_cli("import", "cap-candidates", write(tmp_path, older, "older.csv"), "--errors", errors)
    assert code == 1
    [rejected] = rejected_rows(errors)
    assert rejected["field"] == "edition" and "follows the 2024 edition" in rejected["reason"]
    to_novice = GOOD.replace(",SP1,", ",NEW2,")
    assert run_cli("import", "cap-candidates", write(tmp_path, to_novice, "novice.csv"))[0] == 1
    header = HEADER.rstrip("\n") + ",Override Reason\n"
    with_reason = to_novice.rstrip("\n") + ",SP1 on leave from March\n"
    _, out, _ = run_cli("import", "cap-candidates", write(tmp_path, with_reason, "reason.csv", header=header))
    assert "0 new, 1 changed, 0 unchanged, 0 rejected" in out
    with database.read() as s:
        placement = s.scalars(select(CapPlacement)).one()
        assert (placement.sp.employee_id, placement.sp_override_reason) == ("NEW2", "SP1 on leave from March")
    # back to the qualified SP: the override no longer applies and is cleared
    _, out, _ = run_cli("import", "cap-candidates", write(tmp_path, GOOD, "back.csv"))
    assert "0 new, 1 changed" in out
    with database.read() as s:
        placement = s.scalars(select(CapPlacement)).one()
        assert (placement.sp.employee_id, placement.sp_override_reason, placement.sp_override_on) == ("SP1", None, None)
