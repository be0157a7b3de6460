"""What `sync status` and the Sync page show: this laptop, its partners, and what is waiting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.sync import SyncBundle, SyncConflict, SyncOp, SyncPending, SyncReplica
from app.services.sync.bundles import parked_count
from app.services.sync.identity import self_replica, synced_folder_problem


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    last_exchange_at: dt.datetime | None
    has_of_ours: int  # how many of this laptop's changes the partner had, per its last bundle


@dataclass(frozen=True)
class Status:
    set_up: bool
    id: str = ""
    name: str = ""
    own_ops: int = 0
    all_ops: int = 0
    partners: tuple[Partner, ...] = ()
    conflicts: int = 0
    parked: int = 0
    refused: int = 0
    waiting: int = 0  # bundles with changes of records not here yet
    pending: int = 0
    location_problem: str | None = None  # the database sits in a cloud-synced folder

    def lines(self) -> list[str]:
        warning = [f"warning: {self.location_problem}"] if self.location_problem else []
        if not self.set_up:
            return ["sync is not set up: run `mentordesk sync setup --secret-file FILE`", *warning]
        out = [f"this laptop: {self.name} (replica {self.id})",
               f"changes: {self.own_ops} made here, {self.all_ops} in all"]
        for p in self.partners:
            when = p.last_exchange_at.isoformat(timespec="minutes") if p.last_exchange_at else "never"
            out.append(f"partner: {p.name} ({p.id}) last bundle {when}, has {p.has_of_ours} of ours")
        if not self.partners:
            out.append("partners: none yet (import a bundle from another laptop)")
        out += warning
        out.append(f"conflicts: {self.conflicts}" + (" (run `mentordesk conflicts`)" if self.conflicts else ""))
        if self.parked:
            out.append(f"parked bundles: {self.parked} from a newer MentorDesk; update this app to apply them")
        if self.refused:
            out.append(f"refused bundles: {self.refused} changed records their sender may not change (kept, not applied)")
        if self.waiting:
            out.append(f"waiting bundles: {self.waiting} hold changes of records that have not arrived yet "
                       "(the rest of them is applied; they finish when those records come)")
        if self.pending:
            out.append(f"waiting records: {self.pending} (their parent records have not arrived yet, or another "
                       "record has the same name: see the conflicts)")
        return out


def status(session: Session) -> Status:
    me = self_replica(session)
    bind = session.get_bind()
    problem = synced_folder_problem(bind.url.database) if bind.dialect.name == "sqlite" else None
    if me is None:
        return Status(False, location_problem=problem)
    count = lambda q: session.scalar(q) or 0  # noqa: E731
    partners = tuple(
        Partner(p.id, p.name, p.last_exchange_at, (p.knows or {}).get(me.id, 0))
        for p in session.scalars(select(SyncReplica).where(SyncReplica.is_self.is_(False)).order_by(SyncReplica.name))
    )
    return Status(
        True, me.id, me.name,
        own_ops=count(select(func.count()).select_from(SyncOp).where(SyncOp.replica == me.id)),
        all_ops=count(select(func.count()).select_from(SyncOp)),
        partners=partners,
        conflicts=count(select(func.count()).select_from(SyncConflict)),
        parked=parked_count(session),
        refused=count(select(func.count()).select_from(SyncBundle).where(SyncBundle.status == "refused")),
        waiting=count(select(func.count()).select_from(SyncBundle).where(SyncBundle.status == "waiting")),
        pending=count(select(func.count()).select_from(SyncPending)),
        location_problem=problem,
    )
