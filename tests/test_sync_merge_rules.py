"""The merge rules as stated (app/services/sync/merge.py, docs and README "Merging laptops"), each pinned by
its outcome, not only by the laptops agreeing: with clocks skewed by minutes, the highest stamp (wall,
counter, then replica id) wins a field and the conflict lists every value, the winner first; the same
row deleted on two laptops is no conflict; a delete after seeing an edit is no conflict; an edit the
deleter had not seen is an edit-versus-delete conflict and the row stays deleted until restored.

Real SQLite files exchanging real bundle files (tests/test_sync_support.Replica), and the merge
functions on hand-made operations for the tie-breaks a clock cannot be made to produce on purpose.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.services.sync import merge as sync_merge
from app.services.sync.tables import ROW
from tests.test_sync_support import Replica, two_schools_named_north

AHEAD, BEHIND = 600.0, -600.0  # seconds: one laptop's clock ten minutes fast, the other's ten slow


@pytest.fixture
def laptops(tmp_path: Path, migrated_template: Path):  # type: ignore[no-untyped-def]
    """A (clock ahead) made educator E1; B (clock behind) has it too."""
    a = Replica(tmp_path, "a", AHEAD, migrated_template)
    b = Replica(tmp_path, "b", BEHIND, migrated_template)
    row = a.add_educator("E1", first_name="Ann", last_name="Lee")
    b.import_(a.export(tmp_path / "seed.mdsync"))
    yield a, b, row
    a.close()
    b.close()


_bundles = iter(range(1_000_000))


def exchange(tmp_path: Path, *replicas: Replica) -> None:
    """Every laptop sends its bundle to every other (twice round, so what was relayed arrives too)."""
    for _ in range(2):
        for sender in replicas:
            path = sender.export(tmp_path / f"{sender.name}-{next(_bundles)}.mdsync", always=True)
            for receiver in replicas:
                if receiver is not sender and path is not None:
                    receiver.import_(path)


def _values(conflict: tuple) -> list[str]:  # type: ignore[type-arg]
    return [value for _op, value in conflict[4]]


def test_highest_stamp_wins_even_when_it_was_typed_first(tmp_path, laptops):
    """A (ten minutes fast) types Bea; B (ten minutes slow) types Cal a moment later, not having seen Bea.
    A's stamp is higher: Bea wins on both laptops, and the conflict lists Bea first, then Cal."""
    a, b, row = laptops
    a.edit(row, first_name="Bea")
    b.edit(row, first_name="Cal")
    exchange(tmp_path, a, b)
    assert a.educator(row)[1] == b.educator(row)[1] == "Bea"
    for laptop in (a, b):
        (conflict,) = laptop.conflicts()
        assert conflict[2:4] == ("first_name", "field")
        assert _values(conflict) == ["'Bea'", "'Cal'"]  # the winner first: the highest stamp, not the oldest edit


def test_an_edit_made_after_seeing_another_wins_whatever_its_clock(tmp_path, laptops):
    """B (slow clock) receives A's edit, then changes it: B's edit saw A's, so it wins with no conflict,
    although its stamp's wall time is lower than A's was (the clock observes what it received)."""
    a, b, row = laptops
    a.edit(row, first_name="Bea")
    b.import_(a.export(tmp_path / "a1.mdsync"))
    b.edit(row, first_name="Cal")
    exchange(tmp_path, a, b)
    assert a.educator(row)[1] == b.educator(row)[1] == "Cal"
    assert a.conflicts() == b.conflicts() == set()


def test_the_same_row_deleted_on_two_laptops_is_no_conflict(tmp_path, laptops):
    a, b, row = laptops
    a.delete(row)
    b.delete(row)
    exchange(tmp_path, a, b)
    assert a.educator(row)[4] is True and b.educator(row)[4] is True
    assert a.conflicts() == b.conflicts() == set()


def test_a_delete_after_seeing_the_edit_is_no_conflict(tmp_path, laptops):
    a, b, row = laptops
    a.edit(row, first_name="Bea")
    b.import_(a.export(tmp_path / "a1.mdsync"))
    b.delete(row)
    exchange(tmp_path, a, b)
    assert a.educator(row)[4] is True and b.educator(row)[4] is True
    assert a.conflicts() == b.conflicts() == set()


