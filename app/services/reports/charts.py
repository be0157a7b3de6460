"""Small bar charts for printed reports (ReportLab graphics, drawn as vectors)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def bar_chart(labels: Sequence[str], values: Sequence[float], width: float, *, horizontal: bool = False,
              value_label: str = "", value_max: float | None = None) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    from app.services.pdf import FONT, register_fonts

    register_fonts()  # labels (school names) in the embedded family, as the rest of the page
    top = value_max if value_max is not None else max(max(values, default=0) * 1.15, 1)
    if horizontal:
        height = 30 + 14 * len(values)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 170, 15, width - 200, height - 25
        chart.categoryAxis.labels.fontSize = 7
        chart.categoryAxis.labels.boxAnchor = "e"
        labels = [label if len(label) <= 34 else label[:33] + "\u2026" for label in labels]
    else:
        height = 190
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 40, 35, width - 60, height - 50
        chart.categoryAxis.labels.fontSize = 7
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    for labels_ in (chart.categoryAxis.labels, chart.valueAxis.labels, chart.barLabels):
        labels_.fontName = FONT
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#3b6ea5")
    chart.barLabelFormat = {"rate": "%.2f", "percent": "%.1f%%"}.get(value_label, "%.1f")
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 7
    drawing = Drawing(width, height, initialFontName=FONT)
    drawing.add(chart)
    return drawing
