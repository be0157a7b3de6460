"""Reading CSV and XLSX files for imports, and the import policy shared by every importer
(DESIGN.md, "Import policy"): rows with line numbers, header aliases, rejected rows with
their reasons, and the errors file that can be fixed and imported again."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import paths
from app.errors import FieldProblem, MentorDeskError

Progress = Callable[[int, int, str], None]


class FileFormatError(MentorDeskError):
    """The file as a whole cannot be read as an import (not the rows: the file)."""


def shown_columns(columns: Iterable[object], limit: int = 12) -> str:
    """A file's headers for a one-line message: each on one line and at most 40 characters, the first
    `limit` of them ("no columns" when there are none)."""
    names = list(columns)
    shown = []
    for name in names[:limit]:
        text = " ".join(str(name).split())
        shown.append(text if len(text) <= 40 else text[:39] + "…")
    more = f", and {len(names) - limit} more" if len(names) > limit else ""
    return (", ".join(shown) + more) if shown else "no columns"


def header_key(name: object) -> str:
    """Headers match ignoring case, spaces, underscores and punctuation ('Emp #' -> 'emp')."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@dataclass(frozen=True)
class Row:
    line: int  # the row's line in the file; the header is line 1
    values: dict[str, object]  # public field name -> cell
    cells: tuple[object, ...]
    columns: tuple[str, ...]

    @property
    def original(self) -> dict[str, str]:
        """Original column -> text, for the errors file (made only for the rows that need it)."""
        return {col: _cell_text(cell) for col, cell in zip(self.columns, self.cells)}


@dataclass(frozen=True)
class Table:
    columns: list[str]
    mapping: dict[str, str]  # public field -> original column
    rows: list[Row]
    encoding: str = ""  # how a CSV/TXT file was decoded, e.g. "UTF-16" (blank for XLSX)
    separator: str = ""  # "comma", "tab" or "semicolon" (blank for XLSX)

    def how_read(self) -> str | None:
        """'read as UTF-16, tab-separated': what an import says it detected."""
        return f"read as {self.encoding}, {self.separator}-separated" if self.encoding else None


def _xlsx_engine() -> str:
    """calamine (Rust) reads the cells, real dates and times included, as openpyxl does
    (tests/test_roster_import.py compares them) in a seventh of the time; openpyxl still writes,
    and reads where python-calamine is missing (say, a frozen build that did not bundle it)."""
    import importlib.util

    return "calamine" if importlib.util.find_spec("python_calamine") else "openpyxl"


def decode_text(raw: bytes) -> tuple[str, str]:
    """The text of a CSV/TXT file and the encoding it was in: a byte-order mark decides (UTF-8,
    UTF-16 as Excel's "Unicode text" writes), else UTF-8 if it decodes, else Windows-1252 (Excel's
    "CSV" on a US Windows), else Latin-1 (which decodes anything)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "UTF-8 with a byte-order mark"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileFormatError("the file starts as UTF-16 text but is cut off or damaged") from None
    for encoding, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            return raw.decode(encoding), name
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


SEPARATORS = {",": "comma", "\t": "tab", ";": "semicolon"}


def detect_separator(text: str) -> str:
    """The separator the header line uses most (comma when it has none: one column)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_frame(path: Path) -> tuple[Any, str, str]:
    """The sheet with its header as the first row (header=None: pandas would rename a repeated
    header, which must be refused instead), and for CSV/TXT the encoding and separator found."""
    import io

    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, sheet_name=0, dtype=object, header=None, engine=_xlsx_engine()), "", ""
        if suffix in (".csv", ".txt", ""):
            text, encoding = decode_text(path.read_bytes())
            separator = detect_separator(text)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                                sep=separator, header=None, engine="c")
            return frame, encoding, SEPARATORS[separator]
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except FileFormatError as exc:
        raise FileFormatError(f"{path.name}: {exc}") from None
    except Exception as exc:  # pandas raises many types for malformed files
        raise FileFormatError(f"{path.name}: cannot be read as a {suffix or 'CSV'} table ({_reader_said(exc)})") from None
    raise FileFormatError(f"{path.name}: use a .csv or .xlsx file")


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _reader_said(exc: Exception) -> str:
    """What a reader's error says, as one short line (pandas' own messages end in a newline and can
    quote a whole line of the file)."""
    text = " ".join(str(exc).split())
    found = _FIELDS.search(text)
    if found:
        header, line, seen = found.groups()
        return (f"line {line} has {seen} cells but the header has {header}; check the separator and the quotes "
                "on that line")
    text = text or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


