"""Sync page: identity and partners, Sync now through a shared folder, and the conflict inbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import Educator, derived_id
from tests.test_sync_support import Replica


@pytest.fixture
def laptops(tmp_path: Path, migrated_template: Path):
    mine = Replica(tmp_path, "Coordinator", 0, migrated_template)
    theirs = Replica(tmp_path, "SP Rivera", 90, migrated_template)
    yield mine, theirs
    mine.close()
    theirs.close()


@pytest.fixture
def page(qtbot, laptops):
    from app.ui.application import build_window, make_qapp

    make_qapp()
    win, _empty = build_window(laptops[0].db, synchronous=True)
    qtbot.addWidget(win)
    win.show()
    return win.show_area("sync")


def test_sync_now_brings_the_partner_in_and_take_theirs_clears_the_conflict(page, laptops, tmp_path):
    mine, theirs = laptops
    shared = tmp_path / "shared"
    row = mine.add_educator("E1", room="101")
    theirs.import_(mine.export(shared))
    mine.edit(row, room="202")
    theirs.edit(row, room="303")
    theirs.export(shared)
    assert "this laptop: Coordinator" in page.identity.text()
    page.folder.setText(str(shared))
    page.sync_button.click()
    assert "1 change received" in page.message.text()
    page.refresh()
    assert page.partners.rowCount() == 1 and page.partners.item(0, 0).text() == "SP Rivera"
    assert page.inbox.rowCount() == 1 and page.inbox.item(0, 1).text() == "room"
    assert page.inbox.item(0, 0).text() == "educator Ann Lee (E1)"  # the record as a person knows it
    assert {"'202'", "'303'"} <= set(" ".join(page.inbox.item(0, c).text() for c in (2, 3)).replace("(", " ").split())
    assert page.history.rowCount() == 0
    page.take_button.click()
    assert page.inbox.rowCount() == 0
    assert mine.educator(row)[3] == "303"
    assert page.history.rowCount() == 1  # the settled conflict leaves history
    record, field, kept, competing = (page.history.item(0, c).text() for c in range(4))
    assert field == "room" and kept.startswith("'303' (Coordinator,")  # taken from SP Rivera, decided here
    assert "'202' (Coordinator," in competing and "'303' (SP Rivera," in competing
    page.sync_button.click()  # the resolution travels
    with theirs.db.unit_of_work() as session:
        from app.services.sync.bundles import bundle_files, import_bundle

        for path in bundle_files(shared):
            import_bundle(session, path)
    assert theirs.conflicts() == set() and theirs.educator(row)[3] == "303"


def test_restore_an_edited_record_that_was_deleted(page, laptops, tmp_path):
    mine, theirs = laptops
    row = mine.add_educator("E2")
    theirs.import_(mine.export(tmp_path / "seed.mdsync"))
    mine.delete(row)
    theirs.edit(row, room="7")
    mine.import_(theirs.export(tmp_path / "edit.mdsync"))
    page.refresh()
    assert page.inbox.item(0, 1).text() == "edited or restored while deleted"
    page.restore_button.click()
    assert page.inbox.rowCount() == 0
    assert mine.educator(row) == ("E2", "Ann", "Lee", "7", False)


def test_set_up_with_the_district_passphrase(qtbot, database):
    from app.ui.application import build_window, make_qapp

    make_qapp()
    with database.unit_of_work() as session:
        session.add(Educator(id=derived_id("educator", "E3"), employee_id="E3", first_name="Al", last_name="Bo"))
    win, _empty = build_window(database, synchronous=True)
    qtbot.addWidget(win)
    win.show()
    page = win.show_area("sync")
    assert "not set up" in page.identity.text() and page.setup_button.isVisible()
    assert not page.sync_button.isEnabled()
    page.run_setup("district passphrase 2026")
    assert page.message.text() == "Sync is set up."
    assert "this laptop:" in page.identity.text() and "0 made here" not in page.identity.text()  # back-filled
    assert not page.setup_button.isVisible()


def test_a_duplicate_name_is_explained_and_offers_no_button_that_cannot_help(page, laptops, tmp_path):
    from app.models import School

    mine, theirs = laptops
    with mine.db.unit_of_work() as session:
        session.add(School(id=derived_id("school", "North"), name="North"))
    with theirs.db.unit_of_work() as session:
        session.add(School(id=derived_id("school", "South"), name="North"))
    mine.import_(theirs.export(tmp_path / "theirs.mdsync"))
    page.refresh()
    assert page.inbox.rowCount() == 1
    assert page.inbox.item(0, 1).text() == "name (another record has the same)"
    assert "'North'" in page.inbox.item(0, 2).text() and "'North'" in page.inbox.item(0, 3).text()
    assert not any(b.isEnabled() for b in (page.keep_button, page.take_button, page.edit_button,
                                           page.restore_button, page.keep_deleted_button))
    assert "Rename one of them" in page.hint.text()
