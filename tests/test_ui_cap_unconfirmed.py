"""Issue 22, point 2: "An edition's unconfirmed points (`Edition.unconfirmed`) are shown on the CAP page ...
so nobody reads 'Ready to teach' without knowing the threshold's source." The 2024 edition's file lists its
unconfirmed points (resources/cap/cap_2024.json: the readiness thresholds, the split of the observation
minimums); the 2019 edition's lists none. Checked as a coordinator sees the page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtWidgets import QApplication

from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from tests.cap_fixtures import YEAR, make_candidate, make_world, rate_all

P, NI = "Proficient", "Needs Improvement"


@pytest.fixture
def world(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        _school, sp, _other, org = make_world(s)
        _c, new = make_candidate(s, org, sp)  # 2025-26: the 2024 edition, in force
        _c, old = make_candidate(s, org, sp, first="Ben", last="Hart", number="C-002", edition="2019",
                                 edition_reason="last year's cohort finishing under the 2019 guidelines")
        for placement in (new, old):  # both ready: summative complete, every element met
            rate_all(s, placement.id, "summative", (P, NI, NI))
            cap.record_meeting(s, placement.id, 5, dt.date(2026, 5, 8))
        return {"new": new.id, "old": old.id}


def _page(qtbot, database):  # type: ignore[no-untyped-def]
    from app.ui.application import build_window, make_qapp

    make_qapp()
    win, _empty = build_window(database, synchronous=True)
    win.ctx.settings.setValue("cap/sp", "")
    win.ctx.set_year(YEAR)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.isVisible())
    page = win.show_area("cap")
    qtbot.waitUntil(lambda: len(page.rows) == 2)
    return win, page


def _open(qtbot, page, name: str):  # type: ignore[no-untyped-def]
    row = [r.candidate for r in page.rows].index(name)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.view.summary is not None and page.view.summary.candidate == name)
    return page.view


def test_the_2024_points_are_on_screen_beside_ready_and_the_2019_edition_has_none(qtbot, database, world):
    points = cap_rubrics.get("2024").unconfirmed
    assert points and not cap_rubrics.get("2019").unconfirmed  # the seed's own files (second reading)
    win, page = _page(qtbot, database)
    view = _open(qtbot, page, "Ana Silva")
    assert view.summary.edition == "2024" and view.summary.ready is True
    assert view.unconfirmed.isVisible()
    text = view.unconfirmed.text()
    assert "Not confirmed by the state for the CAP 2024 edition" in text
    for point in points:  # every point of the file, word for word (escaped for the label's HTML)
        assert point.replace("'", "&#x27;") in text or point in text
    assert "ready to teach (threshold not confirmed: see above)" in view.owed.text()
    # the list: the verdict marked, the note under it, the points in the step's tooltip
    ana = [r.candidate for r in page.rows].index("Ana Silva")
    ben = [r.candidate for r in page.rows].index("Ben Hart")
    assert page.table.item(ana, 1).text().endswith("\u2713 ready*")
    assert points[0] in page.table.item(ana, 1).toolTip()
    assert page.table.item(ben, 1).text().endswith("\u2713 ready")  # 2019: nothing unconfirmed
    assert page.table.item(ben, 1).toolTip() == ""
    assert page.unconfirmed_note.isVisible() and page.unconfirmed_note.text().startswith("* CAP 2024:")
    view = _open(qtbot, page, "Ben Hart")
    assert view.summary.edition == "2019" and not view.unconfirmed.isVisible()
    assert "ready to teach" in view.owed.text() and "not confirmed" not in view.owed.text()
    win.resize(1366, 768)
    _open(qtbot, page, "Ana Silva")
    QApplication.processEvents()
    page.grab().save(str(_shot_path()))


def _shot_path():  # type: ignore[no-untyped-def]
    import os
    from pathlib import Path

    return Path(os.environ.get("MENTORDESK_SHOTS", "/tmp")) / "cap_unconfirmed.png"


def test_an_edition_file_with_no_unconfirmed_points_shows_no_note(qtbot, database, world, tmp_path, monkeypatch):
    folder = tmp_path / "cap"
    folder.mkdir()
    for path in cap_rubrics.editions_dir().glob("*.json"):
        data = json.loads(path.read_text())
        if data.get("edition") == "2024":
            data["unconfirmed"] = []  # the state confirmed them (a later edition of the file)
        (folder / path.name).write_text(json.dumps(data))
    monkeypatch.setattr(cap_rubrics, "editions_dir", lambda: folder)
    cap_rubrics.editions.cache_clear() if hasattr(cap_rubrics.editions, "cache_clear") else None
    _win, page = _page(qtbot, database)
    view = _open(qtbot, page, "Ana Silva")
    assert not view.unconfirmed.isVisible() and not page.unconfirmed_note.isVisible()
    assert all(not page.table.item(r, 1).text().endswith("*") for r in range(page.table.rowCount()))