# Invisible characters that make look-alike names ("Sumner\u200b Middle School"): format characters
# (zero-width space, bidirectional embeddings, overrides and isolates, byte-order marks, soft hyphens)
# and control characters. Zero-width (non-)joiners stay: some scripts' names need them.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def tidy_text(value: object) -> tuple[object, bool]:
    """Text in NFC with invisible and direction-control characters removed; (value, removed any)."""
    if type(value) is not str or value.isascii() and value.isprintable():
        return value, False
    kept = "".join(ch for ch in value if ch in _KEEP_FORMAT
                   or unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\t")
    return unicodedata.normalize("NFC", kept), kept != value


def _cell_text(value: object) -> str:
    from app.services.vocabulary import is_blank, text

    if is_blank(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return text(value)


def _has_text(cell: object) -> bool:
    """_cell_text(cell) != "", with a fast path for text cells (every CSV cell; read for every row)."""
    return bool(cell.strip()) if type(cell) is str else _cell_text(cell) != ""


def read_table(path: str | Path, aliases: Mapping[str, Iterable[str]], required: Iterable[str] = (),
               mapping_override: Mapping[str, str] | None = None) -> Table:
    """Read a CSV or XLSX file into rows keyed by public field names.

    `aliases` maps each public field to extra header spellings; `mapping_override` maps public
    fields to exact column names (a remembered column mapping, e.g. for a Forms export).
    """
    path = Path(path)
    frame, encoding, separator = _read_frame(path)
    records = frame.to_numpy(dtype=object).tolist()
    header = records[0] if records else []
    columns = [f"Unnamed: {i}" if not _has_text(c) else _cell_text(c) for i, c in enumerate(header)]
    lookup: dict[str, str] = {}
    for public, names in aliases.items():
        for name in (public, *names):
            lookup.setdefault(header_key(name), public)
    chosen = {public: column for public, column in (mapping_override or {}).items() if column in columns}
    mapping: dict[str, str] = {}
    for column in columns:
        public = lookup.get(header_key(column))
        if not public or public in chosen:
            continue
        if public in mapping:
            if header_key(mapping[public]) == header_key(column):  # one header twice: which is meant is not ours to guess
                raise FileFormatError(f"{path.name}: the header repeats a column: {shown_columns([mapping[public]])!r} "
                                      f"(column {columns.index(mapping[public]) + 1}) and {shown_columns([column])!r} (column "
                                      f"{columns.index(column, columns.index(mapping[public]) + 1) + 1}) both give "
                                      f"{public}; remove or rename one of them")
            continue  # two different spellings (Mentor Name, Mentor Email): the first, as a mapping can change
        mapping[public] = column
    mapping.update(chosen)
    missing = [f for f in required if f not in mapping]
    if missing:
        raise FileFormatError(f"{path.name}: no column for {', '.join(missing)} (found: {shown_columns(columns)})")
    rows: list[Row] = []
    column_names = tuple(columns)
    positions = {public: columns.index(column) for public, column in mapping.items()}
    for index, cells in enumerate(records[1:]):
        if not any(_has_text(c) for c in cells):
            continue
        values = {public: cells[pos] for public, pos in positions.items()}
        rows.append(Row(line=index + 2, values=values, cells=tuple(cells), columns=column_names))
    return Table(columns, mapping, rows, encoding, separator)


@dataclass(frozen=True)
class RejectedRow:
    line: int
    problems: tuple[FieldProblem, ...]
    original: dict[str, str]

    @property
    def reason(self) -> str:
        return "; ".join(f"{p.field}: {p.reason}" for p in self.problems)


@dataclass(frozen=True)
class RowWarning:
    line: int
    message: str


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    source: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0  # duplicates of what is already there
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    # Public fields holding confidential data, and the file's columns mapped to them: the errors
    # file leaves them out (with every column whose header says it is private: `private_header`).
    withheld: set[str] = field(default_factory=set)

    def withhold(self, fields: Iterable[str], mapping: Mapping[str, str]) -> None:
        """Keep these public fields, and the columns mapped to them, out of the errors file."""
        for public in fields:
            self.withheld.add(public)
            if public in mapping:
                self.withheld.add(mapping[public])

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        parts = [f"{self.new} new", f"{self.changed} changed", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped as duplicates")
        parts.append(f"{len(self.rejected)} rejected")
        head = "Dry run, nothing written: " if self.dry_run else ("" if self.written else "Nothing written: ")
        return head + ", ".join(parts)


def cancelled(session, report: ImportReport, cancel: threading.Event | None) -> bool:  # type: ignore[no-untyped-def]
    """True (after undoing everything) when the person pressed Cancel: an import is all or nothing."""
    if cancel is None or not cancel.is_set():
        return False
    session.rollback()
    report.notes.append("cancelled: nothing was written")
    return True


def finish(session, report: ImportReport, *, strict: bool, dry_run: bool) -> ImportReport:  # type: ignore[no-untyped-def]
    """Apply the policy: dry run or strict-with-rejections writes nothing; otherwise commit is left
    to the caller's unit of work. Everything was done in one session, so it is all or nothing."""
    report.dry_run = dry_run
    if dry_run or (strict and report.rejected):
        session.rollback()
        report.written = False
        if strict and report.rejected and not dry_run:
            report.notes.append("--strict: nothing was written because rows were rejected")
    else:
        session.flush()
        report.written = True
    return report


# A header with one of these words names a private column, whatever it is mapped to (issue 18):
# mentoring notes are confidential (guidelines 004, "While maintaining confidentiality"), and so
# are evaluation data (G.L. c.71 s.38, 603 CMR 35) and whatever a form calls private.
PRIVATE_WORDS = ("note", "comment", "confidential", "private")


def private_header(name: object) -> bool:
    """True for a header such as "Notes", "Confidential Notes", "Any comments?", "PRIVATE reason"."""
    lowered = str(name).lower()
    return any(word in lowered for word in PRIVATE_WORDS)


def _withheld(report: ImportReport, name: str) -> bool:
    return name in report.withheld or private_header(name)


def withheld_columns(report: ImportReport) -> list[str]:
    """The file's columns that the errors file leaves out (headers only, never a value)."""
    return [c for c in _error_columns(report) if _withheld(report, c)]


def _error_columns(report: ImportReport) -> list[str]:
    return report.columns or sorted({c for r in report.rejected for c in r.original})


def write_errors(report: ImportReport, out: str | Path, *, plain_utf8: bool = False) -> Path:
    """The errors file: line, field, value, reason, then the row's original columns, except the
    confidential ones: no column mapped to a confidential field or whose header says private
    (`private_header`), and no value of a problem on such a field. Written through the one safe CSV
    writer below: a hostile cell in the imported file is not a formula in Excel."""
    columns = [c for c in _error_columns(report) if not _withheld(report, c)]
    rows = [[row.line, "; ".join(p.field for p in row.problems),
             "; ".join("" if _withheld(report, p.field) else p.value for p in row.problems),
             "; ".join(p.reason for p in row.problems), *(row.original.get(c, "") for c in columns)]
            for row in report.rejected]
    written = write_csv(out, [["line", "field", "value", "reason", *columns], *rows], plain_utf8=plain_utf8)
    paths.protect_if_private(written)  # the wizard saves it in the data folder: 0600 there
    return written


# --- writing: the one CSV and XLSX writer every export uses (issue 20 item 2; issue 18 item 5) -------
#
# CSV and XLSX cells reach a spreadsheet, which runs a text cell beginning with =, +, -, @, tab or
# carriage return as a formula ("CSV injection"; OWASP, "CSV Injection": prefix such cells with a
# single quote). Every text cell below goes through `neutralize`, and no XLSX cell is ever a formula.
# The importers undo the prefix with `restore`, so an exported roster imports back to the same values.

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("auto", "text", "int", "number", "date", "rate", "hours")
DATE_FORMAT = "m/d/yyyy"  # how Excel shows the date cells (US districts read M/D/YYYY)
RATE_FORMAT = "0.0%"
HOURS_FORMAT = "0.0"  # hours with one decimal, as every report prints them (issue 20); still a number
_HOURS = re.compile(r"(^|[^a-z])hours?($|[^a-z])")


def is_hours(name: object) -> bool:
    """Whether a column's key or title names hours ("hours", "release_hours", "Mentoring hours"): its
    numbers are then shown with one decimal in every XLSX (HOURS_FORMAT), whoever wrote the columns."""
    return bool(_HOURS.search(str(name or "").lower()))


def neutralize(value: str) -> str:
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)". A text already starting with quotes before a formula
    character gets one more, so `restore` gives back exactly what was exported."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def restore(value: str) -> str:
    """The importers' inverse of `neutralize`: one leading quote before =, +, -, @ (after any further
    quotes) is removed; any other text is left as it is."""
    if value.startswith("'") and value[1:].lstrip("'").startswith(FORMULA_START):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    """A column of an export: `key` in the rows, `title` in the header (the key when blank) and a
    `kind` for the XLSX cell: text (never a number: employee IDs keep their zeros), int, number,
    date (shown M/D/YYYY; ISO text in CSV), rate (a fraction shown as a percentage), hours (a number
    shown with one decimal), or auto (by the value's type: numbers as numbers, dates as dates, text as
    text). An auto or number column whose key or title names hours is an hours column (`cell_kind`)."""

    key: str
    title: str = ""
    kind: str = "auto"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column kind must be one of {', '.join(KINDS)}")

    @property
    def header(self) -> str:
        return self.title or self.key

    @property
    def cell_kind(self) -> str:
        """The kind its XLSX cells are written as: hours columns by their name, whatever the writer said,
        unless it said text, int, date or rate."""
        if self.kind in ("auto", "number") and (is_hours(self.key) or is_hours(self.title)):
            return "hours"
        return self.kind


def _columns(columns: Iterable[str | Column]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(c) for c in columns]


def _typed(value: object, kind: str) -> object:
    """The value an XLSX cell holds: a number, a date, or neutralized text ('' for blank)."""
    if value is None or (type(value) is float and value != value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "text":
        return neutralize(_cell_text(value)) if not isinstance(value, str) else neutralize(value)
    if isinstance(value, str):
        if value == "":
            return None
        if kind == "date":
            parsed = _date_of(value)
            if parsed is not None:
                return parsed
        elif kind in ("int", "number", "rate", "hours"):
            number = _number_of(value)
            if number is not None:
                return number
        return neutralize(value)
    if isinstance(value, dt.datetime):
        return value if value.time() != dt.time() else value.date()
    if isinstance(value, (int, float, dt.date)):
        return value
    return neutralize(str(value))


def _date_of(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _number_of(text: str) -> int | float | None:
    stripped = text.strip()
    if re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"-?\d*\.\d+", stripped):
        return float(stripped)
    return None


def _csv_text(value: object) -> object:
    """A CSV cell: numbers as written, dates as ISO text (the public formats), text neutralized."""
    if value is None or (type(value) is float and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return _cell_text(value)
    return neutralize(str(value))


def write_csv(path: str | Path, rows: Iterable[Iterable[object]], *, plain_utf8: bool = False) -> Path:
    """Rows (the header first) as an Excel-style CSV: comma, quotes where needed, CRLF line ends, UTF-8
    with a byte-order mark so Excel on Windows shows "José", not "JosÃ©" (setting `csv_plain_utf8`:
    no mark, for tools that do not expect one). Every text cell neutralized."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8" if plain_utf8 else "utf-8-sig") as handle:
        writer = csv.writer(handle)  # the "excel" dialect
        writer.writerows([_csv_text(cell) for cell in row] for row in rows)
    return path


class XlsxBook:
    """The one XLSX writer (XlsxWriter): typed cells, never a formula (text is written with
    write_string, whatever it begins with).

        book = XlsxBook(path)
        book.table("Roster", [Column("employee_id", kind="text"), Column("hire_date", kind="date")], rows)
        form = book.sheet("Teachers", widths=[48, 22])
        form.row(["(b) Beginning teachers served", 2], bold=True)
        book.save()

    Rows are written as they come (constant memory). XlsxWriter rather than openpyxl: a 10,000-row
    roster in about half the time on the development machine (issue 20 asked for the faster one).
    """

    def __init__(self, path: str | Path) -> None:
        import xlsxwriter

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.book = xlsxwriter.Workbook(str(self.path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self._formats: dict[tuple[object, ...], object] = {}

    def format(self, *, bold: bool = False, size: float | None = None, wrap: bool = False,
               number: str | None = None):  # type: ignore[no-untyped-def]
        key = (bold, size, wrap, number)
        if key not in self._formats:
            props: dict[str, object] = {}
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if wrap:
                props.update(text_wrap=True, valign="top")
            if number:
                props["num_format"] = number
            self._formats[key] = self.book.add_format(props) if props else None
        return self._formats[key]

    def write(self, sheet, row: int, col: int, value: object, kind: str = "auto", **style: object) -> object:  # type: ignore[no-untyped-def]
        """One cell, typed: text as text, numbers as numbers, dates as dates shown M/D/YYYY, rates
        as percentages. Returns the typed value."""
        typed = _typed(value, kind)
        if typed is None:
            if style:
                sheet.write_blank(row, col, None, self.format(**style))  # type: ignore[arg-type]
        elif isinstance(typed, str):
            sheet.write_string(row, col, typed, self.format(**style))  # type: ignore[arg-type]
        elif isinstance(typed, (dt.date, dt.datetime)):
            moment = typed if isinstance(typed, dt.datetime) else dt.datetime.combine(typed, dt.time())
            number = DATE_FORMAT + (" h:mm" if isinstance(typed, dt.datetime) else "")
            sheet.write_datetime(row, col, moment, self.format(number=number, **style))  # type: ignore[arg-type]
        else:
            number = RATE_FORMAT if kind == "rate" else HOURS_FORMAT if kind == "hours" else None
            sheet.write_number(row, col, typed, self.format(number=number, **style))  # type: ignore[arg-type]
        return typed

    def table(self, name: str, columns: Iterable[str | Column], rows: Iterable[Mapping[str, object]]) -> None:
        """A sheet holding one table: bold header row, frozen, with filters; widths from the first
        500 rows' values (8 to 50 characters)."""
        cols = _columns(columns)
        sheet = self.book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        widths = [len(c.header) for c in cols]
        kinds = [c.cell_kind for c in cols]
        for index, column in enumerate(cols):
            self.write(sheet, 0, index, column.header, "text", bold=True)
        count = 0
        for count, row in enumerate(rows, 1):
            for index, column in enumerate(cols):
                typed = self.write(sheet, count, index, row.get(column.key), kinds[index])
                if count <= 500:
                    widths[index] = max(widths[index], _width(typed))
        if cols:
            sheet.autofilter(0, 0, count, len(cols) - 1)
        _set_widths(sheet, [min(50, max(8, w + 2)) for w in widths])

    def sheet(self, name: str, widths: Iterable[float] = ()) -> XlsxSheet:
        """A sheet laid out row by row (a form such as the state report), cells typed as `table`'s."""
        sheet = self.book.add_worksheet(name)
        _set_widths(sheet, list(widths))
        return XlsxSheet(self, sheet)

    def save(self) -> Path:
        if not self.book.worksheets():
            self.book.add_worksheet("Sheet1")
        self.book.close()
        return self.path


class XlsxSheet:
    """Rows written one after another; an empty `row()` leaves a blank line."""

    def __init__(self, book: XlsxBook, sheet) -> None:  # type: ignore[no-untyped-def]
        self._book = book
        self._sheet = sheet
        self.line = -1  # the last line written (0-based)

    def row(self, values: Iterable[object] = (), *, bold: bool = False, size: float | None = None,
            wrap: bool = False, kinds: Iterable[str] = ()) -> None:
        self.line += 1
        kinds = list(kinds)
        style: dict[str, object] = {k: v for k, v in (("bold", bold), ("size", size), ("wrap", wrap)) if v}
        for index, value in enumerate(values):
            self._book.write(self._sheet, self.line, index, value,
                             kinds[index] if index < len(kinds) else "auto", **style)


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(part) for part in str(value).split("\n")), default=0)


def _set_widths(sheet, widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)


def write_table(path: str | Path, columns: Iterable[str | Column], rows: Iterable[Mapping[str, object]],
                sheet: str = "Sheet1", *, plain_utf8: bool = False) -> Path:
    """Write rows to CSV or XLSX by extension (the public export formats), through the safe writers
    above. `columns` are keys or `Column`s (a title and a kind for the XLSX cells)."""
    path = Path(path)
    cols = _columns(columns)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        body = ([row.get(c.key) for c in cols] for row in rows)
        return write_csv(path, ([c.header for c in cols], *body), plain_utf8=plain_utf8)
    if suffix == ".xlsx":
        book = XlsxBook(path)
        book.table(sheet, cols, rows)
        return book.save()
    raise FileFormatError(f"{path.name}: export to .csv or .xlsx")
