"""Printed documents with ReportLab: one look for every PDF MentorDesk makes.

Every page says what it is (title in the header), carries the district, the printed date and
"page N of M". Tables wrap long text in their cells and repeat their header row across pages.
ReportLab is imported here only, when a PDF is made (it is not needed to open the window).

Fonts (issue 20): every PDF draws its text in DejaVu Sans (regular and bold, `resources/fonts/`, Bitstream
Vera licence beside them), embedded as a subset, so names in Vietnamese, Polish, Turkish, Portuguese,
Haitian Creole, Greek or Russian print as written, never as boxes. Characters DejaVu has no glyph for
(Chinese, Japanese, Korean) are drawn in ReportLab's CID fonts (`STSong-Light`, Hangul in
`HYSMyeongJo-Medium`): no font file is needed, the PDF names the font and the reader supplies it, and
the text stays searchable. When the computer has a TrueType CJK font (Microsoft YaHei on Windows, Arial
Unicode on macOS, Droid Sans Fallback on Linux: CJK_CANDIDATES), that font is embedded instead, so the
name prints even in a reader without Asian fonts. `markup()` and `draw_string()` split a text into runs
by font; every paragraph, table cell, header and footer goes through them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app import paths
from app.services.vocabulary import us_date, us_moment

FONT = "MentorDesk-Sans"  # DejaVu Sans, registered under our own name
FONT_BOLD = "MentorDesk-Sans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
CJK_FONT = "STSong-Light"  # Adobe-GB1: Chinese (simplified and traditional), kana
HANGUL_FONT = "HYSMyeongJo-Medium"  # Adobe-Korea1
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF))
_covered: frozenset[int] = frozenset()
SYSTEM_CJK_FONT = "MentorDesk-CJK"
# TrueType CJK fonts an operating system may have, embedded (as a subset) when found, so a Chinese,
# Japanese or Korean name prints even where the reader has no Asian fonts. ReportLab embeds TrueType
# outlines only: Noto Sans CJK (CFF outlines) cannot be used, hence this list. None found: the CID fonts.
CJK_CANDIDATES: tuple[str, ...] = (
    "%WINDIR%/Fonts/msyh.ttc",  # Microsoft YaHei (Windows 7 and later)
    "%WINDIR%/Fonts/simsun.ttc",
    "%WINDIR%/Fonts/malgun.ttf",  # Malgun Gothic (Korean)
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",  # macOS
    "/Library/Fonts/Arial Unicode.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian/Ubuntu fonts-droid-fallback
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
_system_cjk: frozenset[int] | None = None  # the characters the system CJK font has; None: not looked yet


def register_fonts() -> None:
    """Register the embedded family and the CJK fallbacks with ReportLab (once a process)."""
    global _covered
    if _covered:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    folder = paths.resources_dir() / "fonts"
    faces = []
    for name, file in FONT_FILES.items():
        font = TTFont(name, str(folder / file))
        pdfmetrics.registerFont(font)
        faces.append(font.face)
    for bold, italic in ((0, 0), (0, 1), (1, 0), (1, 1)):  # <b> and <i> in paragraphs stay in the family
        addMapping(FONT, bold, italic, FONT_BOLD if bold else FONT)
    for name in (CJK_FONT, HANGUL_FONT):
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    _covered = frozenset(faces[0].charToGlyph) & frozenset(faces[1].charToGlyph)


def _system_cjk_font() -> frozenset[int]:
    """Register the first usable TrueType CJK font of CJK_CANDIDATES (once; only when a text first
    needs it, as loading one takes a moment) and return the characters it has (empty: none found)."""
    global _system_cjk
    if _system_cjk is None:
        import os

        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _system_cjk = frozenset()
        windows = os.environ.get("WINDIR", "C:/Windows")
        for candidate in CJK_CANDIDATES:
            path = Path(candidate.replace("%WINDIR%", windows))
            if not path.is_file():
                continue
            try:
                font = TTFont(SYSTEM_CJK_FONT, str(path), subfontIndex=0)
            except Exception:  # noqa: BLE001 - CFF outlines, no embedding allowed, a damaged file: try the next
                continue
            pdfmetrics.registerFont(font)
            _system_cjk = frozenset(font.face.charToGlyph)
            break
    return _system_cjk


def _fallback(char: str) -> str:
    code = ord(char)
    if code in _system_cjk_font():
        return SYSTEM_CJK_FONT
    return HANGUL_FONT if any(lo <= code <= hi for lo, hi in _HANGUL) else CJK_FONT


def font_runs(text: str, font: str = FONT) -> list[tuple[str, str]]:
    """(font, text) runs: characters the embedded family lacks go to a CJK font. Text is NFC first
    (a name typed on a Mac may arrive decomposed: "e" + combining acute)."""
    register_fonts()
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return [(font, text)] if text else []
    runs: list[tuple[str, str]] = []
    for char in text:
        if char.isspace() or not char.isprintable():
            chosen = runs[-1][0] if runs else font  # a space (or line break) stays in the run it is in
        elif ord(char) not in _covered:
            chosen = _fallback(char)
        else:
            chosen = font
        if runs and runs[-1][0] == chosen:
            runs[-1] = (chosen, runs[-1][1] + char)
        else:
            runs.append((chosen, char))
    return runs


def markup(text: object, font: str = FONT) -> str:
    """Paragraph markup for `text`: escaped, line breaks kept, CJK runs in their font."""
    from xml.sax.saxutils import escape

    runs = font_runs("" if text is None else str(text), font)
    return "".join(escape(part) if name == font else f'<font name="{name}">{escape(part)}</font>'
                   for name, part in runs).replace("\n", "<br/>")


def single_font(text: str) -> bool:
    """True when the embedded family draws every character of `text` (no CJK run)."""
    register_fonts()
    return text.isascii() or all(ord(c) in _covered or c.isspace() or not c.isprintable()
                                 for c in unicodedata.normalize("NFC", text))


def text_width(text: str, font: str, size: float) -> float:
    """The drawn width of `text`, each run measured in the font that draws it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(part, name, size) for name, part in font_runs(text, font))


