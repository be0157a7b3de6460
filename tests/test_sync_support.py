"""Replicas on real SQLite files exchanging real bundle files (shared by the sync tests)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.models import Educator
from app.models.sync import SyncConflict, SyncOp
from app.services.sync import bundles as sync_bundles
from app.services.sync import identity as sync_identity

GROUP_KEY = bytes(range(32))  # what `sync setup` derives from the district secret (argon2 is slow)


class Replica:
    """One laptop: its own database file, clock (skewed by `skew_s`) and shared-folder outbox."""

    def __init__(self, folder: Path, name: str, skew_s: float = 0.0, template: Path | None = None,
                 url: str | None = None):
        import shutil
        import time

        path = folder / f"{name}.sqlite3"
        if template is not None and url is None:
            shutil.copy(template, path)
        self.name, self.folder = name, folder
        self.db = Database.open(url or str(path))  # url: a server database (the district's PostgreSQL)
        self.db.sessions.kw["info"] = {**self.db.sessions.kw.get("info", {}),
                                       "sync_clock": lambda: time.time() + skew_s}
        with self.db.unit_of_work() as session:
            me, _ = sync_identity.setup(session, "", name=name, group_key=GROUP_KEY)
            self.id = me.id

    def close(self) -> None:
        self.db.dispose()

    def export(self, to: Path, for_replica: str | None = None, always: bool = False) -> Path | None:
        with self.db.unit_of_work() as session:
            return sync_bundles.export_bundle(session, to, for_replica, even_if_empty=always).path

    def import_(self, path: Path) -> sync_bundles.Imported:
        with self.db.unit_of_work() as session:
            return sync_bundles.import_bundle(session, path)

    def edit(self, row_id: uuid.UUID, **values: Any) -> None:
        with self.db.unit_of_work() as session:
            row = session.get(Educator, row_id)
            for key, value in values.items():
                setattr(row, key, value)

    def add_educator(self, employee_id: str, **values: Any) -> uuid.UUID:
        from app.models import derived_id

        row_id = derived_id("educator", employee_id)
        with self.db.unit_of_work() as session:
            session.add(Educator(id=row_id, employee_id=employee_id, first_name=values.pop("first_name", "Ann"),
                                 last_name=values.pop("last_name", "Lee"), **values))
        return row_id

    def delete(self, row_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as session:
            session.get(Educator, row_id).tombstone()

    def rows(self) -> dict[uuid.UUID, tuple]:
        """Every educator, deleted or not, as plain values a user would compare."""
        with self.db.read() as session:
            query = select(Educator).execution_options(include_deleted=True)
            return {e.id: (e.employee_id, e.first_name, e.last_name, e.room, e.deleted_at is not None)
                    for e in session.scalars(query)}

    def educator(self, row_id: uuid.UUID) -> tuple | None:
        return self.rows().get(row_id)

    def conflicts(self) -> set[tuple]:
        with self.db.read() as session:
            return {(c.table_name, c.row_id, c.column, c.kind,
                     tuple((v["op"], repr(v["value"])) for v in c.values))
                    for c in session.scalars(select(SyncConflict))}

    def observations(self, placement_id: uuid.UUID | None = None) -> dict[uuid.UUID, tuple]:
        """CAP observations (deleted or not), optionally of one placement, as plain values."""
        from app.models.cap import CapObservation

        with self.db.read() as session:
            query = select(CapObservation).execution_options(include_deleted=True)
            if placement_id is not None:
                query = query.where(CapObservation.placement_id == placement_id)
            return {o.id: (o.placement_id, o.observed_on, o.minutes, o.deleted_at is not None)
                    for o in session.scalars(query)}

    def observe(self, placement_id: uuid.UUID, day: Any, minutes: int) -> uuid.UUID:
        from app.models.cap import CapObservation

        with self.db.unit_of_work() as session:
            obs = CapObservation(placement_id=placement_id, kind="announced", observer="sp", observed_on=day,
                                 minutes=minutes)
            session.add(obs)
            session.flush()
            return obs.id

    def edit_observation(self, observation_id: uuid.UUID, minutes: int) -> None:
        from app.models.cap import CapObservation

        with self.db.unit_of_work() as session:
            session.get(CapObservation, observation_id).minutes = minutes

    def op_ids(self) -> set[tuple[str, int]]:
        with self.db.read() as session:
            return set(session.execute(select(SyncOp.replica, SyncOp.seq)).tuples())


class FieldLaptop(Replica):
    """An SP's field copy (made by `make_field_copy`): already its own replica, holding only the
    SP's candidates and what their forms need."""

    def __init__(self, path: Path, name: str, skew_s: float = 0.0):
        import time

        self.name, self.folder = name, path.parent
        self.db = Database.open(str(path))
        self.db.sessions.kw["info"] = {**self.db.sessions.kw.get("info", {}),
                                       "sync_clock": lambda: time.time() + skew_s}
        with self.db.read() as session:
            self.id = sync_identity.require_self(session).id


