"""Bundles between replicas on real SQLite files: the same result whatever order files arrive in."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from app.services.sync import bundles as sync_bundles
from app.services.sync import conflicts as sync_conflicts
from app.services.sync import merge as sync_merge
from app.services.sync.identity import SyncError
from tests.test_sync_support import Replica, make_replicas, two_schools_named_north


@pytest.fixture
def replicas(tmp_path: Path, migrated_template: Path):
    made: list[Replica] = []

    def make(names: str, skews: list[float] | None = None) -> list[Replica]:
        made.extend(make_replicas(tmp_path, names, migrated_template, skews))
        return made[-len(names):]

    yield make
    for replica in made:
        replica.close()


def _shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir(exist_ok=True)
    return folder


def test_a_row_travels_through_the_shared_folder_and_a_replay_adds_nothing(tmp_path, replicas):
    a, b = replicas("ab")
    row = a.add_educator("E1", first_name="Ann", room="12")
    bundle = a.export(_shared(tmp_path))
    assert bundle.parent.name == f"outbox-{a.id}"
    first = b.import_(bundle)
    assert (first.status, first.new) == ("applied", 1)
    assert b.educator(row) == ("E1", "Ann", "Lee", "12", False)
    before = b.op_ids()
    assert b.import_(bundle).status == "duplicate"
    assert b.op_ids() == before
    assert a.export(_shared(tmp_path)) is None  # nothing new to send


def _concurrent_edits(tmp_path: Path, reps: list[Replica]) -> tuple[object, list[Path]]:
    a = reps[0]
    row = a.add_educator("E1", first_name="Ann")
    seed = a.export(tmp_path / "seed.mdsync")
    for other in reps[1:]:
        other.import_(seed)
    bundles = []
    for i, rep in enumerate(reps):
        rep.edit(row, first_name=f"Name-{rep.name}")
        bundles.append(rep.export(tmp_path / f"edit-{i}.mdsync"))
    return row, bundles


@pytest.mark.parametrize("names,skews", [("ab", [0, -300]), ("abc", [0, 240, -180])])
def test_concurrent_edits_give_the_same_conflict_and_value_everywhere_in_any_order(tmp_path, replicas, names, skews):
    reps = replicas(names, skews)
    row, bundles = _concurrent_edits(tmp_path, reps)
    for rep, order in zip(reps, itertools.cycle(itertools.permutations(bundles))):
        for bundle in order:
            rep.import_(bundle)
    values = {rep.educator(row) for rep in reps}
    conflicts = {frozenset(rep.conflicts()) for rep in reps}
    assert len(values) == 1 and len(conflicts) == 1
    (conflict,) = next(iter(conflicts))
    assert conflict[2] == "first_name" and len(conflict[4]) == len(reps)
    assert {v for _op, v in conflict[4]} == {repr(f"Name-{r.name}") for r in reps}
    assert repr(next(iter(values))[1]) == conflict[4][0][1]  # the provisional value is the first listed


def test_a_resolution_clears_the_conflict_everywhere_once_it_travels(tmp_path, replicas):
    a, b, c = reps = replicas("abc", [0, 120, -60])
    row, bundles = _concurrent_edits(tmp_path, reps)
    for rep in reps:
        for bundle in bundles:
            rep.import_(bundle)
    with b.db.unit_of_work() as session:
        (conflict,) = sync_conflicts.list_conflicts(session)
        chosen = next(v.value for v in conflict.values if v.by == "c")  # "Take theirs"
        sync_conflicts.resolve(session, "educator", conflict.record, "first_name", chosen)
    assert b.conflicts() == set()
    resolution = b.export(tmp_path / "resolution.mdsync")
    for rep in (a, c):
        rep.import_(resolution)
    assert [rep.conflicts() for rep in reps] == [set()] * 3
    assert {rep.educator(row)[1] for rep in reps} == {"Name-c"}
    for rep in reps:  # every laptop that listed the conflict keeps what was decided, and by whom
        with rep.db.read() as session:
            (settled,) = sync_conflicts.settled_conflicts(session)
        assert (settled.kept.value, settled.kept.by) == ("Name-c", "b")
        assert {v.value for v in settled.conflict.values} == {"Name-a", "Name-b", "Name-c"}


def test_an_edit_of_another_field_keeps_the_open_conflict_and_reaches_the_row(tmp_path, replicas):
    """Applying merges only the fields new operations touched: a conflict on another field of the
    row stays listed, and the row shows the edit with its version moved on (an open form sees it)."""
    from app.models import Educator

    a, b = reps = replicas("ab", [0, 120])
    row, bundles = _concurrent_edits(tmp_path, reps)
    for bundle in bundles:
        a.import_(bundle)
    (before,) = a.conflicts()
    with a.db.read() as session:
        version = session.get(Educator, row).version
    b.edit(row, room="214")
    a.import_(b.export(tmp_path / "room.mdsync"))
    assert a.conflicts() == {before}
    assert a.educator(row)[3] == "214"
    with a.db.read() as session:
        assert session.get(Educator, row).version == version + 1


def test_keep_mine_records_a_resolution_even_when_the_value_is_already_shown(tmp_path, replicas):
    a, b = reps = replicas("ab", [0, 60])
    row, bundles = _concurrent_edits(tmp_path, reps)
    for bundle in bundles:
        a.import_(bundle)
        b.import_(bundle)
    shown = a.educator(row)[1]
    with a.db.unit_of_work() as session:
        sync_conflicts.resolve(session, "educator", str(row), "first_name", shown)
    b.import_(a.export(tmp_path / "keep.mdsync"))
    assert a.conflicts() == b.conflicts() == set()
    assert a.educator(row)[1] == b.educator(row)[1] == shown


def test_an_edit_the_deleter_had_not_seen_is_an_edit_versus_delete_conflict_that_can_be_restored(tmp_path, replicas):
    a, b = replicas("ab")
    row = a.add_educator("E1", first_name="Ann")
    b.import_(a.export(tmp_path / "seed.mdsync"))
    a.delete(row)
    b.edit(row, room="204")
    from_a, from_b = a.export(tmp_path / "a.mdsync"), b.export(tmp_path / "b.mdsync")
    a.import_(from_b)
    b.import_(from_a)
    assert a.educator(row) == b.educator(row) == ("E1", "Ann", "Lee", "204", True)  # deleted until decided
    (conflict,) = a.conflicts()
    assert a.conflicts() == b.conflicts() and conflict[3] == "edit_delete"
    with b.db.unit_of_work() as session:
        (listed,) = sync_conflicts.list_conflicts(session)
        assert [v.edited for v in listed.values] == [None, "room"]
        sync_conflicts.restore(session, "educator", listed.record)
    a.import_(b.export(tmp_path / "restore.mdsync"))
    assert a.educator(row) == b.educator(row) == ("E1", "Ann", "Lee", "204", False)
    assert a.conflicts() == b.conflicts() == set()


@pytest.mark.parametrize("settle", ["restore", "confirm_delete"])
def test_a_restore_on_one_laptop_and_a_delete_on_another_is_settled_like_an_edit_versus_delete(
        tmp_path, replicas, settle):
    a, b = replicas("ab", [0, 90])
    row = a.add_educator("E1", first_name="Ann")
    b.import_(a.export(tmp_path / "seed.mdsync"))
    a.delete(row)
    b.edit(row, room="204")
    b.import_(a.export(tmp_path / "a1.mdsync"))
    a.import_(b.export(tmp_path / "b1.mdsync"))
    with a.db.unit_of_work() as session:
        sync_conflicts.restore(session, "educator", str(row))  # a brings it back...
    with b.db.unit_of_work() as session:
        sync_conflicts.confirm_delete(session, "educator", str(row))  # ...while b keeps it deleted
    from_a, from_b = a.export(tmp_path / "a2.mdsync"), b.export(tmp_path / "b2.mdsync")
    a.import_(from_b)
    b.import_(from_a)
    assert a.educator(row) == b.educator(row)
    (conflict,) = a.conflicts()
    assert a.conflicts() == b.conflicts() and conflict[2:4] == ("deleted_at", "edit_delete")
    with a.db.unit_of_work() as session:
        (listed,) = sync_conflicts.list_conflicts(session)
        assert sorted(listed.describe(v) for v in listed.values) == ["deleted", "restored"]
        getattr(sync_conflicts, settle)(session, "educator", listed.record)
    b.import_(a.export(tmp_path / "settled.mdsync"))
    assert a.conflicts() == b.conflicts() == set()
    assert a.educator(row) == b.educator(row) == ("E1", "Ann", "Lee", "204", settle == "confirm_delete")


def test_the_same_record_made_on_two_laptops_is_one_record_not_a_clash(tmp_path, replicas):
    """Records unique by what they describe (a year's program profile, a person's attendance mark)
    get ids derived from it: made on two laptops they merge, field by field, when the bundles meet."""
    from sqlalchemy import select

    from app.models.reporting import ProgramProfile
    from app.services.reports.program_profile import QUESTIONS, save_profile

    a, b = replicas("ab", [0, 45])
    (question, _text), *_ = QUESTIONS
    for rep, answer in ((a, "Mentors apply in May."), (b, "The principal nominates mentors.")):
        with rep.db.unit_of_work() as session:
            save_profile(session, "2025-2026", {question: answer})
    from_a, from_b = a.export(tmp_path / "a.mdsync"), b.export(tmp_path / "b.mdsync")
    assert a.import_(from_b).status == b.import_(from_a).status == "applied"
    seen = []
    for rep in (a, b):
        with rep.db.read() as session:
            (profile,) = session.scalars(select(ProgramProfile)).all()
            seen.append((profile.id, profile.answers[question], profile.created_at))
    assert seen[0] == seen[1]  # one record, the same provisional answer, made when first made
    assert seen[0][1] in ("Mentors apply in May.", "The principal nominates mentors.")
    (conflict,) = a.conflicts()  # the answers differ: a person decides (created_at does not ask)
    assert a.conflicts() == b.conflicts() and conflict[:3] == ("program_profile", seen[0][0], "answers")


def test_a_unique_clash_holds_that_record_back_lists_it_and_applies_the_rest(tmp_path, replicas):
    """Two laptops give two schools the same name: the bundle still applies, the record that would
    clash waits as a "duplicate" conflict on each side, and comes in once one school is renamed."""
    from app.models import School

    a, b = replicas("ab", [0, 30])
    north, south, newcomer = two_schools_named_north(a, b)
    from_a, from_b = a.export(tmp_path / "a1.mdsync"), b.export(tmp_path / "b1.mdsync")
    assert a.import_(from_b).status == b.import_(from_a).status == "applied"
    assert a.educator(newcomer) == b.educator(newcomer) == ("E9", "Nia", "Lee", None, False)  # the rest came in
    (held_on_a,) = a.conflicts()
    (held_on_b,) = b.conflicts()
    assert held_on_a[:4] == ("school", south, "name", "duplicate")
    assert held_on_b[:4] == ("school", north, "name", "duplicate")

    def schools(rep):
        with rep.db.read() as session:
            return {s.id: s.name for s in session.query(School)}

    assert schools(a) == {north: "North"} and schools(b) == {south: "North"}
    with a.db.unit_of_work() as session:  # a person renames one of them
        session.get(School, north).name = "North Elementary"
    with a.db.unit_of_work() as session:
        sync_bundles.retry_held(session)
    b.import_(a.export(tmp_path / "a2.mdsync"))
    assert schools(a) == schools(b) == {north: "North Elementary", south: "North"}
    assert a.conflicts() == b.conflicts() == set()
    with a.db.read() as session:
        (settled,) = sync_conflicts.settled_conflicts(session)
    assert (settled.conflict.kind, settled.kept.value) == ("duplicate", "North")


def test_a_bundle_from_a_newer_schema_is_parked_not_lost(tmp_path, replicas, monkeypatch):
    a, b = replicas("ab")
    row = a.add_educator("E1")
    monkeypatch.setattr(sync_bundles, "_schema", lambda: "0099_future")
    bundle = a.export(tmp_path / "newer.mdsync")
    monkeypatch.undo()
    result = b.import_(bundle)
    assert result.status == "parked" and "newer MentorDesk" in result.note
    assert b.educator(row) is None
    with b.db.read() as session:
        assert sync_bundles.parked_count(session) == 1
    assert b.import_(bundle).status == "duplicate"  # kept once, not applied twice
    import app.db

    monkeypatch.setattr(app.db, "known_revisions", lambda: {"0099_future"})  # the app was updated
    with b.db.unit_of_work() as session:
        (applied,) = sync_bundles.retry_held(session)
    assert applied.new == 1 and b.educator(row) is not None


def test_a_crash_during_apply_leaves_nothing_applied_and_the_retry_works(tmp_path, replicas, monkeypatch):
    a, b = replicas("ab")
    rows = [a.add_educator(f"E{i}") for i in range(5)]
    bundle = a.export(tmp_path / "five.mdsync")
    before = (b.op_ids(), b.rows())
    original = sync_merge.materialize

    def crash(session, *args):  # type: ignore[no-untyped-def]
        original(session, *args)
        raise OSError("disk unplugged")

    monkeypatch.setattr(sync_merge, "materialize", crash)
    with pytest.raises(OSError):
        b.import_(bundle)
    assert (b.op_ids(), b.rows()) == before
    monkeypatch.undo()
    assert b.import_(bundle).new == 5
    assert set(b.rows()) == set(rows)


def test_a_bundle_for_one_replica_is_sealed_to_it(tmp_path, replicas):
    a, b, c = replicas("abc")
    b.import_(a.export(tmp_path / "hello-a.mdsync", always=True))
    a.import_(b.export(tmp_path / "hello-b.mdsync", always=True))  # a learns b's public key
    row = a.add_educator("E7")
    sealed = a.export(tmp_path / "for-b.mdsync", for_replica=b.id)
    assert c.import_(sealed).status == "not-for-us"
    assert b.import_(sealed).status == "applied" and b.educator(row)


def test_a_bundle_of_another_district_is_refused(tmp_path, replicas, migrated_template):
    import shutil

    from app.db import Database
    from app.services.sync import identity as sync_identity

    (a,) = replicas("a")
    a.add_educator("E1")
    bundle = a.export(tmp_path / "a.mdsync")
    path = tmp_path / "other.sqlite3"
    shutil.copy(migrated_template, path)
    other = Database.open(str(path))
    try:
        with other.unit_of_work() as session:
            sync_identity.setup(session, "", name="elsewhere", group_key=b"z" * 32)
        with other.unit_of_work() as session, pytest.raises(SyncError, match="sync group"):
            sync_bundles.import_bundle(session, bundle)
    finally:
        other.dispose()


def test_resolving_a_field_that_cannot_be_settled_that_way_says_what_to_do(tmp_path, replicas):
    (a,) = replicas("a")
    row = a.add_educator("E1")
    with a.db.unit_of_work() as session:
        with pytest.raises(SyncError, match="restoring the record or keeping it deleted"):
            sync_conflicts.resolve(session, "educator", str(row), "deleted_at", None)
        with pytest.raises(SyncError, match="educator has no field 'shoe_size' that travels"):
            sync_conflicts.resolve(session, "educator", str(row), "shoe_size", "9")


def test_a_laptop_and_the_district_server_exchange_every_kind_of_value(tmp_path, migrated_template, db_url):
    """Bundles apply the same on both backends: lists, dates, moments, ids and a tombstone travel
    from a laptop's SQLite file to the server database (SQLite or PostgreSQL) and back unchanged."""
    import datetime as dt

    from sqlalchemy import select

    from app.models import Educator

    laptop = Replica(tmp_path, "laptop", template=migrated_template)
    server = Replica(tmp_path, "server", url=db_url)
    try:
        ana = laptop.add_educator("E1", first_name="Ana", subjects=["Chemistry", "Physics"], grades=["10", "11"],
                                  hire_date=dt.date(2025, 8, 20), planning_periods=["3"], room="12")
        gone = laptop.add_educator("E2", first_name="Ben")
        laptop.delete(gone)
        assert server.import_(laptop.export(tmp_path / "up.mdsync")).status == "applied"
        server.edit(ana, room="14")
        assert laptop.import_(server.export(tmp_path / "down.mdsync")).status == "applied"

        def values(replica: Replica) -> list[tuple]:
            with replica.db.read() as session:
                query = select(Educator).execution_options(include_deleted=True).order_by(Educator.employee_id)
                return [(e.id, e.employee_id, e.subjects, e.grades, e.hire_date, e.planning_periods, e.room,
                         e.created_at, e.deleted_at) for e in session.scalars(query)]

        assert values(server) == values(laptop)
        assert values(server)[0][6] == "14" and values(server)[1][-1] is not None
        assert server.conflicts() == laptop.conflicts() == set()
    finally:
        laptop.close()
        server.close()
