"""Property: replicas with clocks minutes apart, editing, deleting and resolving at random, with
field copies handed to supervising practitioners who log observations offline, and bundles
delivered late, twice and out of order with crashes during apply, end with identical rows,
identical conflicts and every operation everywhere (a field copy: its own records, identical);
replaying every bundle adds nothing."""

from __future__ import annotations

import contextlib
from pathlib import Path
from tempfile import mkdtemp

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app.models import derived_id
from app.services.sync import conflicts as sync_conflicts
from app.services.sync import fieldcopy as sync_fieldcopy
from app.services.sync import merge as sync_merge
from tests.test_sync_support import FieldLaptop, Replica, cap_district

EMPLOYEES = ("E1", "E2", "E3")
NAMES = ("Ann", "Bea", "Cal", "Dee")
SPS = ("SP1", "SP2")


@contextlib.contextmanager
def crashing_apply():
    original = sync_merge.materialize

    def crash(session, *args):  # type: ignore[no-untyped-def]
        original(session, *args)
        raise OSError("power cut while applying")

    sync_merge.materialize = crash
    try:
        yield
    finally:
        sync_merge.materialize = original


class Laptops(RuleBasedStateMachine):
    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(mkdtemp(prefix="sync-machine-"))
        self.shared = self.folder / "shared"
        self.replicas: list[Replica] = []
        self.copies: list[FieldLaptop] = []
        self.placements: dict[str, object] = {}  # SP employee id -> their candidate's placement
        self.bundles: list[Path] = []
        self.exports = 0

    @initialize(skews=st.lists(st.integers(-600, 600), min_size=3, max_size=4))
    def laptops(self, skews: list[int]) -> None:
        self.replicas = [Replica(self.folder, f"r{i}", float(s), self.template) for i, s in enumerate(skews)]
        self.placements = cap_district(self.replicas[0])  # the coordinator's CAP placements, known to all
        seed = self.replicas[0].export(self.folder / "cap-seed.mdsync")
        for rep in self.replicas[1:]:
            rep.import_(seed)

    def _pick(self, data: st.DataObject) -> Replica:
        return data.draw(st.sampled_from(self.replicas))

    def _pick_any(self, data: st.DataObject) -> Replica:
        return data.draw(st.sampled_from(self.replicas + self.copies))

    @precondition(lambda self: len(self.copies) < 2)
    @rule(data=st.data(), sp=st.sampled_from(SPS))
    def field_copy(self, data: st.DataObject, sp: str) -> None:
        source = self._pick(data)
        path = self.folder / f"copy{len(self.copies)}-{sp}.sqlite3"
        with source.db.unit_of_work() as session:
            sync_fieldcopy.make_field_copy(session, source.db.engine, sp, path)
        copy = FieldLaptop(path, f"{sp}-copy{len(self.copies)}", data.draw(st.integers(-600, 600)))
        copy.sp = sp
        self.copies.append(copy)

    @rule(data=st.data(), minutes=st.sampled_from((30, 45, 60)))
    def observe(self, data: st.DataObject, minutes: int) -> None:
        """An SP in their field copy (or the coordinator) logs or corrects an observation."""
        import datetime as dt

        laptop = data.draw(st.sampled_from(self.copies + self.replicas[:1]))
        sp = getattr(laptop, "sp", None) or data.draw(st.sampled_from(SPS))
        placement = self.placements[sp]
        existing = sorted(laptop.observations(placement))
        if existing and data.draw(st.booleans()):
            laptop.edit_observation(data.draw(st.sampled_from(existing)), minutes)
        else:
            laptop.observe(placement, dt.date(2027, 2, 1) + dt.timedelta(days=len(existing)), minutes)

    @rule(data=st.data(), employee=st.sampled_from(EMPLOYEES), name=st.sampled_from(NAMES))
    def add(self, data: st.DataObject, employee: str, name: str) -> None:
        rep = self._pick(data)
        if rep.educator(derived_id("educator", employee)) is None:
            rep.add_educator(employee, first_name=name)

    @rule(data=st.data(), employee=st.sampled_from(EMPLOYEES), name=st.sampled_from(NAMES),
          room=st.sampled_from((None, "101", "202")))
    def edit(self, data: st.DataObject, employee: str, name: str, room: str | None) -> None:
        rep = self._pick(data)
        row = rep.educator(derived_id("educator", employee))
        if row is not None and not row[4]:
            rep.edit(derived_id("educator", employee), first_name=name, room=room)

    @rule(data=st.data(), employee=st.sampled_from(EMPLOYEES))
    def delete(self, data: st.DataObject, employee: str) -> None:
        rep = self._pick(data)
        row = rep.educator(derived_id("educator", employee))
        if row is not None and not row[4]:
            rep.delete(derived_id("educator", employee))

    @rule(data=st.data())
    def resolve_everything(self, data: st.DataObject) -> None:
        rep = self._pick_any(data)
        with rep.db.unit_of_work() as session:
            for c in sync_conflicts.list_conflicts(session):
                if c.kind == "edit_delete":
                    settle = data.draw(st.sampled_from((sync_conflicts.restore, sync_conflicts.confirm_delete)))
                    settle(session, c.table, c.record)
                else:
                    sync_conflicts.resolve(session, c.table, c.record, c.field, c.values[-1].value)

    @rule(data=st.data())
    def export(self, data: st.DataObject) -> None:
        rep = self._pick_any(data)
        self.exports += 1
        path = rep.export(self.shared / f"{rep.name}-{self.exports}.mdsync")
        if path is not None:
            self.bundles.append(path)

    @precondition(lambda self: self.bundles)
    @rule(data=st.data(), crash=st.booleans())
    def deliver(self, data: st.DataObject, crash: bool) -> None:
        rep = self._pick_any(data)
        bundle = data.draw(st.sampled_from(self.bundles))  # any bundle: late, again, out of order
        if crash:
            before = (rep.op_ids(), rep.rows(), rep.conflicts())
            with crashing_apply(), contextlib.suppress(OSError):
                rep.import_(bundle)
            assert (rep.op_ids(), rep.rows(), rep.conflicts()) == before
        else:
            rep.import_(bundle)

    @invariant()
    def provisional_values_follow_the_log(self) -> None:
        for rep in self.replicas + self.copies:
            for conflict in rep.conflicts():
                assert len(conflict[4]) >= 2

    def teardown(self) -> None:
        try:
            if self.replicas:
                self._exchange_everything()
                self._assert_converged()
        finally:
            for rep in self.replicas + self.copies:
                rep.close()

    def _exchange_everything(self) -> None:
        laptops = self.replicas + self.copies
        for rep in laptops:
            self.exports += 1
            self.bundles.append(rep.export(self.shared / f"{rep.name}-final-{self.exports}.mdsync", always=True))
        for rep in laptops:
            for bundle in reversed(self.bundles):
                rep.import_(bundle)

    def _assert_converged(self) -> None:
        first = self.replicas[0]
        event(f"conflicts at the end: {min(len(first.conflicts()), 2)}+")
        event(f"deleted rows at the end: {sum(r[4] for r in first.rows().values())}")
        event(f"field copies: {len(self.copies)}")
        everything = set().union(*(rep.op_ids() for rep in self.replicas + self.copies))
        for rep in self.replicas:
            assert rep.op_ids() == everything  # every copy's work reached every full laptop
            assert rep.rows() == first.rows()
            assert rep.observations() == first.observations()
            assert rep.conflicts() == first.conflicts()
        for copy in self.copies:  # a copy agrees on its own records and holds no one else's
            placement = self.placements[copy.sp]
            assert copy.observations() == first.observations(placement)
            mine = set(copy.observations())
            assert copy.conflicts() == {c for c in first.conflicts() if c[1] in mine}
        for rep in self.replicas + self.copies:
            before = rep.op_ids()
            for bundle in self.bundles:
                assert rep.import_(bundle).new == 0
            assert rep.op_ids() == before


