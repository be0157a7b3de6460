"""Field copies and ownership: an SP works offline in a field copy; their CAP records reach the
coordinator; a bundle from their copy cannot change another SP's records."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db import Database
from app.models import Educator, derived_id
from app.models.cap import CapObservation, CapPlacement
from app.services.sync import bundles as sync_bundles
from app.services.sync import fieldcopy as sync_fieldcopy
from app.services.sync import identity as sync_identity
from tests.test_sync_support import Replica, cap_district as _district



def _make_copy(coordinator: Replica, sp: str, path: Path):  # type: ignore[no-untyped-def]
    """The coordinator makes the SP's field copy (the file handed over)."""
    with coordinator.db.unit_of_work() as session:
        return sync_fieldcopy.make_field_copy(session, coordinator.db.engine, sp, path)


def _open_copy(coordinator: Replica, sp: str, path: Path) -> Database:
    """The SP's field copy, made and opened as MentorDesk opens it on the SP's laptop."""
    _make_copy(coordinator, sp, path)
    return Database.open(str(path))

def _observe(db: Database, placement_id) -> object:  # type: ignore[no-untyped-def]
    with db.unit_of_work() as session:
        obs = CapObservation(placement_id=placement_id, kind="announced", observer="sp",
                             observed_on=dt.date(2027, 2, 3), minutes=45, reinforcement="clear routines")
        session.add(obs)
        session.flush()
        return obs.id


@pytest.fixture
def coordinator(tmp_path: Path, db_url: str):
    """The coordinator's database: a laptop's file, or the district's server (PostgreSQL)."""
    replica = Replica(tmp_path, "coordinator", url=db_url)
    yield replica
    replica.close()


def test_an_sp_works_in_a_field_copy_and_the_coordinator_sees_the_observations(tmp_path, coordinator):
    from app.models import School

    placements = _district(coordinator)
    with coordinator.db.unit_of_work() as session:  # a deleted record travels as deleted
        closed = School(name="Old Mill School")
        session.add(closed)
        session.flush()
        closed.tombstone()
    copy_path = tmp_path / "usb" / "sam-sp1.sqlite3"
    made = _make_copy(coordinator, "SP1", copy_path)
    field = Database.open(str(copy_path))
    try:
        with field.read() as session:  # only this SP's candidate travels
            assert [p.id for p in session.scalars(select(CapPlacement))] == [placements["SP1"]]
            schools = session.scalars(select(School).execution_options(include_deleted=True)).all()
            assert [(s.name, s.deleted_at is not None) for s in schools] == [("Old Mill School", True)]
        obs = _observe(field, placements["SP1"])
        with field.unit_of_work() as session:
            bundle = sync_bundles.export_bundle(session, tmp_path / "shared")
        assert bundle.ops == 1  # only what the SP did, not the district the copy came with
        result = coordinator.import_(bundle.path)
        assert (result.status, result.new, result.sender) == ("applied", 1, made.replica)
        with coordinator.db.read() as session:
            row = session.scalars(select(CapObservation)).one()
            assert (row.id, row.minutes, row.reinforcement) == (obs, 45, "clear routines")
        with field.unit_of_work() as session:  # the copy signs as itself, not as the coordinator
            assert sync_identity.require_self(session).id == made.replica
    finally:
        field.dispose()


def test_an_sp_bundle_cannot_change_another_sps_records(tmp_path, coordinator):
    placements = _district(coordinator)
    field = _open_copy(coordinator, "SP1", tmp_path / "sam-sp1.sqlite3")
    try:
        with field.unit_of_work() as session:  # a tampered copy: SP2's placement is not even in it
            session.execute(text("PRAGMA foreign_keys=OFF"))
            session.add(CapObservation(placement_id=placements["SP2"], kind="announced", observer="sp",
                                       observed_on=dt.date(2027, 2, 3)))
        with field.unit_of_work() as session:
            bundle = sync_bundles.export_bundle(session, tmp_path / "shared").path
        result = coordinator.import_(bundle)
        assert result.status == "refused"
        assert "cap_observation" in result.note and "is not SamSP1 Practitioner (field copy)'s record" in result.note
        with coordinator.db.read() as session:
            assert session.scalars(select(CapObservation)).all() == []
            assert sync_bundles.parked_count(session) == 0
        assert coordinator.import_(bundle).status == "duplicate"  # kept once, never applied
    finally:
        field.dispose()


