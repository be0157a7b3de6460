"""The audit trail (issue 18, item 4): writes to confidential columns, files written from them, `db decrypt`
and `db rekey` leave insert-only, hash-chained entries with ids and counts, never a value; `mentordesk audit`
lists them and `audit --verify` finds an altered or removed entry. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from app.models import Assignment, Educator
from app.models.audit import AuditEntry
from app.services.audit import trail
from app.services.years import ensure_year

NOTE = "struggling with classroom management, confidential"


def _entries(database) -> list:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return list(conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)))


def _pair(database):  # type: ignore[no-untyped-def]
    """Mia (rated Proficient) mentoring Ned, with a private reason: two confidential writes."""
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, "2025-2026")
        mia = Educator(employee_id="M1", first_name="Mia", last_name="Mentor", last_rating="Proficient")
        ned = Educator(employee_id="N1", first_name="Ned", last_name="New")
        pair = Assignment(mentor=mia, mentee=ned, school_year=year, start_date=dt.date(2025, 9, 1),
                          private_reason=NOTE)
        s.add(pair)
        s.flush()
        return mia.id, ned.id, pair.id


def _tamper(database, sql: str) -> None:  # type: ignore[no-untyped-def]
    """What someone holding the file (or a superuser) can do: drop the guard, change the table."""
    with database.engine.begin() as conn:
        if database.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
        conn.execute(text(sql))


def test_confidential_writes_are_recorded_by_id_never_by_value(database):
    mia, ned, pair = _pair(database)
    found = _entries(database)
    assert [(e.action, e.what, json.loads(e.row_ids)) for e in found] == [
        ("insert", "assignment", [str(pair)]), ("insert", "educator", [str(mia)])]  # Ned has no rating
    assert all(e.actor == database.actor and e.device and e.os_user and e.confidential == 1 for e in found)
    with database.unit_of_work() as s:
        s.get(Educator, ned).room = "B12"  # not confidential: no entry
    assert len(_entries(database)) == 2
    with database.unit_of_work() as s:
        s.get(Educator, mia).last_rating = "Exemplary"
        s.get(Assignment, pair).private_reason = "changed"
    with database.unit_of_work() as s:
        s.get(Assignment, pair).tombstone()
    found = _entries(database)
    assert sorted((e.action, e.what, e.count) for e in found[2:4]) == [("update", "assignment", 1),
                                                                      ("update", "educator", 1)]
    assert [(e.action, e.what, e.count) for e in found[4:]] == [("delete", "assignment", 1)]
    with database.engine.connect() as conn:  # no value anywhere in the trail
        dump = " ".join(str(v) for row in conn.execute(select(AuditEntry.__table__)) for v in row)
    for value in (NOTE, "Proficient", "Exemplary", "Mia", "Mentor"):
        assert value not in dump


def test_a_rolled_back_write_leaves_no_entry(database):
    with pytest.raises(RuntimeError), database.unit_of_work() as s:
        s.add(Educator(employee_id="X1", first_name="X", last_name="Y", last_rating="Proficient"))
        s.flush()
        raise RuntimeError("the user cancelled")
    assert _entries(database) == []


def test_each_entry_holds_the_hash_of_the_one_before(database):
    _pair(database)
    with database.unit_of_work() as s:
        s.add(Educator(employee_id="R1", first_name="R", last_name="S", last_rating="Proficient"))
    found = _entries(database)
    assert [e.id for e in found] == [1, 2, 3]
    prev = "0" * 64
    for e in found:  # a second, plain computation of the chain
        fields = [e.id, e.at, e.actor, e.os_user, e.device, e.action, e.what, e.row_ids, e.count, e.confidential, prev]
        assert e.prev_hash == prev
        assert e.hash == hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()
        prev = e.hash


def test_the_trail_is_append_only(database):
    _pair(database)
    for sql in ("UPDATE audit_entry SET actor = 'someone else'", "DELETE FROM audit_entry WHERE id = 1"):
        with pytest.raises(SQLDatabaseError, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(_entries(database)) == 2


def test_audit_lists_the_trail_and_verify_finds_an_altered_entry(database, run_cli):
    _pair(database)
    code, out, _ = run_cli("audit")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "insert assignment: 1 row" in lines[0] and "UTC" in lines[0] and NOTE not in out
    today = dt.datetime.now(dt.timezone.utc).date()
    code, out, _ = run_cli("audit", "--json", "--since", today.isoformat())  # on the day: listed
    assert code == 0 and [e["what"] for e in json.loads(out)] == ["assignment", "educator"]
    code, out, _ = run_cli("audit", "--json", "--since", (today - dt.timedelta(days=1)).isoformat())  # day before
    assert len(json.loads(out)) == 2
    code, out, _ = run_cli("audit", "--since", (today + dt.timedelta(days=1)).isoformat())  # day after
    assert code == 0 and out.startswith("no audit entries since")
    code, out, _ = run_cli("audit", "--verify")
    assert code == 0 and out.startswith("audit trail intact: 2 entries; head 2 ")
    _tamper(database, "UPDATE audit_entry SET os_user = 'nobody' WHERE id = 1")
    code, out, err = run_cli("audit", "--verify")
    assert (code, out.strip(), err) == (1, "audit trail broken at entry 1: it was altered", "")


def test_verify_finds_a_removed_entry(database, run_cli):
    _pair(database)
    with database.unit_of_work() as s:
        s.add(Educator(employee_id="R1", first_name="R", last_name="S", last_rating="Proficient"))
    _tamper(database, "DELETE FROM audit_entry WHERE id = 2")
    code, out, _ = run_cli("audit", "--verify")
    assert (code, out.strip()) == (1, "audit trail broken: entry 2 removed (the next is 3)")


def test_verify_finds_an_entry_rewritten_with_a_fresh_hash(database, run_cli):
    """Recomputing the edited entry's own hash does not help: the next entry still names the old one."""
    _pair(database)
    with database.engine.connect() as conn:
        row = dict(conn.execute(select(AuditEntry.__table__).where(AuditEntry.id == 1)).one()._mapping)
    row["actor"] = "someone else"
    _tamper(database, f"UPDATE audit_entry SET actor = 'someone else', hash = '{trail.entry_hash(row)}' WHERE id = 1")
    code, out, _ = run_cli("audit", "--verify")
    assert (code, out.strip()) == (1, "audit trail broken at entry 2: the entry before it was changed or removed")


