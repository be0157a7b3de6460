"""Capture: every change to a user-edited table is recorded as operations in the same transaction."""

from __future__ import annotations

import uuid

import pytest

from sqlalchemy import select

from app.models import Educator, School
from app.models.sync import SyncOp
from app.services.sync import identity as sync_identity

GROUP_KEY = b"g" * 32


def _ops(session) -> list[SyncOp]:
    ops = list(session.scalars(select(SyncOp).order_by(SyncOp.seq)))
    session.expunge_all()
    return ops


def _setup(database) -> str:
    with database.unit_of_work() as session:
        me, _count = sync_identity.setup(session, "", name="coordinator", group_key=GROUP_KEY)
        return me.id


def test_nothing_is_captured_before_setup_and_setup_backfills_every_row(database):
    with database.unit_of_work() as session:
        session.add(School(name="Lincoln Elementary"))
        gone = Educator(employee_id="E9", first_name="Old", last_name="Row")
        session.add(gone)
        session.flush()
        gone.tombstone()
    with database.read() as session:
        assert _ops(session) == []
    replica = _setup(database)
    with database.read() as session:
        ops = _ops(session)
    assert [(op.table_name, op.column) for op in sorted(ops, key=lambda o: o.table_name)] == [
        ("educator", "*"), ("school", "*")]
    assert all(op.replica == replica for op in ops)
    deleted = next(op for op in ops if op.table_name == "educator")
    assert deleted.value["deleted_at"] is not None and deleted.value["last_name"] == "Row"


def test_insert_is_one_row_op_updates_one_per_column_and_delete_one_op(database):
    replica = _setup(database)
    educator_id = uuid.uuid4()
    with database.unit_of_work() as session:
        session.add(Educator(id=educator_id, employee_id="E1", first_name="Ann", last_name="Lee",
                             grades=["K", "1"]))
    with database.unit_of_work() as session:
        educator = session.get(Educator, educator_id)
        educator.first_name, educator.room, educator.last_name = "Anne", "12B", "Lee"  # last_name unchanged
    with database.unit_of_work() as session:
        session.get(Educator, educator_id).tombstone()
    with database.read() as session:
        ops = _ops(session)
    assert [op.column for op in ops] == ["*", "first_name", "room", "deleted_at"]
    insert_op, first, room, tomb = ops
    assert insert_op.value["grades"] == ["K", "1"] and "version" not in insert_op.value
    assert first.value == "Anne" and first.seen == [f"{replica}:{insert_op.seq}"]
    assert room.seen == [f"{replica}:{insert_op.seq}"]
    assert sorted(tomb.seen) == sorted(f"{replica}:{op.seq}" for op in (insert_op, first, room))
    assert [op.seq for op in ops] == [1, 2, 3, 4]
    stamps = [(op.hlc_wall, op.hlc_counter) for op in ops]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


def test_a_rolled_back_change_leaves_no_operation(database):
    _setup(database)
    try:
        with database.unit_of_work() as session:
            session.add(School(name="Rolled Back"))
            session.flush()
            raise RuntimeError("cancelled")
    except RuntimeError:
        pass
    with database.read() as session:
        assert _ops(session) == []


def test_setup_again_with_another_secret_is_refused(database):
    import pytest

    from app.services.sync.identity import SyncError

    _setup(database)
    with database.unit_of_work() as session, pytest.raises(SyncError, match="different secret"):
        sync_identity.setup(session, "", group_key=b"h" * 32)


def test_a_database_in_a_synced_folder_is_refused_with_a_reason(tmp_path):
    problem = sync_identity.synced_folder_problem(tmp_path / "OneDrive - District" / "mentordesk.sqlite3")
    assert problem and "synced folder" in problem and "corrupt" in problem
    assert sync_identity.synced_folder_problem(tmp_path / "data" / "mentordesk.sqlite3") is None
    assert sync_identity.synced_folder_problem(tmp_path / "Dropbox" / "x.sqlite3")


def test_an_orm_bulk_insert_is_captured_one_row_op_per_row(database):
    from sqlalchemy import insert

    _setup(database)
    ids = [uuid.uuid4(), uuid.uuid4()]
    with database.unit_of_work() as session:
        session.execute(insert(School), [{"id": i, "name": f"School {n}"} for n, i in enumerate(ids)])
    with database.read() as session:
        ops = _ops(session)
    assert [(op.table_name, op.row_id, op.column, op.value["name"]) for op in ops] == [
        ("school", ids[0], "*", "School 0"), ("school", ids[1], "*", "School 1")]


def test_two_people_saving_at_once_on_the_server_both_keep_their_work(database, backend):
    """On a shared server every save takes the next operation numbers of the server's one replica:
    a second person's save waits for the first to commit instead of reusing its numbers."""
    import threading

    if backend == "sqlite":
        pytest.skip("one person works on a laptop's file at a time")
    with database.unit_of_work() as session:
        ids = [Educator(employee_id=f"E{i}", first_name="Ann", last_name=f"Lee{i}") for i in range(2)]
        session.add_all(ids)
        session.flush()
        ids = [e.id for e in ids]
    _setup(database)
    alice, bob = database.sessions(), database.sessions()
    alice.get(Educator, ids[0]).room = "A-12"
    alice.flush()  # alice's save holds the operation numbers until she commits
    outcome: dict[str, str] = {}

    def bob_saves() -> None:
        try:
            bob.get(Educator, ids[1]).room = "B-7"
            bob.commit()
            outcome["bob"] = "saved"
        except Exception as exc:  # noqa: BLE001 - the test reports what bob would see
            outcome["bob"] = repr(exc)
            bob.rollback()

    thread = threading.Thread(target=bob_saves)
    thread.start()
    thread.join(0.5)
    alice.commit()
    thread.join(10)
    alice.close()
    bob.close()
    assert outcome == {"bob": "saved"}
    with database.read() as session:
        rooms = dict(session.execute(select(Educator.employee_id, Educator.room)).tuples().all())
        assert rooms == {"E0": "A-12", "E1": "B-7"}
        seqs = sorted(op.seq for op in _ops(session))
        assert seqs == list(range(1, len(seqs) + 1))