def test_fieldcopy_command_writes_a_new_file_and_never_overwrites(tmp_path, coordinator, db_url, capsys):
    from app.cli import main

    _district(coordinator)
    coordinator.close()
    out = tmp_path / "copy.sqlite3"
    db = db_url
    assert main(["fieldcopy", "--for", "SP2", "--out", str(out), "--db", db]) == 0
    assert "field copy for SamSP2 Practitioner" in capsys.readouterr().out
    assert main(["fieldcopy", "--for", "SP2", "--out", str(out), "--db", db]) == 1
    assert "already exists" in capsys.readouterr().err
    coordinator.db = Database.open(db)


def test_field_copies_send_only_their_own_changes(tmp_path, coordinator):
    placements = _district(coordinator)
    copies = {}
    for sp in ("SP1", "SP2"):
        copies[sp] = _open_copy(coordinator, sp, tmp_path / f"{sp}.sqlite3")
    try:
        shared = tmp_path / "shared"
        _observe(copies["SP2"], placements["SP2"])
        with copies["SP2"].unit_of_work() as session:
            from_sp2 = sync_bundles.export_bundle(session, shared).path
        with copies["SP1"].unit_of_work() as session:
            sync_bundles.import_bundle(session, from_sp2)
        _observe(copies["SP1"], placements["SP1"])
        with copies["SP1"].unit_of_work() as session:
            from_sp1 = sync_bundles.export_bundle(session, shared)
        assert from_sp1.ops == 1  # a field copy sends only its own changes
        first = coordinator.import_(from_sp1.path)
        assert (first.status, first.new) == ("applied", 1)
        assert coordinator.import_(from_sp2).new == 1
        with coordinator.db.read() as session:
            assert {o.placement_id for o in session.scalars(select(CapObservation))} == set(placements.values())
    finally:
        for db in copies.values():
            db.dispose()


def test_a_field_copy_holds_only_what_its_sp_needs(tmp_path, coordinator):
    from app.models import Assignment, School
    from app.models.cap import CapCandidate as Candidate

    placements = _district(coordinator)
    with coordinator.db.unit_of_work() as session:
        session.add(School(name="Lincoln"))
        other = Educator(id=derived_id("educator", "T9"), employee_id="T9", first_name="Tess", last_name="Other")
        session.add(other)
    copy_path = tmp_path / "sp1.sqlite3"
    from app.services.audit import trail as audit_trail

    audit_trail.record(coordinator.db, "export", "cap_placement", count=1, ids=[str(placements["SP2"])])
    with coordinator.db.read() as session:
        trail = session.execute(text("SELECT count(*) FROM audit_entry")).scalar_one()
    _make_copy(coordinator, "SP1", copy_path)
    with closing(sqlite3.connect(copy_path)) as conn:  # the coordinator's trail names other candidates' rows
        assert trail > 0 and conn.execute("SELECT count(*) FROM audit_entry").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit_entry_no_delete'").fetchone() == (1,)
    _observe(coordinator.db, placements["SP2"])  # later work for another SP
    mine = _observe(coordinator.db, placements["SP1"])
    field = Database.open(str(copy_path))
    try:
        with field.read() as session:
            assert {p.id for p in session.scalars(select(CapPlacement))} == {placements["SP1"]}
            assert [c.last_name for c in session.scalars(select(Candidate))] == ["SP1"]
            assert {e.employee_id for e in session.scalars(select(Educator))} == {"SP1"}
            assert [s.name for s in session.scalars(select(School))] == ["Lincoln"]
            assert session.scalars(select(Assignment)).all() == []
        with field.unit_of_work() as session:
            result = sync_bundles.import_bundle(session, coordinator.export(tmp_path / "shared"))
        assert result.status == "applied"
        with field.read() as session:
            assert [o.id for o in session.scalars(select(CapObservation))] == [mine]
            assert {e.employee_id for e in session.scalars(select(Educator))} == {"SP1"}
        raw = copy_path.read_bytes()
        assert b"Tess" not in raw and b"SP2" not in raw  # removed, not just hidden
    finally:
        field.dispose()


def test_a_field_copy_cannot_vouch_for_changes_made_elsewhere():
    from app.models.sync import SyncReplica
    from app.services.sync.owners import vouched

    sp_copy = SyncReplica(id="sp", name="SP", acting_for=derived_id("educator", "SP1"))
    coordinator_laptop = SyncReplica(id="c2", name="Second laptop", acting_for=None)
    ops = [{"replica": "sp", "seq": 1}, {"replica": "c1", "seq": 7}]
    assert vouched(None, sp_copy, ops) == [ops[0]]  # type: ignore[arg-type]
    assert vouched(None, coordinator_laptop, ops) == ops  # type: ignore[arg-type]