def test_files_written_are_recorded_with_whether_they_hold_confidential_fields(database, run_cli, tmp_path):
    _pair(database)
    assert run_cli("export", "roster", "--year", "2025-2026", "--out", tmp_path / "roster.csv")[0] == 0
    assert run_cli("report", "roster", "--year", "2025-2026", "--out", tmp_path / "principals.pdf")[0] == 0
    files = [e for e in _entries(database) if e.action in ("export", "report")]
    assert [(e.action, e.what, e.confidential) for e in files] == [
        ("export", "export roster", 1), ("report", "report roster", 0)]
    code, out, _ = run_cli("audit")
    assert "export export roster" in out and "report report roster (no confidential fields)" in out
    assert run_cli("audit", "--verify")[0] == 0


def test_a_roster_import_records_the_ratings_it_brings_by_id(database, tmp_path):
    """The import writes new educators with ORM bulk inserts (no flush): their ratings are recorded too."""
    from app.services.roster.files import import_roster

    roster = tmp_path / "roster.csv"
    roster.write_text("Employee ID,First Name,Last Name,Role,Last Rating\n"
                      "R1,Rae,Rated,teacher,Proficient\nU1,Una,Unrated,teacher,\n", encoding="utf-8")
    with database.unit_of_work() as s:
        import_roster(s, roster, year_label="2025-2026")
    with database.read() as s:
        rated = s.scalars(select(Educator.id).where(Educator.employee_id == "R1")).one()
    found = [e for e in _entries(database) if e.what == "educator"]
    assert [(e.action, json.loads(e.row_ids)) for e in found] == [("insert", [str(rated)])]
