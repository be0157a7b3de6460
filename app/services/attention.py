"""Dashboard cards: what needs a coordinator's attention. Each capability contributes providers.

A provider is "module:function", called as fn(session, year_label) -> AttentionCard, or None
when there is nothing to check yet. The
dashboard and the reports' readiness check both ask here, so a figure is computed once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AttentionItem:
    text: str  # e.g. "Ana Silva (Lincoln Elementary): 3 days left"
    educator_id: object | None = None  # lets the UI jump to the person
    overdue: bool = False


@dataclass(frozen=True)
class AttentionCard:
    key: str
    title: str
    citation: str  # the rule behind the card, e.g. "603 CMR 7.12(2)(b)"
    items: list[AttentionItem] = field(default_factory=list)
    summary: str = ""  # e.g. "All 12 beginning teachers have a trained mentor"
    area: str = ""  # the sidebar area where it is fixed: "people", "matching", "timelogs", "schedule"...

    @property
    def status(self) -> str:
        if any(i.overdue for i in self.items):
            return "overdue"
        return "warning" if self.items else "ok"


# Registered providers, in the order the dashboard shows them.
PROVIDERS: tuple[str, ...] = (
    "app.services.roster.new_hires:needs_decision_card",  # 603 CMR 7.12(1), 7.13(1): no new hire left without a status
    "app.services.matching.assignments:two_week_card",  # 603 CMR 7.12(2)(b): a trained mentor within two weeks
    "app.services.matching.refreshers:refresher_card",  # 004, Mentor Training: a refresher component
    "app.services.timelogs.logs:attention_card",  # pairs with no time logged in `stale_pair_weeks` weeks
    "app.services.timelogs.release:release_card",  # 603 CMR 7.12(2)(d): release time, when the district promises it
    "app.services.scheduling:orientation_card",  # 603 CMR 7.12(2)(a); 7.13: orientation by the first day
    "app.services.scheduling:team_meeting_card",  # 004: the support team meets the beginning teacher first
    "app.services.scheduling:team_complete_card",
    "app.services.partnership.agreements:expiry_card",  # 001: the compact and data sharing agreement kept current
    "app.services.reports.due_date:state_report_due_card",  # 004, Reporting: by July 31, shown from June 1  # 603 CMR 7.12(2)(c): mentor + administrator who evaluates
)


def collect(session: Session, year_label: str) -> list[AttentionCard]:
    cards = []
    for spec in PROVIDERS:
        module, function = spec.split(":")
        card = getattr(importlib.import_module(module), function)(session, year_label)
        if card is not None:  # None: nothing to check yet (e.g. no pairs this year)
            cards.append(card)
    return cards