def cap_district(replica: Replica) -> dict[str, object]:
    """Two SPs, each with a placed candidate: SP employee id -> the placement's id."""
    import datetime as dt

    from app.models import SchoolYear, derived_id
    from app.models.cap import CapCandidate, CapOrganization, CapPlacement

    ids: dict[str, object] = {}
    with replica.db.unit_of_work() as session:
        year = SchoolYear(label="2026-2027", window_start=dt.date(2026, 7, 1), window_end=dt.date(2027, 6, 30),
                          first_day=dt.date(2026, 9, 2), last_day=dt.date(2027, 6, 18))
        org = CapOrganization(name="State University")
        session.add_all([year, org])
        for employee_id in ("SP1", "SP2"):
            sp = Educator(id=derived_id("educator", employee_id), employee_id=employee_id,
                          first_name=f"Sam{employee_id}", last_name="Practitioner")
            candidate = CapCandidate(organization=org, first_name="Casey", last_name=employee_id,
                                     program="Elementary", license_field="Elementary", license_grades="1-6",
                                     practicum_start=dt.date(2027, 1, 10), practicum_end=dt.date(2027, 5, 1))
            placement = CapPlacement(candidate=candidate, school_year=year, sp=sp, ps_name="Dr. Park",
                                     start_date=dt.date(2027, 1, 10), end_date=dt.date(2027, 5, 1), edition="2024")
            session.add_all([sp, candidate, placement])
            session.flush()
            ids[employee_id] = placement.id
    return ids


def make_replicas(tmp_path: Path, names: str, template: Path, skews: list[float] | None = None) -> list[Replica]:
    skews = skews or [0.0] * len(names)
    return [Replica(tmp_path, n, s, template) for n, s in zip(names, skews)]


def edit_educator(db: Path, employee_id: str, name: tuple[str, str], **values: object) -> None:
    """Set fields of one educator in the database file `db` (created, named `name`, when missing), as a
    person editing on that laptop would."""
    from app.models import derived_id

    database = Database.open(str(db))
    try:
        with database.unit_of_work() as session:
            row = session.get(Educator, derived_id("educator", employee_id))
            if row is None:
                row = Educator(id=derived_id("educator", employee_id), employee_id=employee_id,
                               first_name=name[0], last_name=name[1])
                session.add(row)
            for key, value in values.items():
                setattr(row, key, value)
    finally:
        database.dispose()


def two_schools_named_north(a: Replica, b: Replica) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Laptop a adds school North; laptop b adds South, renames it North (a unique-name clash once they
    meet) and adds an educator, E9 Nia. Returns (north, south, the educator's id)."""
    from app.models import School, derived_id

    north, south = derived_id("school", "North"), derived_id("school", "South")
    with a.db.unit_of_work() as session:
        session.add(School(id=north, name="North"))
    with b.db.unit_of_work() as session:
        session.add(School(id=south, name="South"))
    with b.db.unit_of_work() as session:
        session.get(School, south).name = "North"
    return north, south, b.add_educator("E9", first_name="Nia")