@pytest.mark.parametrize("deleter_clock_is", ["ahead", "behind"])
def test_an_edit_the_deleter_had_not_seen_is_an_edit_versus_delete_conflict(tmp_path, migrated_template,
                                                                              deleter_clock_is):
    """Whichever stamp is higher, the row stays deleted on both laptops and the conflict lists the delete
    and the edit (column and value), so a coordinator can restore it."""
    skews = (AHEAD, BEHIND) if deleter_clock_is == "ahead" else (BEHIND, AHEAD)
    deleter, editor = Replica(tmp_path, "d", skews[0], migrated_template), Replica(tmp_path, "e", skews[1],
                                                                                    migrated_template)
    try:
        row = deleter.add_educator("E1", first_name="Ann")
        editor.import_(deleter.export(tmp_path / "seed.mdsync"))
        editor.edit(row, room="204")
        deleter.delete(row)
        exchange(tmp_path, deleter, editor)
        for laptop in (deleter, editor):
            assert laptop.educator(row)[4] is True  # still deleted
            (conflict,) = laptop.conflicts()
            assert conflict[2:4] == ("deleted_at", "edit_delete")
            assert "'204'" in _values(conflict)
    finally:
        deleter.close()
        editor.close()


def test_an_edit_after_a_delete_was_received_is_still_listed_against_it(tmp_path, laptops):
    """Edit after delete: B received the delete, then an older edit of B's own arrives at A; order of
    arrival does not matter: both laptops end deleted with one edit-versus-delete conflict."""
    a, b, row = laptops
    b.edit(row, room="204")  # B edits, has not sent it
    a.delete(row)
    b.import_(a.export(tmp_path / "a1.mdsync"))  # B receives the delete after its edit
    exchange(tmp_path, a, b)
    assert a.educator(row)[4] is True and b.educator(row)[4] is True
    assert a.conflicts() == b.conflicts() and len(a.conflicts()) == 1
    assert next(iter(a.conflicts()))[3] == "edit_delete"


# --- the tie-breaks, on hand-made operations ---------------------------------------------------------


ROW_ID = uuid.UUID(int=7)


def _op(replica: str, seq: int, wall: int, counter: int, value: object, seen=(), column: str = "first_name"):  # type: ignore[no-untyped-def]
    return sync_merge.Op(replica, seq, wall, counter, "educator", ROW_ID, column, value, tuple(seen))


BASE = sync_merge.Op("r0", 1, 1_000, 0, "educator", ROW_ID, ROW, {"first_name": "Ann", "deleted_at": None}, ())


@pytest.mark.parametrize("x, y, winner", [
    ((5_000, 0, "Bea"), (4_999, 9, "Cal"), "Bea"),  # the wall decides first
    ((5_000, 1, "Bea"), (5_000, 2, "Cal"), "Cal"),  # same wall: the counter
    ((5_000, 2, "Bea"), (5_000, 2, "Cal"), "Cal"),  # same stamp: the higher replica id ("rb" > "ra")
])
def test_the_provisional_winner_is_the_highest_stamp_then_replica(x, y, winner):
    ops = [BASE, _op("ra", 1, x[0], x[1], x[2], seen=["r0:1"]), _op("rb", 1, y[0], y[1], y[2], seen=["r0:1"])]
    for order in (ops, ops[::-1]):
        field = sync_merge.merge_row(list(order))["first_name"]
        assert field.value == winner and field.conflicted
        (conflict,) = sync_merge.row_conflicts("educator", ROW_ID, sync_merge.merge_row(list(order)))
        assert [v["value"] for v in conflict["values"]][0] == winner


def test_a_later_edit_that_saw_the_other_wins_with_a_lower_stamp():
    ops = [BASE, _op("ra", 1, 9_000, 0, "Bea", seen=["r0:1"]), _op("rb", 1, 2_000, 0, "Cal", seen=["r0:1", "ra:1"])]
    field = sync_merge.merge_row(ops)["first_name"]
    assert field.value == "Cal" and not field.conflicted
    assert sync_merge.row_conflicts("educator", ROW_ID, sync_merge.merge_row(ops)) == []


