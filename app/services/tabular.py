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
        raise FileFormatError(f"{path.name}: cannot be read as a {suffix or 'CSV'} table ({exc})") from None
    raise FileFormatError(f"{path.name}: use a .csv or .xlsx file")


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
                raise FileFormatError(f"{path.name}: the header repeats a column: {mapping[public]!r} (column "
                                      f"{columns.index(mapping[public]) + 1}) and {column!r} (column "
                                      f"{columns.index(column, columns.index(mapping[public]) + 1) + 1}) both give "
                                      f"{public}; remove or rename one of them")
            continue  # two different spellings (Mentor Name, Mentor Email): the first, as a mapping can change
        mapping[public] = column
    mapping.update(chosen)
    missing = [f for f in required if f not in mapping]
    if missing:
        found = ", ".join(columns[:12]) or "no columns"
        raise FileFormatError(f"{path.name}: no column for {', '.join(missing)} (found: {found})")
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


def write_errors(report: ImportReport, out: str | Path) -> Path:
    """The errors file: line, field, value, reason, then the row's original columns, except the
    confidential ones: no column mapped to a confidential field or whose header says private
    (`private_header`), and no value of a problem on such a field."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    columns = [c for c in _error_columns(report) if not _withheld(report, c)]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "field", "value", "reason", *columns])
        for row in report.rejected:
            writer.writerow([
                row.line,
                "; ".join(p.field for p in row.problems),
                "; ".join("" if _withheld(report, p.field) else p.value for p in row.problems),
                "; ".join(p.reason for p in row.problems),
                *(row.original.get(c, "") for c in columns),
            ])
    paths.protect_if_private(out)  # the wizard saves it in the data folder: 0600 there
    return out


def write_table(path: str | Path, columns: list[str], rows: Iterable[Mapping[str, object]], sheet: str = "Sheet1") -> Path:
    """Write rows to CSV or XLSX by extension (the public export formats)."""
    import pandas as pd

    path = Path(path)
    frame = pd.DataFrame(list(rows), columns=columns)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet)
            widths = {c: max([len(str(c))] + [len(str(v)) for v in frame[c].head(200)]) for c in columns}
            for i, col in enumerate(columns):
                letter = writer.sheets[sheet].cell(row=1, column=i + 1).column_letter
                writer.sheets[sheet].column_dimensions[letter].width = min(40, widths[col] + 2)
    else:
        raise FileFormatError(f"{path.name}: export to .csv or .xlsx")
    return path
