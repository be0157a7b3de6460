"""Property: what is owed is exactly what the edition's minimums still need. Owing nothing means every minimum
is met; holding the owed observations meets every minimum; each edition, any mix of observations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services import cap
from app.services.cap import observation as cap_observations
from app.services.cap import rubrics as cap_rubrics

OBS = st.lists(st.tuples(st.sampled_from(("announced", "unannounced")), st.sampled_from(("sp", "ps", "both"))),
               max_size=8)


def _all_met(rubric, held) -> bool:  # type: ignore[no-untyped-def]
    return all(sum(cap_observations._matches(k, o, m.kind, m.observer) for k, o in held) >= m.count for m in rubric.minimums)


def _as_observations(owed: list[str]) -> list[tuple[str, str]]:
    """Turn '2 unannounced observations by the SP' back into observations (kind 'any' made announced)."""
    made = []
    for line in owed:
        words = line.split()
        n = int(words[0])
        kind = words[1] if words[1] in ("announced", "unannounced") else "announced"
        observer = "sp" if line.endswith("by the SP") else "ps" if line.endswith("by the PS") else "sp"
        made += [(kind, observer)] * n
    return made


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["2016", "2019", "2024"])
@settings(max_examples=300, deadline=None)
@given(held=OBS)
def test_owed_is_what_the_minimums_still_need(edition, held):
    rubric = cap_rubrics.get(edition)
    owed = cap.owed_observations(rubric, held)
    assert (owed == []) == _all_met(rubric, held)
    assert _all_met(rubric, held + _as_observations(owed))
    # never asks for more than the minimums in all: at most the total minimum beyond what was held
    total_minimum = max(m.count for m in rubric.minimums if m.kind == "any" and m.observer == "any")
    per_observer = sum(m.count for m in rubric.minimums if m.observer != "any" and m.kind != "any")
    assert len(_as_observations(owed)) <= max(total_minimum, per_observer)
