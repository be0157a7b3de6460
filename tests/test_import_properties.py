"""Property tests: whatever a spreadsheet holds, the importers never crash, never half-write, and
every rejected row carries its line and a reason."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import Educator
from app.services.roster.educators import ROSTER_FIELDS
from app.errors import MentorDeskError
from app.services.roster.files import import_roster

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Plausible and implausible cell values, mixed: real-looking values make rows pass sometimes.
cell = st.one_of(
    st.sampled_from(["", "E1", "E2", "Ana", "Initial", "Professional", "Proficient", "teacher", "K-2",
                     "9-12", "2025-08-20", "8/20/2025", "2/30/2025", "-1", "3", "x", "beginning", "N/A"]),
    st.text(max_size=12),
)
row = st.fixed_dictionaries({f: cell for f in ROSTER_FIELDS})


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ROSTER_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _count(database) -> int:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.scalar(select(func.count(Educator.id)).execution_options(include_deleted=True))


@PROPERTY
@given(rows=st.lists(row, max_size=8), strict=st.booleans())
def test_random_rows_are_accounted_for_and_never_half_written(tmp_path_factory, database, rows, strict):
    path = _write(tmp_path_factory.mktemp("p") / "roster.csv", rows)
    before = _count(database)
    with database.unit_of_work() as session:
        report = import_roster(session, path, year_label="2025-2026", strict=strict)
    filled = [r for r in rows if any(value.strip() for value in r.values())]  # blank rows are skipped
    assert report.new + report.changed + report.unchanged + len(report.rejected) == len(filled)
    for rejected in report.rejected:
        assert 2 <= rejected.line <= len(rows) + 1 and rejected.reason
    expected = before if (strict and report.rejected) else before + report.new
    assert _count(database) == expected


@PROPERTY
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_give_a_clear_error_or_rejections_never_a_crash(tmp_path_factory, database, data, suffix):
    path = tmp_path_factory.mktemp("b") / f"roster{suffix}"
    path.write_bytes(data)
    before = _count(database)
    try:
        with database.unit_of_work() as session:
            report = import_roster(session, path, strict=True)
    except MentorDeskError as exc:
        assert path.name in str(exc) or str(exc)
        assert _count(database) == before
        return
    assert all(r.line >= 2 and r.reason for r in report.rejected)
