"""Sidebar icons (issue 17): each area has its own monochrome SVG in resources/icons/sidebar/, shown in the
sidebar with the page's Ctrl+number in its tooltip."""

from __future__ import annotations

import re

from tests.ui_support import open_window


def test_every_area_has_its_own_valid_monochrome_icon_and_its_shortcut(qtbot, database):
    from PySide6.QtSvg import QSvgRenderer

    from app.paths import resources_dir
    from app.ui.main_window import AREAS
    from app.ui.menus import area_shortcut

    window = open_window(qtbot, database)
    folder = resources_dir() / "icons" / "sidebar"
    drawn = set()
    for row, area in enumerate(AREAS):
        svg = folder / f"{area.key}.svg"
        text = svg.read_text(encoding="utf-8")
        assert QSvgRenderer(str(svg)).isValid(), svg.name
        colours = set(re.findall(r"#[0-9a-fA-F]{3,6}", text))
        assert len(colours) == 1, (svg.name, colours)  # one colour: monochrome
        drawn.add(text)
        item = window.sidebar.item(row)
        assert not item.icon().isNull() and not item.icon().pixmap(20, 20).isNull(), area.key
        assert f"({area_shortcut(row)})" in item.toolTip(), item.toolTip()
    assert len(drawn) == len(AREAS)  # no two areas share a picture
