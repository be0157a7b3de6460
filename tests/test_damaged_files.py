"""Damaged, missing and foreign database files (issue 19): refused with one plain line and exit 1,
never overwritten, never a traceback, never an output file; the message names the most recent good
backup and the command that restores it, and that command works."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main

PAGE = 4096


@pytest.fixture
def district(migrated_template: Path, tmp_path: Path) -> Path:
    """A real database with a year and a few hundred educators (many pages), as one file (no WAL)."""
    path = tmp_path / "district.sqlite3"
    shutil.copy(migrated_template, path)
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,first_name,last_name,school\n"
                      + "".join(f"E{i:04},First{i},Last{i},School {i % 7}\n" for i in range(400)), encoding="utf-8")
    assert main(["import", "roster", str(roster), "--year", "2025-2026", "--db", str(path)]) == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


def cli(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _btree_pages(path: Path) -> list[int]:
    """Pages of the educator table's b-tree (where an export reads), found with the dbstat-free way:
    the table's root page and the pages after it."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'educator'").fetchone()[0]
    conn.close()
    return [root]


def truncated(data: bytes, _root: int) -> bytes:
    return data[: len(data) * 6 // 10]


def flipped(data: bytes, root: int) -> bytes:
    start = (root - 1) * PAGE
    return data[:start] + bytes(b ^ 0xFF for b in data[start:start + 16]) + data[start + 16:]


def zeroed(data: bytes, root: int) -> bytes:
    start = (root - 1) * PAGE
    return data[:start] + bytes(PAGE) + data[start + PAGE:]


def text_file(_data: bytes, _root: int) -> bytes:
    return b"employee_id,first_name\nE1,Ana\n"


def empty(_data: bytes, _root: int) -> bytes:
    return b""


@pytest.mark.parametrize("damage", [truncated, flipped, zeroed, text_file, empty])
def test_a_damaged_file_is_refused_plainly_with_no_output_and_the_backup_named(district, tmp_path, capsys, damage):
    from app import dbfiles, paths

    backup = paths.backup_dir() / "district-before-upgrade-20261201-101010-000000.sqlite3"
    dbfiles.online_backup(district, backup)
    data = district.read_bytes()
    district.write_bytes(damage(data, _btree_pages(district)[0]))
    damaged = district.read_bytes()
    for command in (["export", "roster", "--out", tmp_path / "roster-out.csv"],
                    ["report", "state", "--year", "2025-2026", "--out", tmp_path / "state.json"],
                    ["db", "check"]):
        code, out, err = cli(capsys, *command, "--db", district)
        assert code == 1, (command, out, err)
        assert "Traceback" not in out + err and "unexpected" not in err
        said = out + err
        assert len(err.splitlines()) == 1 and ("is damaged (" in said) == (damage not in (text_file, empty))
        assert str(backup) in said and f'mentordesk db restore "{backup}"' in said
    assert not (tmp_path / "roster-out.csv").exists() and not (tmp_path / "state.json").exists()
    assert district.read_bytes() == damaged  # refused, never written to
    # the command the message gives puts the backup back and keeps the damaged file aside
    code, out, _ = cli(capsys, "db", "restore", backup, "--db", district)
    assert code == 0 and "before-restore" in out
    assert (tmp_path / "district.sqlite3.before-restore").read_bytes() == damaged
    code, out, _ = cli(capsys, "db", "check", "--db", district)
    assert code == 0 and "integrity: ok" in out
    assert cli(capsys, "export", "roster", "--out", tmp_path / "roster-out.csv", "--db", district)[0] == 0
    assert len((tmp_path / "roster-out.csv").read_text(encoding="utf-8").splitlines()) == 401


def test_an_empty_file_is_never_turned_into_a_database_even_by_a_creating_command(tmp_path, capsys):
    path = tmp_path / "mentordesk.sqlite3"
    path.write_bytes(b"")
    code, _, err = cli(capsys, "demo", "--db", path)
    assert code == 1 and "empty file (0 bytes)" in err and "Traceback" not in err
    assert path.read_bytes() == b""


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path, capsys):
    path = tmp_path / "grades.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE gradebook (student TEXT, grade TEXT)")
    conn.execute("INSERT INTO gradebook VALUES ('x', 'A')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for command in (["db", "upgrade"], ["export", "roster", "--out", tmp_path / "r.csv"]):
        code, _, err = cli(capsys, *command, "--db", path)
        assert code == 1 and "not a MentorDesk one" in err and "gradebook" in err
    assert path.read_bytes() == before


def test_a_mistyped_db_never_creates_a_database(district, tmp_path, capsys):
    typo = tmp_path / "distirct.sqlite3"
    for command in (["export", "roster", "--out", tmp_path / "r.csv"], ["report", "state", "--year", "2025-2026",
                    "--out", tmp_path / "s.json"], ["db", "check"], ["conflicts"], ["sync", "status"],
                    ["match", "--year", "2025-2026"]):
        code, out, err = cli(capsys, *command, "--db", typo)
        assert code == 1 and f"There is no database at {typo}" in err and "district.sqlite3" in err, (command, err)
        assert "wrote" not in out
    code, _, err = cli(capsys, "export", "roster", "--out", tmp_path / "r.csv", "--db", tmp_path / "no" / "x.sqlite3")
    assert code == 1 and "does not exist" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == ["district.sqlite3"]
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "s.json").exists()