def _copy_for(coordinator: Replica, sp: str, path: Path):  # type: ignore[no-untyped-def]
    from tests.test_sync_support import FieldLaptop

    _make_copy(coordinator, sp, path)
    return FieldLaptop(path, f"{sp} copy")


def test_an_edit_that_reaches_a_field_copy_before_its_record_waits_and_is_not_lost(tmp_path, coordinator):
    placements = _district(coordinator)
    field = _copy_for(coordinator, "SP1", tmp_path / "sp1-copy.sqlite3")
    try:
        observation = coordinator.observe(placements["SP1"], dt.date(2027, 2, 3), 45)
        first = coordinator.export(tmp_path / "1.mdsync")
        coordinator.edit_observation(observation, 50)
        second = coordinator.export(tmp_path / "2.mdsync")
        early = field.import_(second)  # the USB stick with the later bundle came first
        assert (early.status, early.new) == ("waiting", 0) and "wait for the records" in early.note
        assert field.observations() == {}
        with field.db.read() as session:
            from app.services.sync.status import status

            assert "waiting bundles: 1 hold changes of records that have not arrived yet" in "\n".join(
                status(session).lines())
        assert field.import_(first).status == "applied"  # ...and the waiting one is applied after it
        assert field.observations() == coordinator.observations(placements["SP1"])
        assert field.observations()[observation][2] == 50
        with field.db.read() as session:
            assert {b.status for b in session.scalars(select(sync_bundles.SyncBundle))} == {"applied"}
    finally:
        field.close()


def test_edits_of_another_sps_records_are_left_out_of_a_field_copy_not_kept_waiting(tmp_path, coordinator):
    placements = _district(coordinator)
    theirs = coordinator.observe(placements["SP2"], dt.date(2027, 2, 3), 45)  # before the copy is made
    field = _copy_for(coordinator, "SP1", tmp_path / "sp1-copy.sqlite3")
    try:
        coordinator.edit_observation(theirs, 55)
        assert field.import_(coordinator.export(tmp_path / "edit.mdsync")).status == "applied"
        assert field.observations() == {}
        with field.db.read() as session:
            from app.models.sync import SyncOp

            assert session.scalars(select(SyncOp).where(SyncOp.row_id == theirs)).all() == []
            assert {b.status for b in session.scalars(select(sync_bundles.SyncBundle))} == {"applied"}
    finally:
        field.close()


def test_every_laptop_knows_a_field_copy_is_an_sps_and_refuses_its_reach(tmp_path, coordinator, migrated_template):
    """A second coordinator laptop that did not make the copy still holds it to its SP's records."""
    second = Replica(tmp_path, "second", 0, migrated_template)
    placements = _district(coordinator)
    second.import_(coordinator.export(tmp_path / "seed.mdsync"))
    field = _copy_for(coordinator, "SP1", tmp_path / "sp1-copy.sqlite3")
    try:
        with field.db.unit_of_work() as session:  # a tampered copy: SP2's placement is not even in it
            session.execute(text("PRAGMA foreign_keys=OFF"))
            session.add(CapObservation(placement_id=placements["SP2"], kind="announced", observer="sp",
                                       observed_on=dt.date(2027, 2, 3)))
        result = second.import_(field.export(tmp_path / "tampered.mdsync"))
        assert result.status == "refused" and "is not SamSP1 Practitioner (field copy)'s record" in result.note
        assert second.observations() == {}
    finally:
        field.close()
        second.close()


def test_an_sp_sets_goals_and_their_candidates_hours_in_the_field_copy(tmp_path, coordinator):
    """Goal setting (step 2) is written on the SP's placement and a candidate's own required hours
    on the candidate: both are the SP's to change, so their bundle applies."""
    from app.models.cap import CapCandidate

    placements = _district(coordinator)
    field = _open_copy(coordinator, "SP1", tmp_path / "sam-sp1.sqlite3")
    try:
        with field.unit_of_work() as session:
            placement = session.get(CapPlacement, placements["SP1"])
            placement.professional_practice_goal = "Check for understanding every lesson"
            session.get(CapCandidate, placement.candidate_id).hours_required = 400
            candidate_id = placement.candidate_id
        with field.unit_of_work() as session:
            bundle = sync_bundles.export_bundle(session, tmp_path / "shared").path
        assert coordinator.import_(bundle).status == "applied"
        with coordinator.db.read() as session:
            assert session.get(CapPlacement, placements["SP1"]).professional_practice_goal == (
                "Check for understanding every lesson")
            assert session.get(CapCandidate, candidate_id).hours_required == 400
    finally:
        field.dispose()
