"""The first hour in the real window (issue 17): a crawl clicks every button of every page and tab on the
demo district, as a person would, and fails on any error, any exception and any page or dialog that
does not fit a 1366x768 laptop screen. tests/crawl_support.py says how it clicks and what it records."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication

from tests.crawl_support import (
    SCREEN_H,
    SCREEN_W,
    Crawl,
    patch_dialogs,
    patch_errors,
    safety_timer,
    trigger_menus,
    visit_tabs,
)
from tests.ui_support import open_window

YEAR = "2025-2026"


@pytest.fixture
def demo_window(qtbot, database):
    from app.services.demo.district import build_demo

    with database.unit_of_work() as s:
        build_demo(s, size="small", seed=1, year_label=YEAR)
    window = open_window(qtbot, database, YEAR)
    window.resize(1280, 690)  # what a 1366x768 screen leaves for the window with its frame
    return window


def crawl_all(qtbot, window, monkeypatch, crawl):
    from app.ui.main_window import AREAS

    patch_dialogs(monkeypatch, crawl)
    timer = safety_timer(crawl)
    done: set[int] = set()
    try:
        for area in AREAS:
            page = window.show_area(area.key)
            QApplication.processEvents()
            patch_errors(monkeypatch, crawl)  # again: a page's module is imported on its first visit
            crawl.where = area.title
            visit_tabs(qtbot, window, page, crawl, done)
        trigger_menus(window, crawl)
    finally:
        timer.stop()


@pytest.mark.slow
def test_every_button_on_every_page_and_tab_works_and_fits_a_laptop_screen(qtbot, demo_window, monkeypatch):
    crawl = Crawl(qtbot=qtbot)
    window = demo_window
    started = time.monotonic()
    crawl_all(qtbot, window, monkeypatch, crawl)
    elapsed = time.monotonic() - started
    assert not crawl.errors, "\n\n".join(crawl.errors)
    assert not crawl.too_big, "\n".join(crawl.too_big)
    assert len(crawl.clicked) > 60, crawl.clicked  # it really went everywhere
    opened = {title for _where, title, _w, _h in crawl.dialogs}
    assert len(opened) > 10, opened
    assert "Principal roster" in opened  # it asks which school before it asks where to save
    assert "Keyboard shortcuts" in opened and any(w.startswith("menu Go > Log time") for w in crawl.clicked)
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN_W and hint.height() <= SCREEN_H, hint
    print(f"crawl: {len(crawl.clicked)} buttons, {len(crawl.dialogs)} dialogs, {elapsed:.1f} s")


@pytest.mark.slow
def test_second_pass_accepts_every_dialog_with_its_defaults_without_an_error(qtbot, demo_window, monkeypatch,
                                                                              tmp_path):
    """The same crawl, but each dialog is accepted as it opens (OK with its defaults, a save dialog given a
    file in a temporary folder, a non-destructive question answered Yes): every export really writes."""
    folder = tmp_path / "saved"
    folder.mkdir()
    # in_dialog: the buttons inside dialogs were the first pass's job
    crawl = Crawl(qtbot=qtbot, in_dialog=True, accept=True, folder=folder)
    started = time.monotonic()
    crawl_all(qtbot, demo_window, monkeypatch, crawl)
    elapsed = time.monotonic() - started
    assert not crawl.errors, "\n\n".join(crawl.errors)
    assert not crawl.too_big, "\n".join(crawl.too_big)
    assert len(crawl.accepted) >= 6, crawl.accepted  # Add training, Reassign, New event, Principal roster...
    assert any("Principal roster" in a for a in crawl.accepted), crawl.accepted
    written = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > 0]
    assert len(written) >= 10, (crawl.saved, written)  # the exports and prints really wrote their files
    suffixes = {p.suffix for p in written}
    assert {".pdf", ".csv", ".xlsx", ".ics"} <= suffixes, suffixes
    import csv

    from openpyxl import load_workbook
    from pypdf import PdfReader

    for path in written:
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1, path.name
        elif path.suffix == ".xlsx":
            assert load_workbook(path, read_only=True).sheetnames, path.name
        elif path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as f:
                assert len(list(csv.reader(f))) >= 2, path.name
    print(f"second pass: {len(crawl.accepted)} accepted, {len(written)} files, {elapsed:.1f} s")