def test_two_deletes_agree_and_a_seen_edit_is_not_listed_an_unseen_one_is():
    delete_a = _op("ra", 1, 5_000, 0, "2026-01-01T10:00:00", seen=["r0:1"], column="deleted_at")
    delete_b = _op("rb", 1, 6_000, 0, "2026-01-01T10:05:00", seen=["r0:1"], column="deleted_at")
    assert sync_merge.row_conflicts("educator", ROW_ID, sync_merge.merge_row([BASE, delete_a, delete_b])) == []
    edit = _op("rc", 1, 4_000, 0, "Bea", seen=["r0:1"])
    seen_delete = delete_a._replace(seen=("r0:1", "rc:1"))
    assert sync_merge.row_conflicts("educator", ROW_ID, sync_merge.merge_row([BASE, edit, seen_delete])) == []
    (conflict,) = sync_merge.row_conflicts("educator", ROW_ID, sync_merge.merge_row([BASE, edit, delete_a]))
    assert conflict["kind"] == "edit_delete" and conflict["column"] == "deleted_at"
    assert {"edited": "first_name", "value": "Bea"}.items() <= conflict["values"][-1].items()


# --- a conflict settled, and a unique clash held back (what the Sync page lists) ----------------------


def _listed(laptop: Replica, *names: Replica) -> list[tuple]:  # type: ignore[type-arg]
    """The open conflicts as stored: table, record, field, kind and each value's (laptop, value, record)."""
    from sqlalchemy import select

    from app.models.sync import SyncConflict

    who = {r.id: r.name for r in (laptop, *names)}
    with laptop.db.read() as session:
        return sorted((c.table_name, c.row_id, c.column, c.kind,
                       [(who[v["replica"]], v["value"], v.get("record")) for v in c.values])
                      for c in session.scalars(select(SyncConflict)))


def _settled(laptop: Replica) -> list[tuple]:  # type: ignore[type-arg]
    from app.services.sync import conflicts as sync_conflicts

    with laptop.db.read() as session:
        return [(s.conflict.table, s.conflict.record, s.conflict.field, s.conflict.kind,
                 [(v.by, v.value) for v in s.conflict.values], (s.kept.by, s.kept.value))
                for s in sync_conflicts.settled_conflicts(session)]


def test_a_conflict_settled_on_one_laptop_is_kept_in_the_history_of_both(tmp_path, laptops):
    """B takes its own value over the provisional winner: the conflict leaves both lists, and each
    laptop's history shows the values that competed (winner first) and what was kept, by whom."""
    from app.services.sync import conflicts as sync_conflicts

    a, b, row = laptops
    a.edit(row, first_name="Bea")
    b.edit(row, first_name="Cal")
    exchange(tmp_path, a, b)
    assert _listed(a, b) == _listed(b, a) == [("educator", row, "first_name", "field", [("a", "Bea", None),
                                                                                   ("b", "Cal", None)])]
    assert _settled(a) == _settled(b) == []
    with b.db.unit_of_work() as session:
        sync_conflicts.resolve(session, "educator", str(row), "first_name", "Cal")
    assert _listed(b, a) == []
    exchange(tmp_path, a, b)
    assert a.educator(row)[1] == b.educator(row)[1] == "Cal"
    assert _listed(a, b) == _listed(b, a) == []
    expected = [("educator", str(row), "first_name", "field", [("a", "Bea"), ("b", "Cal")], ("b", "Cal"))]
    assert _settled(a) == _settled(b) == expected
    # A later edit on A (having seen the resolution) is an ordinary edit: nothing listed, nothing settled again.
    a.edit(row, first_name="Dee")
    exchange(tmp_path, a, b)
    assert a.educator(row)[1] == b.educator(row)[1] == "Dee"
    assert _listed(a, b) == _listed(b, a) == [] and _settled(a) == _settled(b) == expected


