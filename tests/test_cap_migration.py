"""Revision 0009: the rating levels leave the database (no CHECK: the edition file decides), a candidate's
required hours follow the table unless overridden, observations keep the early literacy look-fors seen.
Down and up again keeps every row."""

from __future__ import annotations

import json

from sqlalchemy import text

from app import db
from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from tests.cap_fixtures import make_candidate, make_world

P, NI = "Proficient", "Needs Improvement"


def test_0009_down_and_up_keeps_hours_and_ratings(db_url, tmp_path, monkeypatch):
    database = db.Database.open(db_url)
    try:
        with database.unit_of_work() as s:
            _school, sp, other, org = make_world(s)
            cap.set_hours_requirement(s, "Elementary", 320, 100)
            _c, follows = make_candidate(s, org, sp)
            _c2, own = make_candidate(s, org, other, first="Ben", last="Hart", number="C-002")
            cap.set_candidate_hours(s, own.id, 280)
            cap.set_rating(s, follows.id, stage="formative", rater="joint", element_code="I-A-1", quality=P,
                           scope=NI, consistency=NI)
            ids = follows.id, own.id
        db.downgrade(database.engine, "0008_sync_history")
        with database.engine.connect() as conn:
            hours = dict(conn.execute(text("SELECT last_name, hours_required FROM cap_candidate")).all())
        assert hours == {"Silva": 320, "Hart": 280}  # the table's number written back; the override kept
        db.upgrade(database.engine)
        assert db.current_revision(database.engine) == db.head_revision()
        with database.read() as s:
            first, second = (cap.summary(s, i) for i in ids)
            assert (first.hours_required, first.hours_overridden) == (320, False)  # a copy: follows the table again
            assert (second.hours_required, second.hours_overridden) == (280, True)
            assert first.elements[0].formative == {"quality": P, "scope": NI, "consistency": NI}
        # with the CHECK gone, a level the program adds to its edition file is stored
        folder = tmp_path / "cap"
        folder.mkdir()
        source = json.loads((cap_rubrics.editions_dir() / "cap_2024.json").read_text())
        source["rating_levels"] = ["Unsatisfactory", "Developing", NI, P, "Exemplary"]
        (folder / "cap_2024.json").write_text(json.dumps(source))
        monkeypatch.setattr(cap_rubrics, "editions_dir", lambda: folder)
        with database.unit_of_work() as s:
            cap.set_rating(s, ids[0], stage="summative", rater="joint", element_code="I-A-1", quality="Developing",
                           scope="Developing", consistency="Developing")
        with database.read() as s:
            assert cap.summary(s, ids[0]).elements[0].summative["quality"] == "Developing"
        db.downgrade(database.engine, "0008_sync_history")  # a level the old schema refuses is cleared
        with database.engine.connect() as conn:
            levels = set(conn.execute(text("SELECT quality FROM cap_rating")).scalars())
        assert levels == {P, None}
        db.upgrade(database.engine)
    finally:
        database.dispose()
