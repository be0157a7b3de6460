"""Sync: this laptop's identity and partners, "Sync now" with a shared folder, bundles by hand
(USB, email), and the conflict inbox (Keep mine / Take theirs / Edit, Restore / Keep deleted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from app.ui.pages.base import Page
from app.ui.saving import offer_open_folder, save_path

FOLDER_KEY = "sync/shared_folder"


def _load(session) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services.sync.conflicts import list_conflicts, settled_conflicts
    from app.services.sync.identity import self_replica
    from app.services.sync.status import status

    me = self_replica(session)
    return {"status": status(session), "conflicts": list_conflicts(session), "me": me.name if me else "",
            "settled": settled_conflicts(session, limit=100)}


def _button(text: str, name: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(slot)
    return button


def _shown(conflict: Any, v: Any) -> str:
    return f"{conflict.describe(v)} ({v.by}, {v.at[:16].replace('T', ' ')})"


class SyncPage(Page):
    title = "Sync"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.conflicts: list[Any] = []
        self.me = ""
        layout = QVBoxLayout(self)
        self.identity = QLabel()
        self.identity.setWordWrap(True)
        self.identity.setAccessibleName(self.tr("This laptop"))
        layout.addWidget(self.identity)
        self.setup_button = _button(self.tr("Set up sync…"), self.tr("Set up sync with the district passphrase"),
                                    self.set_up)
        layout.addWidget(self.setup_button)
        layout.addLayout(self._folder_row())
        self.partners = self._table([self.tr("Partner"), self.tr("Last bundle"), self.tr("Has of ours")],
                                    self.tr("Partners"))
        self.partners.setMaximumHeight(140)
        layout.addWidget(self.partners)
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
        self.identity.setText("<br>".join(status.lines()[:2]) if status.set_up else status.lines()[0])
        if status.location_problem:
            self.message.setText(status.location_problem)
        self.setup_button.setVisible(not status.set_up)
        self.sync_button.setEnabled(status.set_up)
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

    def set_up(self) -> None:
        secret, ok = QInputDialog.getText(self, self.tr("Set up sync"), self.tr("District passphrase:"),
                                          QLineEdit.EchoMode.Password)
        if ok and secret:
            self.run_setup(secret)

    def run_setup(self, secret: str) -> None:
        from app.services.sync.identity import setup

        self.ctx.tasks.run(lambda s: setup(s, secret)[1],
                           on_success=lambda n: self.message.setText(self.tr("Sync is set up.")))

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

        self.ctx.tasks.run(lambda s: import_bundle(s, path), on_success=done)

    def _synced(self, exported: Any) -> None:
        sent = exported.ops if exported.path else 0
        self.message.setText(self.tr("Synced: %1 changes received, %2 sent.")
                             .replace("%1", str(self.applied)).replace("%2", str(sent)))

    def _export_by_hand(self) -> None:
        from app.services.sync.bundles import export_bundle

        path = save_path(self, self.tr("Export bundle"), "changes.mdsync", self.tr("Sync bundles (*.mdsync)"))
        if path:
            self.ctx.tasks.run(lambda s: export_bundle(s, path, even_if_empty=True),
                               on_success=lambda e: (self.message.setText(f"Wrote {e.path} ({e.ops} changes)."),
                                                     offer_open_folder(self, e.path)))

    def _import_by_hand(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import bundle"), "", self.tr("Sync bundles (*.mdsync)"))
        if path:
            self.applied = 0
            self._import(Path(path))
            self.ctx.tasks.run(lambda s: None, on_success=lambda _r: self.message.setText(
                self.tr("%1 changes received.").replace("%1", str(self.applied))), write=False)

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
