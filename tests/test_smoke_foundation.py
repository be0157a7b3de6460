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