def draw_string(canvas: Any, x: float, y: float, text: str, size: float, *, font: str = FONT,
                align: str = "left") -> None:
    """canvas.drawString in runs (for headers and footers); `align` left or right of x."""
    if align == "right":
        x -= text_width(text, font, size)
    line = canvas.beginText(x, y)  # one text object: a reader extracts the runs as one line
    for name, part in font_runs(text, font):
        line.setFont(name, size)
        line.textOut(part)
    canvas.drawText(line)


def us_text(value: object) -> str:
    """A cell's text; a date as M/D/YYYY and a moment as M/D/YYYY h:mm AM (STYLE.md: US dates on
    everything a person reads), never ISO."""
    if isinstance(value, dt.datetime):
        return us_moment(value) if value.time() != dt.time() else us_date(value)
    if isinstance(value, dt.date):
        return us_date(value)
    return str(value)


_NUMBER = re.compile(r"-?[\d,]*\.?\d+%?( \(\d+ of \d+\))?")


def _numeric(value: object) -> bool | None:
    """True for a number (or a rate printed "73.2% (41 of 56)"), False for text, None for a blank."""
    if value is None or value == "" or value == "no data":
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return _NUMBER.fullmatch(str(value)) is not None


def numeric_columns(rows: Sequence[Sequence[object]]) -> list[int]:
    """The columns whose every filled cell is a number: drawn right-aligned, so digits line up."""
    width = max((len(r) for r in rows), default=0)
    found = []
    for index in range(width):
        kinds = {_numeric(row[index]) for row in rows if index < len(row)} - {None}
        if kinds == {True}:
            found.append(index)
    return found


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
        register_fonts()
        styles = getSampleStyleSheet()
        bold = {"fontName": FONT_BOLD}
        plain = {"fontName": FONT}
        self.styles = {  # every style in the embedded family: none falls back to Helvetica
            "title": ParagraphStyle("md-title", parent=styles["Title"], fontSize=18, spaceAfter=6, **bold),
            # a heading is kept on the page of what follows it (never stranded at a page's foot)
            "h1": ParagraphStyle("md-h1", parent=styles["Heading2"], spaceBefore=10, spaceAfter=4,
                                 keepWithNext=1, **bold),
            "h2": ParagraphStyle("md-h2", parent=styles["Heading3"], spaceBefore=8, spaceAfter=3,
                                 keepWithNext=1, **bold),
            "body": ParagraphStyle("md-body", parent=styles["BodyText"], fontSize=9.5, leading=12, **plain),
            "cell": ParagraphStyle("md-cell", parent=styles["BodyText"], fontSize=8.5, leading=10, **plain),
            "head": ParagraphStyle("md-head", parent=styles["BodyText"], fontSize=8.5, leading=10, **bold),
            "note": ParagraphStyle("md-note", parent=styles["BodyText"], fontSize=7.5, leading=9,
                                   textColor="#444444", **plain),
        }
        self.story: list[Any] = [self._p(title, "title")]
        if subtitle:
            self.story.append(self._p(subtitle, "body"))

    def _p(self, text: object, style: str) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup(text, self.styles[style].fontName), self.styles[style])

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
            ("FONT", (0, 0), (-1, 0), self.styles["head"].fontName, cell.fontSize, cell.leading),
            ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
            *(("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric_columns(rows)),
        ]))
        self.story.append(table)

    def _cell(self, value: object, width: float) -> Any:
        """Plain text when it fits on one line of its column and one font draws it (ReportLab draws
        those many times faster: a district's report has thousands of cells); a wrapping paragraph
        otherwise (with its CJK runs in their font)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        text = "" if value is None else us_text(value)
        style = self.styles["cell"]
        if "\n" not in text and single_font(text) \
                and stringWidth(text, style.fontName, style.fontSize) <= width - 8:
            return unicodedata.normalize("NFC", text)
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
        self.story.append(Table(rows, colWidths=[self.width * 0.68, self.width * 0.32], rowHeights=26,
                                style=[("FONT", (0, 0), (-1, -1), FONT, 9.5)]))

    def add(self, flowable: Any) -> None:
        """Any ReportLab flowable (a chart, an image)."""
        self.story.append(flowable)

    def section(self, name: str) -> None:
        """The pages from here on are `name`'s: with `save(by_section=True)` each section's pages number
        from 1 ("Page 1 of 2" of that section) and its name follows the title in the header, so one
        file of every school can be handed out school by school."""
        self.story.append(_section_marker(name))

    def save(self, *, by_section: bool = False) -> Path:
        from reportlab.lib.units import inch
        from reportlab.platypus import SimpleDocTemplate

        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = SimpleDocTemplate(str(self.path), pagesize=self.pagesize, title=self.title,
                                author=self.district or "MentorDesk", leftMargin=0.75 * inch,
                                rightMargin=0.75 * inch, topMargin=0.8 * inch, bottomMargin=0.75 * inch,
                                initialFontName=FONT)
        doc.build(self.story, canvasmaker=_numbered_canvas(self, by_section=by_section))
        paths.protect_if_private(self.path)  # 0600 in MentorDesk's own folders (CAP forms)
        return self.path


SECTION = "_md_section"  # a canvas attribute, kept in each page's saved state by the numbering canvas


def _section_marker(name: str) -> Any:
    """A flowable that draws nothing and tells the canvas the pages from here on are this section's."""
    from reportlab.platypus import Flowable

    class SectionStarts(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width = self.height = 0

        def draw(self) -> None:
            setattr(self.canv, SECTION, name)

    return SectionStarts()


def _numbered_canvas(document: PdfDocument, *, by_section: bool = False) -> Any:
    """A canvas that knows the page count, for "page N of M" footers; `by_section`: counted within
    each section (PdfDocument.section), whose name follows the title in the header."""
    from collections import Counter

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
            sections = [state.get(SECTION, "") if by_section else "" for state in self._pages]
            totals, seen = Counter(sections), Counter()
            for state, name in zip(self._pages, sections):
                self.__dict__.update(state)
                seen[name] += 1
                self._decorate(seen[name], totals[name], f"{document.title}: {name}" if name else document.title)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int, title: str) -> None:
            width, height = document.pagesize
            self.saveState()
            self.setFillColorRGB(0.3, 0.3, 0.3)
            left, right, top = 0.75 * inch, width - 0.75 * inch, height - 0.5 * inch
            printed = document.printed
            draw_string(self, left, top, title, 8)
            draw_string(self, right, top, document.district, 8, align="right")
            draw_string(self, left, 0.45 * inch, f"Printed {printed:%B} {printed.day}, {printed.year} by MentorDesk", 8)
            draw_string(self, right, 0.45 * inch, f"Page {number} of {total}", 8, align="right")
            self.restoreState()

    return NumberedCanvas
