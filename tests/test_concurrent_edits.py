"""Two people save the same educator: the second is told who changed it and when, nothing is lost."""

from __future__ import annotations

import dataclasses

import pytest

from app.db import Database
from app.models import Educator, derived_id
from app.services.educators import load_form, save_form
from app.services.errors import StaleRecordError


def test_second_save_is_refused_then_overwrites_on_request(database, db_url):
    with database.unit_of_work() as s:
        s.add(Educator(id=derived_id("educator", "E1"), employee_id="E1", first_name="Ana", last_name="Silva"))
    alice, bob = Database.open(db_url, actor="alice"), Database.open(db_url, actor="bob")
    try:
        eid = derived_id("educator", "E1")
        with alice.read() as s:
            form_a = load_form(s, eid, "2025-2026")
        with bob.read() as s:
            form_b = load_form(s, eid, "2025-2026")
        with alice.unit_of_work() as s:
            save_form(s, dataclasses.replace(form_a, fields={**form_a.fields, "room": "101"}), "2025-2026")
        with pytest.raises(StaleRecordError, match=r"changed by alice at \d\d:\d\d"), bob.unit_of_work() as s:
            save_form(s, dataclasses.replace(form_b, fields={**form_b.fields, "room": "202"}), "2025-2026")
        with bob.read() as s:
            assert s.get(Educator, eid).room == "101"  # alice's save stands
        with bob.unit_of_work() as s:
            saved = save_form(s, dataclasses.replace(form_b, fields={**form_b.fields, "room": "202"}), "2025-2026",
                              overwrite=True)
        assert saved.fields["room"] == "202"
        with alice.read() as s:
            assert s.get(Educator, eid).updated_by == "bob"
    finally:
        alice.dispose()
        bob.dispose()