@pytest.mark.slow
def test_replicas_converge_whatever_happens(migrated_template: Path) -> None:
    Laptops.template = migrated_template
    run = Laptops.TestCase
    run.settings = settings(max_examples=12, stateful_step_count=30, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run().runTest()


def test_the_same_ops_in_any_order_give_the_same_rows(tmp_path: Path, migrated_template: Path) -> None:
    """Field merge depends only on the set of operations (a direct check of the merge rule)."""
    import itertools

    from sqlalchemy import select

    from app.models.sync import SyncOp

    a = Replica(tmp_path, "a", 0, migrated_template)
    b = Replica(tmp_path, "b", 300, migrated_template)
    try:
        row = a.add_educator("E1", first_name="Ann")
        b.import_(a.export(tmp_path / "seed.mdsync"))
        a.edit(row, first_name="Bea")
        b.edit(row, first_name="Cal", room="9")
        with a.db.read() as s1, b.db.read() as s2:
            ops = {(o.replica, o.seq): {c.name: getattr(o, c.name) for c in SyncOp.__table__.c}
                   for s in (s1, s2) for o in s.scalars(select(SyncOp))}
        results = set()
        for order in itertools.permutations(ops.values()):
            fields = sync_merge.merge_row([sync_merge.op_from_dict(o) for o in order])
            results.add(tuple(sorted((c, repr(f.value), f.conflicted) for c, f in fields.items())))
        assert len(results) == 1
    finally:
        a.close()
        b.close()
