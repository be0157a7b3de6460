"""Drafts of CAP observations: written whole or not at all, restored, discarded once saved."""

from __future__ import annotations

from app.services.cap import drafts as cap_drafts


def test_draft_round_trip_and_discard():
    key = cap_drafts.observation_key("p1")
    assert cap_drafts.load_draft(key) is None
    cap_drafts.save_draft(key, {"evidence": {"I-A-1": "first"}})
    cap_drafts.save_draft(key, {"evidence": {"I-A-1": "first, then more"}})
    assert cap_drafts.load_draft(key) == {"evidence": {"I-A-1": "first, then more"}}
    assert cap_drafts.saved_at(key) is not None
    assert cap_drafts.list_drafts() == [key]
    assert not list(cap_drafts.drafts_dir().glob("*.tmp"))  # replaced atomically, no leftovers
    cap_drafts.discard_draft(key)
    assert cap_drafts.load_draft(key) is None and cap_drafts.list_drafts() == []


def test_unicode_and_damaged_files():
    key = cap_drafts.observation_key("p2", "o9")
    cap_drafts.save_draft(key, {"note": "Élodie — “quoted” ✓"})
    assert cap_drafts.load_draft(key) == {"note": "Élodie — “quoted” ✓"}
    path = next(cap_drafts.drafts_dir().glob("*.json"))
    path.write_text("{ half a fi")  # a disk that failed mid-write (the atomic replace prevents it)
    assert cap_drafts.load_draft(key) is None
    assert list(cap_drafts.drafts_dir().glob("*.damaged"))  # kept aside, not thrown away


def test_a_draft_keeps_the_base_it_was_typed_over():
    """Editing a saved record, the draft keeps what the form opened (values and versions), so a draft
    restored after a restart is still saved as the person's changes, checked against those versions."""
    key = cap_drafts.evidence_key("p3", "e1")
    base = {"values": {"note": "as opened"}, "versions": {"evidence": 3}}
    cap_drafts.save_draft(key, {"note": "as typed"}, base=base)
    assert cap_drafts.load_draft(key) == {"note": "as typed"} and cap_drafts.load_base(key) == base
    cap_drafts.save_draft(key, {"note": "as typed"})  # a new record's draft has none
    assert cap_drafts.load_base(key) is None
    cap_drafts.discard_draft(key)
    assert cap_drafts.load_base(key) is None
