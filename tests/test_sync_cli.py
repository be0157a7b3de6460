"""`mentordesk sync ...` and `mentordesk conflicts` on real database files and a shared folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.models import derived_id
from tests.test_sync_support import edit_educator


def _cli(capsys, db: Path, *args: str) -> tuple[int, str]:
    code = main([*map(str, args), "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out + err


def _edit(db: Path, employee_id: str, **values: object) -> None:
    edit_educator(db, employee_id, ("Ann", "Lee"), **values)


@pytest.fixture
def laptops(tmp_path: Path, migrated_template: Path) -> tuple[Path, Path, Path]:
    secret = tmp_path / "district-secret.txt"
    secret.write_text("correct horse battery staple\n")
    dbs = []
    for name in ("coordinator", "sp"):
        path = tmp_path / name / "mentordesk.sqlite3"
        path.parent.mkdir()
        shutil.copy(migrated_template, path)
        dbs.append(path)
    return dbs[0], dbs[1], secret


def test_two_laptops_exchange_through_a_shared_folder_and_list_the_conflict(tmp_path, laptops, capsys):
    coordinator, sp, secret = laptops
    _edit(coordinator, "E1", room="101")  # made before setup: the setup back-fills it
    code, out = _cli(capsys, coordinator, "sync", "setup", "--secret-file", secret, "--name", "Coordinator")
    assert code == 0 and "recorded 1 existing records" in out
    assert _cli(capsys, sp, "sync", "setup", "--secret-file", secret, "--name", "SP Rivera")[0] == 0
    shared = tmp_path / "shared"
    code, out = _cli(capsys, coordinator, "sync", "folder", shared)
    assert code == 0 and "wrote" in out
    code, out = _cli(capsys, sp, "sync", "folder", shared)
    assert code == 0 and "applied: 1 new of 1 changes" in out
    _edit(coordinator, "E1", room="202")
    _edit(sp, "E1", room="303")
    for db in (coordinator, sp, coordinator):
        assert _cli(capsys, db, "sync", "folder", shared)[0] == 0
    outputs = [json.loads(_cli(capsys, db, "conflicts", "--json")[1]) for db in (coordinator, sp)]
    assert outputs[0] == outputs[1]
    (conflict,) = outputs[0]["conflicts"]
    assert (conflict["table"], conflict["field"]) == ("educator", "room")
    assert conflict["record"] == str(derived_id("educator", "E1"))
    assert {(v["value"], v["by"]) for v in conflict["values"]} == {("202", "Coordinator"), ("303", "SP Rivera")}
    assert all(v["at"] for v in conflict["values"])
    code, out = _cli(capsys, sp, "sync", "status")
    assert "this laptop: SP Rivera" in out and "partner: Coordinator" in out and "conflicts: 1" in out
    code, out = _cli(capsys, sp, "conflicts")
    assert "educator Ann Lee (E1)" in out and "'202' by Coordinator" in out
    assert _cli(capsys, sp, "conflicts", "--resolved")[1].strip() == "no conflicts settled yet"
    _edit(sp, "E1", room="404")  # an edit of a conflicted field settles it
    code, out = _cli(capsys, sp, "conflicts", "--resolved", "--json")
    (settled,) = json.loads(out)["resolved"]
    assert (settled["field"], settled["kept"]["value"], settled["kept"]["by"]) == ("room", "404", "SP Rivera")
    assert {v["value"] for v in settled["values"]} == {"202", "303"}
    assert json.loads(_cli(capsys, sp, "conflicts", "--json")[1]) == {"schema": "mentordesk.conflicts/1",
                                                                     "conflicts": []}


def test_export_to_a_file_for_one_partner_and_import_it(tmp_path, laptops, capsys):
    coordinator, sp, secret = laptops
    for db in (coordinator, sp):
        _cli(capsys, db, "sync", "setup", "--secret-file", secret)
    hello = tmp_path / "hello.mdsync"
    assert _cli(capsys, sp, "sync", "export", "--to", hello)[0] == 0
    assert _cli(capsys, coordinator, "sync", "import", hello)[0] == 0
    _edit(coordinator, "E5")
    sp_id = _cli(capsys, sp, "sync", "status")[1].split("(replica ")[1].split(")")[0]
    usb = tmp_path / "usb" / "for-sp.mdsync"
    code, out = _cli(capsys, coordinator, "sync", "export", "--to", usb, "--for", sp_id)
    assert code == 0 and "1 changes" in out
    code, out = _cli(capsys, coordinator, "sync", "export", "--to", usb, "--for", sp_id)
    assert code == 1 and "never rewritten" in out
    code, out = _cli(capsys, sp, "sync", "import", usb)
    assert code == 0 and "applied" in out


def test_a_database_in_a_synced_folder_is_refused(tmp_path, laptops, capsys):
    _coordinator, sp, secret = laptops
    synced = tmp_path / "OneDrive - Springfield Schools" / "mentordesk.sqlite3"
    synced.parent.mkdir()
    shutil.copy(sp, synced)
    code, out = _cli(capsys, synced, "sync", "setup", "--secret-file", secret)
    assert code == 1 and "synced folder" in out
    code, out = _cli(capsys, synced, "sync", "status")  # the app refuses to open it at all
    assert code == 1 and "corrupts it" in out


def test_a_bundle_of_another_district_is_reported_not_applied(tmp_path, laptops, capsys):
    coordinator, sp, secret = laptops
    other = tmp_path / "other-secret.txt"
    other.write_text("another district's secret")
    _cli(capsys, coordinator, "sync", "setup", "--secret-file", secret)
    _cli(capsys, sp, "sync", "setup", "--secret-file", other)
    bundle = tmp_path / "c.mdsync"
    _cli(capsys, coordinator, "sync", "export", "--to", bundle)
    code, out = _cli(capsys, sp, "sync", "import", bundle)
    assert code == 1 and "not applied" in out
