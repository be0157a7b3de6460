"""The SP incentives policy (000, "Incentives and Opportunities for Supervising Practitioners and Mentors":
stipends, PDPs, graduate course vouchers, release time, public recognition...) kept as settings, checked by
the Settings form, and carried in report cap, report pdp and report pipeline JSON."""

from __future__ import annotations

import json

import pytest

from app.errors import ValidationError
from app.services import settings
from app.services.cap.incentives import from_values, sp_incentives
from app.services.district.settings_form import save_settings
from app.services.years import ensure_year

YEAR = "2025-2026"


def test_defaults_are_pdps_from_the_sponsoring_organization(session):
    policy = sp_incentives(session)
    assert policy.offered_by == "sponsoring organization"  # 000: "Ed prep programs often provide incentives"
    assert [i.name for i in policy.items] == ["pdps"]
    assert "December 2015" in policy.items[0].detail


def test_each_incentive_in_order_and_none():
    policy = from_values({"sp_incentives_from": "district", "sp_stipend": 1500, "sp_pdps": True,
                          "sp_course_voucher": " 3 graduate credits ", "sp_release_time": True,
                          "sp_recognition": True, "sp_other_incentives": "an extra personal day"})
    assert [i.text for i in policy.items] == [
        "Stipend: $1,500 per candidate", policy.items[1].text, "Graduate course voucher: 3 graduate credits",
        "Release time", "Public recognition", "Other: an extra personal day"]
    assert policy.text.startswith("Offered by the district: Stipend: $1,500 per candidate; PDPs: up to 20")
    assert policy.short_text == ("$1,500 per candidate; PDPs; Graduate course voucher: 3 graduate credits; "
                                 "Release time; Public recognition; Other: an extra personal day (from the district)")
    none = from_values({"sp_pdps": False, "sp_stipend": 0})
    assert none.items == () and "No incentives" in none.text


@pytest.mark.parametrize(("key", "value", "words"), [
    ("sp_incentives_from", "the PTA", "must be one of"),
    ("sp_stipend", -1, "cannot be below 0"),
    ("sp_course_voucher", "x" * 201, "longer than 200"),
])
def test_settings_form_refuses(session, key, value, words):
    with pytest.raises(ValidationError) as err:
        save_settings(session, {key: value})
    assert any(p.field == key and words in p.reason for p in err.value.problems)


def test_blank_voucher_and_other_are_allowed(session):
    save_settings(session, {"sp_course_voucher": "", "sp_other_incentives": "", "sp_stipend": 0})
    assert settings.get(session, "sp_course_voucher") == ""


def test_reports_carry_the_policy(run_cli, session, tmp_path):
    ensure_year(session, YEAR)
    settings.set_value(session, "sp_stipend", 250)
    session.commit()
    for command, out in (("cap", "cap.json"), ("pdp", "pdp.json"), ("pipeline", "pipeline.json")):
        code, _out, err = run_cli("report", command, "--year", YEAR, "--out", tmp_path / out)
        assert code == 0, err
        data = json.loads((tmp_path / out).read_text())
        assert data["sp_incentives"]["items"][0]["detail"] == "$250 per candidate", command
        assert data["sp_incentives"]["citation"].startswith("000")
