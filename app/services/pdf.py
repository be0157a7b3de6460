"""Printed documents with ReportLab: one look for every PDF MentorDesk makes.

Every page says what it is (title in the header), carries the district, the printed date and
"page N of M". Tables wrap long text in their cells and repeat their header row across pages.
ReportLab is imported here only, when a PDF is made (it is not needed to open the window).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app import paths


class PdfDocument:
    """Collect flowables, then `save()`.

        doc = PdfDocument(path, title="Record of mentoring hours", district="Springfield")
        doc.heading("Ana Silva")
        doc.paragraph("...")
        doc.table(["Year", "Mentor", "Hours"], rows, widths=[0.2, 0.5, 0.3])
        doc.signature_lines(["Mentor", "Coordinator"])
        doc.save()
    """

    def __init__(self, path: str | Path, *, title: str, district: str = "", subtitle: str = "",
                 landscape: bool = False, printed: dt.date | None = None):
        from reportlab.lib import pagesizes
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        self.path = Path(path)
        self.title = title
        self.district = district
        self.printed = printed or dt.date.today()
        self.pagesize = pagesizes.landscape(pagesizes.letter) if landscape else pagesizes.letter
        styles = getSampleStyleSheet()
        self.styles = {
            "title": ParagraphStyle("md-title", parent=styles["Title"], fontSize=18, spaceAfter=6),
            "h1": ParagraphStyle("md-h1", parent=styles["Heading2"], spaceBefore=10, spaceAfter=4),
            "h2": ParagraphStyle("md-h2", parent=styles["Heading3"], spaceBefore=8, spaceAfter=3),
            "body": ParagraphStyle("md-body", parent=styles["BodyText"], fontSize=9.5, leading=12),
            "cell": ParagraphStyle("md-cell", parent=styles["BodyText"], fontSize=8.5, leading=10),
            "head": ParagraphStyle("md-head", parent=styles["BodyText"], fontSize=8.5, leading=10,
                                   fontName="Helvetica-Bold"),
            "note": ParagraphStyle("md-note", parent=styles["BodyText"], fontSize=7.5, leading=9,
                                   textColor="#444444"),
        }
        self.story: list[Any] = [self._p(title, "title")]
        if subtitle:
            self.story.append(self._p(subtitle, "body"))

    @staticmethod
    def escape(text: object) -> str:
        from xml.sax.saxutils import escape

        return escape("" if text is None else str(text))

    def _p(self, text: object, style: str) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(self.escape(text).replace("\n", "<br/>"), self.styles[style])

    @property
    def width(self) -> float:
        from reportlab.lib.units import inch

        return self.pagesize[0] - 1.5 * inch

    def heading(self, text: str, level: int = 1) -> None:
        self.story.append(self._p(text, "h1" if level == 1 else "h2"))

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(self._p(text, style))

    def spacer(self, height: float = 6) -> None:
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, height))

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[float] | None = None, *, empty: str = "None.") -> None:
        """A table whose cells wrap; `widths` are fractions of the text width (equal by default)."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        if not rows:
            self.paragraph(empty, "note")
            return
        col_widths = [self.width * w for w in widths] if widths else [self.width / len(header)] * len(header)
        data = [[self._p(h, "head") for h in header]]
        data += [[self._cell(cell, col_widths[i]) for i, cell in enumerate(row)] for row in rows]
        table = Table(data, colWidths=col_widths, repeatRows=1)
        cell = self.styles["cell"]
        table.setStyle(TableStyle([
            ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
        ]))
        self.story.append(table)

    def _cell(self, value: object, width: float) -> Any:
        """Plain text when it fits on one line of its column (ReportLab draws those many times
        faster: a district's report has thousands of cells); a wrapping paragraph otherwise."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        text = "" if value is None else str(value)
        style = self.styles["cell"]
        if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 8:
            return text
        return self._p(text, "cell")

    def key_values(self, pairs: Sequence[tuple[str, object]]) -> None:
        """A two-column table of labels and values (a record's header block)."""
        self.table(["Item", "Value"], [[k, v] for k, v in pairs], widths=[0.3, 0.7])

    def signature_lines(self, roles: Sequence[str]) -> None:
        """Typed sign-off lines (no wet signature needed)."""
        from reportlab.platypus import Table

        self.spacer(18)
        rows = [[self._p(f"{role}: ______________________________", "body"),
                 self._p("Date: ____________", "body")] for role in roles]
        self.story.append(Table(rows, colWidths=[self.width * 0.68, self.width * 0.32], rowHeights=26))

    def add(self, flowable: Any) -> None:
        """Any ReportLab flowable (a chart, an image)."""
        self.story.append(flowable)

    def save(self) -> Path:
        from reportlab.lib.units import inch
        from reportlab.platypus import SimpleDocTemplate

        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = SimpleDocTemplate(str(self.path), pagesize=self.pagesize, title=self.title,
                                author=self.district or "MentorDesk", leftMargin=0.75 * inch,
                                rightMargin=0.75 * inch, topMargin=0.8 * inch, bottomMargin=0.75 * inch)
        doc.build(self.story, canvasmaker=_numbered_canvas(self))
        paths.protect_if_private(self.path)  # 0600 in MentorDesk's own folders (CAP forms)
        return self.path


def _numbered_canvas(document: PdfDocument) -> Any:
    """A canvas that knows the page count, for "page N of M" footers."""
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = document.pagesize
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillColorRGB(0.3, 0.3, 0.3)
            self.drawString(0.75 * inch, height - 0.5 * inch, document.title)
            self.drawRightString(width - 0.75 * inch, height - 0.5 * inch, document.district)
            self.drawString(0.75 * inch, 0.45 * inch, f"Printed {document.printed:%B} {document.printed.day}, {document.printed.year} by MentorDesk")
            self.drawRightString(width - 0.75 * inch, 0.45 * inch, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas
