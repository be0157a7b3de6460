"""Roster import of the large demo roster (10,000 rows), CSV and XLSX, end to end (read, check,
write, commit) against pandas reading the same file alone (XLSX with calamine, as the import
reads it). Target: <= 3 s.

Each timed import gets a new, already migrated database file: making one is not part of an
import. One untimed import first pays the one-time costs (importing and mapping the models),
which the startup benchmark measures."""

from __future__ import annotations

import csv

from benchmarks.common import SCRATCH, fresh_database, median_seconds

YEAR = "2025-2026"
RUNS = 3


def _files() -> dict[str, object]:
    import pandas as pd

    from app.services.demo.roster import demo_roster
    from app.services.roster.educators import ROSTER_FIELDS

    rows = demo_roster("large", 1, YEAR)
    csv_path = SCRATCH / "roster-large.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ROSTER_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    xlsx_path = SCRATCH / "roster-large.xlsx"
    pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_excel(xlsx_path, index=False)
    return {"csv": csv_path, "xlsx": xlsx_path, "rows": len(rows)}


def _import(path, database_path: str) -> None:  # type: ignore[no-untyped-def]
    from app.db import Database
    from app.services.roster.files import import_roster

    database = Database.open(database_path)
    with database.unit_of_work() as session:
        report = import_roster(session, path, year_label=YEAR)
    database.dispose()
    assert report.new == 10_000 and not report.rejected, report.summary()


def run() -> dict[str, object]:
    import pandas as pd

    files = _files()
    results: dict[str, object] = {"rows": files["rows"]}
    _import(files["csv"], fresh_database("warm-up"))
    for kind, reader in (("csv", lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)),
                         ("xlsx", lambda p: pd.read_excel(p, dtype=object, engine="calamine"))):
        path = files[kind]
        pandas_s = median_seconds(lambda: reader(path))
        databases = iter([fresh_database(f"import-{kind}-{run}") for run in range(RUNS)])
        import_s = median_seconds(lambda: _import(path, next(databases)), repeat=RUNS)
        results[f"import_{kind}_s"] = round(import_s, 2)
        results[f"pandas_read_{kind}_s"] = round(pandas_s, 2)
        results[f"ratio_{kind}_to_pandas"] = round(import_s / pandas_s, 1)
    return results