def test_an_unknown_year_is_refused_naming_the_years_and_creates_none(district, tmp_path, capsys):
    code, _, err = cli(capsys, "report", "state", "--year", "2031-2032", "--out", tmp_path / "s.json", "--db", district)
    assert code == 1 and "no school year 2031-2032 (it has: 2025-2026)" in err
    assert not (tmp_path / "s.json").exists()
    cli(capsys, "export", "roster", "--out", tmp_path / "r.csv", "--db", district)  # default year: the current one
    conn = sqlite3.connect(district)
    assert [r[0] for r in conn.execute("SELECT label FROM school_year")] == ["2025-2026"]
    conn.close()


def test_creating_commands_say_they_created_a_database(tmp_path, capsys):
    path = tmp_path / "new.sqlite3"
    code, out, _ = cli(capsys, "db", "upgrade", "--db", path)
    assert code == 0 and f"created a new database at {path}" in out
    code, out, _ = cli(capsys, "db", "upgrade", "--db", path)
    assert code == 0 and "created" not in out


def test_backups_are_listed_with_when_revision_and_size_and_restore_keeps_the_current_file(tmp_path, capsys):
    from app import dbfiles

    path = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema-0001.sqlite3", path)
    code, out, _ = cli(capsys, "db", "upgrade", "--db", path)
    assert code == 0 and "0001_foundation -> " in out
    code, out, _ = cli(capsys, "db", "backups", "--db", path)
    listed = [line for line in out.splitlines() if "before-upgrade" in line]
    assert code == 0 and len(listed) == 1 and "schema 0001_foundation" in listed[0] and " MB " in listed[0]
    backup = dbfiles.backups(path)[0]
    assert backup.size == backup.path.stat().st_size and not dbfiles.quick_check(backup.path)
    code, out, _ = cli(capsys, "db", "restore", backup.path.name, "--db", path)  # the name as listed is enough
    assert code == 0 and f"kept as {path}.before-restore" in out
    assert dbfiles.backups(path)[0].revision == "0001_foundation"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_foundation"
    conn.close()
    conn = sqlite3.connect(f"{path}.before-restore")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "0001_foundation"
    conn.close()
    code, _, err = cli(capsys, "db", "restore", "nope.sqlite3", "--db", path)
    assert code == 1 and "no backup file nope.sqlite3" in err and "db backups` lists 1" in err


def test_a_writing_command_that_meets_damage_says_so_plainly(district, tmp_path, capsys):
    """Commands that do not run quick_check first (an import) still give one plain line and exit 1
    when SQLite reports the file malformed, and the import writes nothing."""
    data = district.read_bytes()
    district.write_bytes(flipped(data, _btree_pages(district)[0]))
    roster = tmp_path / "more.csv"
    roster.write_text("employee_id,first_name,last_name\nE9999,New,Person\n", encoding="utf-8")
    code, out, err = cli(capsys, "import", "roster", roster, "--year", "2025-2026", "--db", district)
    assert code == 1 and "is damaged (" in err and "Traceback" not in out + err and "unexpected" not in err
    assert "There is no backup of it" in err
