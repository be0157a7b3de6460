"""Every JSON the command line writes carries `"schema": "mentordesk.<kind>/1"` and the top-level keys
its example in docs/formats.md shows (issue 20, item 8: stable JSON; `school_year` the same key
everywhere a year applies)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_cap_files import _full_cycle
from tests.test_state_report import district  # noqa: F401 - the hand-computed district fixture

DOC = Path(__file__).resolve().parents[1] / "docs" / "formats.md"


def documented() -> dict[str, dict]:
    text = DOC.read_text(encoding="utf-8")
    found = {kind: json.loads(body) for kind, body in
             re.findall(r"^## (mentordesk\.[a-z_]+/\d+)\n.*?```json\n(.*?)```", text, re.DOTALL | re.MULTILINE)}
    return found


KINDS = ["mentordesk.state_report/1", "mentordesk.hours/1", "mentordesk.cap/1", "mentordesk.pdp/1",
         "mentordesk.pipeline/1", "mentordesk.partnership/1", "mentordesk.match/1", "mentordesk.conflicts/1", "mentordesk.resolved_conflicts/1"]


def test_every_kind_is_documented_with_a_parsable_example():
    docs = documented()
    assert sorted(docs) == sorted(KINDS)
    for kind, example in docs.items():
        assert example["schema"] == kind
        assert f"| `{kind}` |" in DOC.read_text(encoding="utf-8")  # in the table of who writes it


def _check(kind: str, data: dict) -> None:
    example = documented()[kind]
    assert data["schema"] == kind
    assert next(iter(data)) == "schema"
    assert set(data) == set(example), (kind, set(data) ^ set(example))
    if "school_year" in example:
        assert data["school_year"] == "2025-2026"


def _written(run_cli, tmp_path, *args: str) -> dict:
    out = tmp_path / "out.json"
    code, _said, err = run_cli(*args, "--out", out)
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def _printed(run_cli, *args: str) -> dict:
    code, said, err = run_cli(*args)
    assert code == 0, err
    return json.loads(said)


def test_state_report_json(session, district, run_cli, tmp_path):  # noqa: F811
    data = _written(run_cli, tmp_path, "report", "state", "--year", "2025-2026")
    _check("mentordesk.state_report/1", data)
    example = documented()["mentordesk.state_report/1"]
    for section in ("teachers", "administrators"):
        assert set(data[section]) == set(example[section]), section
    assert set(data["administrators"]["teachers_by_school"][0]) == set(example["administrators"]["teachers_by_school"][0])


def test_hours_pdp_pipeline_partnership_and_match_json(session, district, run_cli, tmp_path):  # noqa: F811
    _check("mentordesk.hours/1", _written(run_cli, tmp_path, "report", "hours", "--year", "2025-2026"))
    _check("mentordesk.pdp/1", _written(run_cli, tmp_path, "report", "pdp", "--year", "2025-2026"))
    _check("mentordesk.pipeline/1", _written(run_cli, tmp_path, "report", "pipeline", "--year", "2025-2026"))
    partnership = _written(run_cli, tmp_path, "report", "partnership", "--year", "2025-2026")
    _check("mentordesk.partnership/1", partnership)
    assert isinstance(partnership["pipeline"], list) and isinstance(partnership["pipeline_needs"], list)
    match = _printed(run_cli, "match", "--year", "2025-2026", "--json")
    _check("mentordesk.match/1", match)
    assert match["year"] == match["school_year"]  # the older key kept for old scripts


def test_cap_json(session, run_cli, tmp_path):
    _full_cycle(session)
    data = _written(run_cli, tmp_path, "report", "cap", "--year", "2025-2026")
    _check("mentordesk.cap/1", data)
    example = documented()["mentordesk.cap/1"]["candidates"][0]
    assert set(data["candidates"][0]) == set(example)


@pytest.mark.parametrize(("args", "kind"), [(("conflicts", "--json"), "mentordesk.conflicts/1"),
                                            (("conflicts", "--resolved", "--json"), "mentordesk.resolved_conflicts/1")])
def test_conflicts_json(run_cli, args, kind):
    _check(kind, _printed(run_cli, *args))