def test_two_schools_given_one_name_wait_as_a_duplicate_naming_both_records(tmp_path, migrated_template):
    """A school named "North" on A, another renamed "North" on B: each laptop keeps its own, holds the
    other back and lists a duplicate naming the held record first, then the one holding the name; the rest
    of the bundle applies. Renamed on A, the held school comes in everywhere and the duplicate is settled."""
    from app.models import School
    from app.services.sync import bundles as sync_bundles

    a = Replica(tmp_path, "a", AHEAD, migrated_template)
    b = Replica(tmp_path, "b", BEHIND, migrated_template)
    try:
        north, south, other = two_schools_named_north(a, b)
        from_a, from_b = a.export(tmp_path / "a1.mdsync"), b.export(tmp_path / "b1.mdsync")
        a.import_(from_b)
        b.import_(from_a)
        assert a.educator(other) == b.educator(other) == ("E9", "Nia", "Lee", None, False)

        def schools(laptop):  # type: ignore[no-untyped-def]
            with laptop.db.read() as session:
                return {s.id: s.name for s in session.query(School)}

        assert schools(a) == {north: "North"} and schools(b) == {south: "North"}
        assert _listed(a, b) == [("school", south, "name", "duplicate", [("b", "North", str(south)),
                                                                       ("a", "North", str(north))])]
        assert _listed(b, a) == [("school", north, "name", "duplicate", [("a", "North", str(north)),
                                                                       ("b", "North", str(south))])]
        with a.db.unit_of_work() as session:
            session.get(School, north).name = "North Elementary"
        with a.db.unit_of_work() as session:
            sync_bundles.retry_held(session)
        b.import_(a.export(tmp_path / "a2.mdsync"))
        assert schools(a) == schools(b) == {north: "North Elementary", south: "North"}
        assert _listed(a, b) == _listed(b, a) == []
        assert [s[:4] + (s[5],) for s in _settled(a)] == [("school", str(south), "name", "duplicate", ("b", "North"))]
    finally:
        a.close()
        b.close()


# --- receiving operations: once each, in any order, and how far each laptop is known ----------------------


def _op_dict(replica: str, seq: int, wall: int, column: str, value: object, seen=(), counter: int = 0):  # type: ignore[no-untyped-def]
    return {"replica": replica, "seq": seq, "hlc_wall": wall, "hlc_counter": counter, "table_name": "educator",
            "row_id": ROW_ID, "column": column, "value": value, "seen": list(seen)}


def test_operations_are_applied_once_and_received_counts_only_an_unbroken_run(session):
    """A bundle with a gap (ra:3 missing) and a repeat: each operation is kept once, the row shows the winner,
    and "received" says ra is known up to 2 only, until 3 arrives; rb's run counts separately."""
    from app.models import Educator

    made = _op_dict("ra", 1, 1_000, ROW, {"employee_id": "E7", "first_name": "Ann", "last_name": "Lee",
                                          "deleted_at": None})
    edit = _op_dict("ra", 2, 2_000, "first_name", "Bea", ["ra:1"])
    later = _op_dict("ra", 4, 4_000, "first_name", "Dee", ["ra:1", "ra:2", "ra:3"])
    assert sync_merge.apply_ops(session, [made, edit, later, dict(edit)]) == 3
    assert session.get(Educator, ROW_ID).first_name == "Dee"
    assert sync_merge.received(session) == {"ra": 2}
    assert sync_merge.apply_ops(session, [made, edit]) == 0  # all here already: nothing new
    other = _op_dict("rb", 1, 3_000, "last_name", "Lo", ["ra:1"])
    assert sync_merge.apply_ops(session, [other, _op_dict("ra", 3, 3_500, "first_name", "Cal", ["ra:1", "ra:2"])]) == 2
    assert sync_merge.received(session) == {"ra": 4, "rb": 1}
    row = session.get(Educator, ROW_ID)
    session.refresh(row)
    assert (row.first_name, row.last_name) == ("Dee", "Lo")  # ra:4 had seen ra:3: no conflict, Dee stays
    ops = sync_merge.load_ops(session, [ROW_ID, ROW_ID])[ROW_ID]
    assert sorted(o.id for o in ops) == ["ra:1", "ra:2", "ra:3", "ra:4", "rb:1"]
    assert sync_merge.load_ops(session, []) == {}
    by_id = {o.id: o for o in ops}
    assert (by_id["rb:1"].wall, by_id["rb:1"].counter, by_id["rb:1"].column, by_id["rb:1"].value,
            tuple(by_id["rb:1"].seen)) == (3_000, 0, "last_name", "Lo", ("ra:1",))
    assert by_id["ra:1"].field_value("first_name") == "Ann" and by_id["ra:4"].field_value("first_name") == "Dee"


