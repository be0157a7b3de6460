"""Sync: this laptop's identity and partners, "Sync now" with a shared folder, bundles by hand
(USB, email), the conflict inbox (Keep mine / Take theirs / Edit, Restore / Keep deleted), and the
group's devices (issue 18): start a group, invite a device (its code shown large), join with an
invitation and its code, and revoke, through the same functions as `mentordesk sync setup|invite|
join|devices|revoke` (app/services/sync/devices.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_moment
from app.ui.errors import said
from app.ui.pages.base import Page
from app.ui.saving import offer_open_folder, save_path

FOLDER_KEY = "sync/shared_folder"


def _load(session) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services.sync.conflicts import list_conflicts, settled_conflicts
    from app.services.sync.devices import group, list_devices
    from app.services.sync.identity import self_replica
    from app.services.sync.status import status

    me = self_replica(session)
    g = group(session)
    return {"status": status(session), "conflicts": list_conflicts(session), "me": me.name if me else "",
            "settled": settled_conflicts(session, limit=100), "group": g.name if g else None,
            "devices": list_devices(session) if g else []}


def _button(text: str, name: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(slot)
    return button


def _role_label(role: str) -> str:
    from app.services.sync.devices import ROLE_LABELS

    return ROLE_LABELS.get(role, role).capitalize()


def _shown(conflict: Any, v: Any) -> str:
    return f"{conflict.describe(v)} ({v.by}, {v.at[:16].replace('T', ' ')})"


class SyncPage(Page):
    title = "Sync"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.conflicts: list[Any] = []
        self.me = ""
        self.device_lines: list[Any] = []  # devices.DeviceLine, as `mentordesk sync devices` lists them
        self.coordinator = False  # this laptop may invite and revoke
        self.code_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        self.identity = QLabel()
        self.identity.setWordWrap(True)
        self.identity.setAccessibleName(self.tr("This laptop"))
        layout.addWidget(self.identity)
        layout.addLayout(self._folder_row())
        layout.addLayout(self._devices_area())
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("<b>Conflicts</b> (two laptops changed the same thing: you decide)")))
        self.inbox = self._table([self.tr("Record"), self.tr("Field"), self.tr("Shown now"), self.tr("Other values")],
                                 self.tr("Conflict inbox"))
        layout.addWidget(self.inbox, 1)
        layout.addLayout(self._resolve_row())
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.inbox.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(QLabel(self.tr("<b>Resolved</b> (the last 100 conflicts settled, here or on another laptop)")))
        self.history = self._table([self.tr("Record"), self.tr("Field"), self.tr("Kept (decided by)"),
                                    self.tr("Competing values")], self.tr("Resolved conflicts"))
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.history, 1)

    def _table(self, header: list[str], name: str) -> QTableWidget:
        table = QTableWidget(0, len(header))
        table.setAccessibleName(name)
        table.setHorizontalHeaderLabels(header)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _folder_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.folder = QLineEdit(str(self.ctx.settings.value(FOLDER_KEY, "") or ""))
        self.folder.setPlaceholderText(self.tr("Shared folder (OneDrive, network drive, USB stick)"))
        self.folder.setAccessibleName(self.tr("Shared folder"))
        row.addWidget(self.folder, 1)
        row.addWidget(_button(self.tr("Browse…"), self.tr("Choose the shared folder"), self._browse))
        self.sync_button = _button(self.tr("Sync now"), self.tr("Sync now with the shared folder"), self.sync_now)
        row.addWidget(self.sync_button)
        row.addWidget(_button(self.tr("Export bundle…"), self.tr("Export a bundle file"), self._export_by_hand))
        row.addWidget(_button(self.tr("Import bundle…"), self.tr("Import a bundle file"), self._import_by_hand))
        return row

    def _devices_area(self) -> QHBoxLayout:
        """The partners (whose bundles came here) beside the group's devices and what may be done with them."""
        row = QHBoxLayout()
        self.partners = self._table([self.tr("Partner"), self.tr("Last bundle"), self.tr("Has of ours")],
                                    self.tr("Partners"))
        self.partners.setMaximumHeight(150)
        row.addWidget(self.partners, 2)
        devices = QVBoxLayout()
        self.devices = self._table([self.tr("Device"), self.tr("Role"), self.tr("Enrolled"), self.tr("Revoked")],
                                   self.tr("Devices in the sync group"))
        self.devices.setMaximumHeight(116)
        self.devices.itemSelectionChanged.connect(self._update_device_buttons)
        devices.addWidget(self.devices)
        buttons = QHBoxLayout()
        self.setup_button = _button(self.tr("Start a sync group…"),
                                    self.tr("Start the district's sync group on this laptop"), self.set_up)
        self.join_button = _button(self.tr("Join with an invitation…"),
                                   self.tr("Join a sync group with an invitation file and its code"), self.join)
        self.invite_button = _button(self.tr("Invite a device…"), self.tr("Invite a laptop into the sync group"),
                                     self.invite)
        self.revoke_button = _button(self.tr("Revoke…"), self.tr("Revoke the selected device"), self.revoke)
        for button in (self.setup_button, self.join_button, self.invite_button, self.revoke_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        devices.addLayout(buttons)
        row.addLayout(devices, 3)
        return row

    def _resolve_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.keep_button = _button(self.tr("Keep mine"), self.tr("Keep this laptop's value"), self.keep_mine)
        self.take_button = _button(self.tr("Take theirs"), self.tr("Take the other laptop's value"), self.take_theirs)
        self.edit_button = _button(self.tr("Edit…"), self.tr("Type the right value"), self.edit_value)
        self.restore_button = _button(self.tr("Restore"), self.tr("Restore the deleted record"), self.restore)
        self.keep_deleted_button = _button(self.tr("Keep deleted"), self.tr("Keep the record deleted"),
                                           self.keep_deleted)
        for button in (self.keep_button, self.take_button, self.edit_button, self.restore_button,
                       self.keep_deleted_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.ctx.tasks.run(_load, on_success=self._loaded, write=False)

    def _loaded(self, data: dict[str, Any]) -> None:
        status = data["status"]
        self.me = data["me"]
        self.identity.setText("<br>".join(status.lines()[:2]) if status.set_up else self.tr(
            "Sync is not set up on this laptop: start the district's sync group here (the first laptop, a "
            "coordinator's), or join the group with an invitation from a coordinator."))
        if status.location_problem:
            self.message.setText(status.location_problem)
        self.setup_button.setVisible(not status.set_up)
        self.join_button.setVisible(not status.set_up)
        self.sync_button.setEnabled(status.set_up)
        self._show_devices(data["group"], data["devices"])
        self.partners.setRowCount(len(status.partners))
        for r, p in enumerate(status.partners):
            when = us_moment(p.last_exchange_at) if p.last_exchange_at else ""
            for c, value in enumerate((p.name, when, str(p.has_of_ours))):
                self.partners.setItem(r, c, QTableWidgetItem(value))
        self.conflicts = data["conflicts"]
        self.inbox.setRowCount(len(self.conflicts))
        for r, conflict in enumerate(self.conflicts):
            for c, value in enumerate(self._conflict_cells(conflict)):
                self.inbox.setItem(r, c, QTableWidgetItem(value))
        if self.conflicts:
            self.inbox.selectRow(0)
        self._update_buttons()
        self.history.setRowCount(len(data["settled"]))
        for r, settled in enumerate(data["settled"]):
            for c, value in enumerate(self._settled_cells(settled)):
                self.history.setItem(r, c, QTableWidgetItem(value))

    def _conflict_cells(self, conflict: Any) -> tuple[str, str, str, str]:
        first, *others = conflict.values
        return (*self._where(conflict), _shown(conflict, first), "; ".join(_shown(conflict, v) for v in others))

    def _settled_cells(self, settled: Any) -> tuple[str, str, str, str]:
        conflict = settled.conflict
        competing = "; ".join(_shown(conflict, v) for v in conflict.values)
        return (*self._where(conflict), _shown(conflict, settled.kept), competing)

    def _where(self, conflict: Any) -> tuple[str, str]:
        field = {"edit_delete": self.tr("edited or restored while deleted"),
                 "duplicate": self.tr("%1 (another record has the same)").replace("%1", conflict.field)
                 }.get(conflict.kind, conflict.field)
        return conflict.label or f"{conflict.table} {conflict.record[:8]}", field

    def _update_buttons(self) -> None:
        """Only the decisions that fit the selected conflict; a duplicate is settled by renaming."""
        kind = getattr(self.selected(), "kind", None)
        for button in (self.keep_button, self.take_button, self.edit_button):
            button.setEnabled(kind == "field")
        for button in (self.restore_button, self.keep_deleted_button):
            button.setEnabled(kind == "edit_delete")
        self.hint.setText(self.tr(
            "A record from another laptop has the same %1 as a record here, so it waits. Rename one of "
            "them where it is edited; the waiting record comes in at the next Sync now."
        ).replace("%1", self.selected().field) if kind == "duplicate" else "")

    # --- actions ------------------------------------------------------------------------------

    def run_setup(self, secret: str) -> None:
        """An old-style group that shares a district secret (`sync setup --secret-file`): kept for
        laptops of a group that has not moved to enrolled devices yet (docs/security.md)."""
        from app.services.sync.identity import setup

        self.ctx.tasks.run(lambda s: setup(s, secret)[1],
                           on_success=lambda n: self.message.setText(self.tr("Sync is set up.")))

    def _failed(self, exc: BaseException, details: str) -> None:
        self.message.setText(said(exc, details))

    # --- devices: the same functions as `mentordesk sync setup|invite|join|devices|revoke` --------------

    def _show_devices(self, group_name: str | None, found: list[Any]) -> None:
        self.device_lines = found
        mine = next((d for d in found if d.this_device), None)
        self.coordinator = bool(mine and mine.role == "coordinator" and not mine.revoked)
        self.devices.setRowCount(len(found))
        for r, d in enumerate(found):
            name = d.name + (self.tr(" (this laptop)") if d.this_device else "")
            for c, value in enumerate((name, _role_label(d.role), d.enrolled, d.revoked or "")):
                self.devices.setItem(r, c, QTableWidgetItem(value))
        self.devices.setToolTip(self.tr("Sync group: %1").replace("%1", group_name) if group_name else "")
        self.invite_button.setVisible(self.coordinator)
        self.revoke_button.setVisible(self.coordinator)
        self._update_device_buttons()

    def selected_device(self) -> Any:
        row = self.devices.currentRow()
        lines = self.device_lines
        return lines[row] if 0 <= row < len(lines) and self.devices.selectedItems() else None

    def _update_device_buttons(self) -> None:
        d = self.selected_device()
        self.revoke_button.setEnabled(self.coordinator and d is not None and not d.this_device and not d.revoked)

    def set_up(self) -> None:
        from app.services.sync.identity import default_name

        name, ok = QInputDialog.getText(self, self.tr("Start a sync group"), self.tr(
            "This laptop's name, as the other devices will see it (it becomes the group's first coordinator):"),
            text=default_name())
        if ok and name.strip():
            self.run_group_setup(name.strip())

    def run_group_setup(self, name: str) -> None:
        from app.services.sync.devices import setup_group

        self.ctx.tasks.run(lambda s: setup_group(s, name)[1], on_error=self._failed, on_success=lambda n: self.message.setText(
            self.tr("Sync group started: this laptop is its coordinator. Invite the other laptops with "
                    "\u201cInvite a device\u201d.")))

    def invite(self) -> None:
        from app.services.sync.devices import INVITE_ROLES

        name, ok = QInputDialog.getText(self, self.tr("Invite a device"), self.tr("The new laptop's name:"))
        if not ok or not name.strip():
            return
        labels = [_role_label(r) for r in INVITE_ROLES]
        label, ok = QInputDialog.getItem(self, self.tr("Invite a device"), self.tr("What it may do:"), labels, 1, False)
        if not ok:
            return
        role = INVITE_ROLES[labels.index(label)]
        safe = "".join(ch if ch.isalnum() else "-" for ch in name.strip()).strip("-") or "device"
        path = save_path(self, self.tr("Save the invitation"), f"invitation-{safe}.json",
                         self.tr("MentorDesk invitations (*.json)"))
        if path:
            self.run_invite(name.strip(), role, path)

    def run_invite(self, name: str, role: str, path: str) -> None:
        from app.services.sync.devices import invite

        self.ctx.tasks.run(lambda s: invite(s, name, role, path), on_error=self._failed,
                           on_success=lambda code: self._show_code(name, path, code))

    def _show_code(self, name: str, path: str, code: str) -> None:
        from app.services.sync.devices import INVITE_DAYS

        self.message.setText(self.tr("Wrote %2, the invitation for %1 (valid %3 days): hand it over with the code.")
                             .replace("%1", name).replace("%2", Path(path).name).replace("%3", str(INVITE_DAYS)))
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Invitation code"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.tr("Read this code out to the person enrolling %1. Do not send it with the file.")
                    .replace("%1", name.replace("&", "&amp;").replace("<", "&lt;")))
        box.setInformativeText(f'<p style="font-size:40pt; font-weight:bold; font-family:monospace; '
                               f'letter-spacing:4px">{code}</p>')
        box.setAccessibleName(self.tr("Invitation code"))
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.show()
        self.code_box = box  # no modal wait: the person may keep it open while the other laptop joins

    def join(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The invitation file"), "",
                                              self.tr("MentorDesk invitations (*.json);;All files (*)"))
        if not path:
            return
        code, ok = QInputDialog.getText(self, self.tr("Join the sync group"),
                                        self.tr("The code the coordinator reads out (XXXX-XXXX):"))
        if not ok or not code.strip():
            return
        name, ok = QInputDialog.getText(self, self.tr("Join the sync group"),
                                        self.tr("This laptop's name, as written in the invitation:"))
        if ok and name.strip():
            self.run_join(path, code.strip(), name.strip())

    def run_join(self, path: str, code: str, name: str) -> None:
        from app.services.sync.devices import join

        self.ctx.tasks.run(lambda s: join(s, path, code, name)[1].role, on_error=self._failed,
                           on_success=lambda role: self.message.setText(self.tr(
                               "Joined the sync group as %1. Sync now with the shared folder: the coordinator's "
                               "laptop accepts this one at its next sync.").replace("%1", _role_label(role))))

    def revoke(self) -> None:
        d = self.selected_device()
        if d is None or d.this_device or d.revoked:
            return
        answer = QMessageBox.question(self, self.tr("Revoke a device"), self.tr(
            "Revoke %1? Its bundles are refused from now on and new bundles are not sealed to it. "
            "This cannot be undone (it would have to be invited again).").replace("%1", d.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.run_revoke(d.id)

    def run_revoke(self, device_id: str) -> None:
        from app.services.sync.devices import revoke

        self.ctx.tasks.run(lambda s: revoke(s, device_id).name, on_error=self._failed,
                           on_success=lambda name: self.message.setText(self.tr(
                               "Revoked %1. Sync now so the other laptops learn of it.").replace("%1", name)))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Shared folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def sync_now(self) -> None:
        """Retry what was held back, import every bundle in the shared folder (each its own
        transaction), then export."""
        from app.services.sync.bundles import bundle_files, export_bundle, retry_held

        folder = Path(self.folder.text().strip())
        if not self.folder.text().strip():
            self.message.setText(self.tr("Choose the shared folder first."))
            return
        folder.mkdir(parents=True, exist_ok=True)
        self.ctx.settings.setValue(FOLDER_KEY, str(folder))
        self.applied = 0
        self.audit_problems: list[str] = []
        found = bundle_files(folder)
        self.ctx.tasks.run(lambda s: retry_held(s, found), on_success=lambda done: self._received(sum(d.new for d in done)))
        for path in found:
            self._import(path)
        self.ctx.tasks.run(lambda s: export_bundle(s, folder), on_success=self._synced)

    def _received(self, changes: int) -> None:
        self.applied += changes

    def _import(self, path: Path) -> None:
        from app.services.sync.bundles import import_bundle

        def done(result: Any) -> None:
            self._received(result.new)
            if result.status in ("parked", "refused", "waiting"):
                self.message.setText(f"{path.name}: {result.status}: {result.note}")
            if result.audit:  # a device's audit trail refused (its changes still applied)
                self.audit_problems = [*getattr(self, "audit_problems", []), result.audit]
                self.message.setText(f"{path.name}: {result.audit[:1].upper()}{result.audit[1:]}.")

        self.ctx.tasks.run(lambda s: import_bundle(s, path), on_success=done)

    def _synced(self, exported: Any) -> None:
        sent = exported.ops if exported.path else 0
        text = f"Synced: {_changes(self.applied)} received, {sent} sent."
        for problem in getattr(self, "audit_problems", []):  # named, never lost under the summary
            text += f" {problem[:1].upper()}{problem[1:]}."
        self.message.setText(text)

    def _export_by_hand(self) -> None:
        from app.services.sync.bundles import export_bundle

        path = save_path(self, self.tr("Export bundle"), "changes.mdsync", self.tr("Sync bundles (*.mdsync)"))
        if path:
            self.ctx.tasks.run(lambda s: export_bundle(s, path, even_if_empty=True),
                               on_success=lambda e: (self.message.setText(f"Wrote {e.path} ({_changes(e.ops)})."),
                                                     offer_open_folder(self, e.path)))

    def _import_by_hand(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import bundle"), "", self.tr("Sync bundles (*.mdsync)"))
        if path:
            self.applied = 0
            self._import(Path(path))
            self.ctx.tasks.run(lambda s: None, on_success=lambda _r: self.message.setText(
                f"{_changes(self.applied)} received."), write=False)

    # --- the inbox ----------------------------------------------------------------------------

    def selected(self) -> Any:
        row = self.inbox.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _resolve(self, value: Any) -> None:
        from app.services.sync.conflicts import resolve

        c = self.selected()
        if c is not None and c.kind == "field":
            self.ctx.tasks.run(lambda s: resolve(s, c.table, c.record, c.field, value))

    def keep_mine(self) -> None:
        c = self.selected()
        if c is not None:
            mine = next((v for v in c.values if v.by == self.me), c.values[0])
            self._resolve(mine.value)

    def take_theirs(self) -> None:
        c = self.selected()
        if c is not None:
            theirs = next((v for v in c.values if v.by != self.me), c.values[0])
            self._resolve(theirs.value)

    def edit_value(self) -> None:
        c = self.selected()
        if c is None or c.kind != "field":
            return
        text, ok = QInputDialog.getText(self, self.tr("Edit"), c.field, text=str(c.values[0].value or ""))
        if ok:
            self._resolve(text)

    def restore(self) -> None:
        from app.services.sync.conflicts import restore

        c = self.selected()
        if c is not None and c.kind == "edit_delete":
            self.ctx.tasks.run(lambda s: restore(s, c.table, c.record))

    def keep_deleted(self) -> None:
        from app.services.sync.conflicts import confirm_delete

        c = self.selected()
        if c is None or c.kind != "edit_delete":
            return
        answer = QMessageBox.question(self, self.tr("Keep deleted"), self.tr("Keep this record deleted?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.tasks.run(lambda s: confirm_delete(s, c.table, c.record))


def _changes(count: int) -> str:
    """A count of changes as people write it: 1 change, 3 changes."""
    return f"{count} change" if count == 1 else f"{count} changes"
