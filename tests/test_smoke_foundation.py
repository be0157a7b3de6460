import datetime as dt

from sqlalchemy import select

from app.models import Educator


def test_import_roster_cli_roundtrip(tmp_path, run_cli, database):
    src = tmp_path / "roster.csv"
    src.write_text(
        "Employee ID,First Name,Last Name,School,Subjects,Grades,License,Years,Hire Date\n"
        "E1,Ana,Silva,Lincoln Elementary,Elementary 1-6,K-2,Initial,0,8/20/2025\n"
        "E2,Ben,Okafor,Lincoln Elementary,Mathematics 5-8,6;7,Professional,9,2011-08-28\n"
    )
    code, out, err = run_cli("import", "roster", src, "--year", "2025-2026")
    assert code == 0, out + err
    assert "2 new" in out
    code, out, _ = run_cli("import", "roster", src, "--year", "2025-2026")
    assert "0 new, 0 changed, 2 unchanged" in out
    with database.read() as s:
        ana = s.scalars(select(Educator).where(Educator.employee_id == "E1")).one()
        assert ana.grades == ["K", "1", "2"]
        assert ana.hire_date == dt.date(2025, 8, 20)
        assert ana.created_at.tzinfo is not None


def test_db_option_works_before_or_after_the_command(tmp_path, capsys):
    """`mentordesk --db X import ...` and `mentordesk import ... --db X` write to X, never to the
    default database in the user data folder."""
    from app.cli import main

    src = tmp_path / "roster.csv"
    src.write_text("Employee ID,First Name,Last Name,School,License,Years\n"
                   "E1,Ana,Silva,Lincoln Elementary,Initial,0\n")
    before, after = tmp_path / "before.sqlite3", tmp_path / "after.sqlite3"
    assert main(["--db", str(before), "import", "roster", str(src), "--year", "2025-2026"]) == 0
    assert main(["import", "roster", str(src), "--year", "2025-2026", "--db", str(after)]) == 0
    assert "1 new" in capsys.readouterr().out
    for path in (before, after):
        out = tmp_path / f"{path.stem}.csv"
        assert main(["export", "roster", "--out", str(out), "--db", str(path)]) == 0
        assert "Ana" in out.read_text()
