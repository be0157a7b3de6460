"""The Reports page: figures, "why this number" drill-down, exports, partnerships."""

from __future__ import annotations

import json

import pytest

from tests.test_state_report import district  # noqa: F401  (fixture)
from tests.ui_support import open_window


@pytest.fixture
def window(qtbot, database, district):  # noqa: F811
    return open_window(qtbot, database, "2025-2026")


def test_drill_down_lists_the_rows_counted(window, qtbot):
    page = window.show_area("reports")
    qtbot.waitUntil(lambda: page.figures.rowCount() > 0)
    row = next(i for i, item in enumerate(page.items) if item.key == "beginning_served" and item.section == "teachers")
    assert page.figures.item(row, 2).text() == "2"
    dialog = page.explain(row)
    ids = sorted(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))
    assert ids == ["B1", "B2"]
    assert "Employed in the year" in dialog.definition.text()
    dialog.close()


def test_export_json_from_the_page(window, qtbot, tmp_path):
    page = window.show_area("reports")
    out = tmp_path / "report.json"
    page.export_state("json", str(out))
    qtbot.waitUntil(out.exists)
    assert json.loads(out.read_text())["teachers"]["retention_rate"] == 0.5
    assert "Wrote" in page.status.text()


def test_partnership_validation_and_save(window, qtbot):
    page = window.show_area("reports")
    editor = page.partners_tab
    editor.save()
    assert "name: is required" in editor.error.text()
    editor.name.setText("Bay State University")
    editor.kind.setCurrentText("institution of higher education")
    editor.save()
    qtbot.waitUntil(lambda: editor.table.rowCount() == 1)
    assert editor.table.item(0, 0).text() == "Bay State University"