def test_this_laptops_clock_moves_past_every_stamp_it_receives(tmp_path, migrated_template):
    """Hybrid logical clock, receive rule: after receiving a stamp from a laptop ten minutes ahead, this
    laptop's next stamps come after it (its clock stays where it was when it is already ahead)."""
    from sqlalchemy import select

    from app.models.sync import SyncReplica

    a = Replica(tmp_path, "a", 0.0, migrated_template)
    try:
        with a.db.read() as session:
            me = session.scalars(select(SyncReplica).where(SyncReplica.is_self.is_(True))).one()
            before = (me.hlc_wall, me.hlc_counter)
        ahead = before[0] + 600_000
        with a.db.unit_of_work() as session:
            sync_merge.apply_ops(session, [
                _op_dict("rz", 1, ahead, ROW, {"employee_id": "E7", "first_name": "Ann", "last_name": "Lee",
                                               "deleted_at": None}, counter=4),
                _op_dict("rz", 2, ahead - 5, "first_name", "Bea", ["rz:1"], counter=9)])
        with a.db.read() as session:
            me = session.scalars(select(SyncReplica).where(SyncReplica.is_self.is_(True))).one()
            assert (me.hlc_wall, me.hlc_counter) == (ahead, 4)
        with a.db.unit_of_work() as session:
            sync_merge.apply_ops(session, [_op_dict("rz", 3, before[0], "first_name", "Cal", ["rz:1", "rz:2"])])
        with a.db.read() as session:
            me = session.scalars(select(SyncReplica).where(SyncReplica.is_self.is_(True))).one()
            assert (me.hlc_wall, me.hlc_counter) == (ahead, 4)  # an older stamp does not move it back
        a.edit(ROW_ID, room="12")
        with a.db.read() as session:
            mine = max(sync_merge.load_ops(session, [ROW_ID])[ROW_ID], key=lambda o: o.seq if o.replica == a.id else 0)
        assert mine.replica == a.id and (mine.wall, mine.counter) > (ahead, 4)
    finally:
        a.close()


def test_a_record_whose_school_has_not_arrived_waits_then_comes_in(session):
    """Operations can arrive before those of the record they name (a teacher before the new school): the
    teacher waits, listed as pending, and is written once the school arrives; nothing is refused."""
    from sqlalchemy import select

    from app.models import Educator, School, derived_id
    from app.models.sync import SyncPending

    school_id = derived_id("school", "Hilltop")
    teacher = _op_dict("ra", 2, 2_000, ROW, {"employee_id": "E7", "first_name": "Ann", "last_name": "Lee",
                                             "school_id": str(school_id), "deleted_at": None}, ["ra:1"])
    assert sync_merge.apply_ops(session, [teacher]) == 1
    assert session.get(Educator, ROW_ID) is None
    assert [(p.table_name, p.row_id) for p in session.scalars(select(SyncPending))] == [("educator", ROW_ID)]
    other = _op_dict("rb", 1, 2_500, ROW, {"employee_id": "E8", "first_name": "Bo", "last_name": "Ng",
                                           "deleted_at": None})
    other["row_id"] = derived_id("educator", "E8")
    assert sync_merge.apply_ops(session, [other]) == 1  # an unrelated record meanwhile: the teacher still waits
    assert session.get(Educator, ROW_ID) is None and session.get(Educator, other["row_id"]).first_name == "Bo"
    assert [p.row_id for p in session.scalars(select(SyncPending))] == [ROW_ID]
    school = {"replica": "ra", "seq": 1, "hlc_wall": 1_000, "hlc_counter": 0, "table_name": "school",
              "row_id": school_id, "column": ROW, "value": {"name": "Hilltop", "deleted_at": None}, "seen": []}
    assert sync_merge.apply_ops(session, [school]) == 1
    session.expire_all()
    assert session.get(School, school_id).name == "Hilltop"
    written = session.get(Educator, ROW_ID)
    assert (written.first_name, written.school_id) == ("Ann", school_id)
    assert session.scalars(select(SyncPending)).all() == []
