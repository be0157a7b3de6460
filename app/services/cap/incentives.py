"""What supervising practitioners are offered for hosting a candidate: the district's (or the sponsoring
organization's) incentives policy, kept as settings (services/settings.py, the Settings page) and shown where
SPs are chosen (the SP pool, Add candidate) and in the reports (report cap, report pdp, report pipeline).

000, "Incentives and Opportunities for Supervising Practitioners and Mentors": "Preparation programs and
districts often provide additional benefits to teacher leaders serving as supervising practitioners and
mentors"; SPs are more often given "vouchers for graduate courses", mentors "stipends"; the list includes
release time, public recognition, PDPs and stipends. 000 (SP column): "Ed prep programs often provide
incentives including PDPs or vouchers for graduate courses (varies by program)". PDPs for SPs: DESE memo to
sponsoring organizations, December 2015 (up to 20 a calendar year for serving, 10 for SP training).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.services import settings

CITATION = "000, Incentives and Opportunities for Supervising Practitioners and Mentors"
SOURCES = ("district", "sponsoring organization", "both")
KEYS = ("sp_incentives_from", "sp_stipend", "sp_pdps", "sp_course_voucher", "sp_release_time", "sp_recognition",
        "sp_other_incentives")


@dataclass(frozen=True)
class Incentive:
    name: str  # stipend | pdps | course_voucher | release_time | recognition | other
    label: str
    detail: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


@dataclass(frozen=True)
class SpIncentives:
    offered_by: str
    items: tuple[Incentive, ...]

    @property
    def text(self) -> str:
        """One plain line, e.g. "$500 stipend; PDPs (up to 20 a year, 10 for SP training); ..."."""
        if not self.items:
            return "No incentives recorded for supervising practitioners (Settings)."
        who = {"both": "the district and the sponsoring organization"}.get(self.offered_by,
                                                                            f"the {self.offered_by}")
        return f"Offered by {who}: " + "; ".join(i.text for i in self.items) + "."

    @property
    def short_text(self) -> str:
        """The same on one short line: the names, with a stipend's amount and a voucher's words."""
        if not self.items:
            return "none recorded (Settings)"
        parts = [i.detail if i.name == "stipend" else i.text if i.name in ("course_voucher", "other") else i.label
                 for i in self.items]
        who = "district and sponsoring organization" if self.offered_by == "both" else self.offered_by
        return "; ".join(parts) + f" (from the {who})"

    def as_json(self) -> dict[str, Any]:
        return {"offered_by": self.offered_by, "citation": CITATION,
                "items": [{"name": i.name, "label": i.label, "detail": i.detail} for i in self.items]}


def from_values(values: dict[str, Any]) -> SpIncentives:
    """The policy from settings values (settings.get_all, or the Settings page's unsaved form)."""
    items = []
    stipend = values.get("sp_stipend") or 0
    if isinstance(stipend, int) and not isinstance(stipend, bool) and stipend > 0:
        items.append(Incentive("stipend", "Stipend", f"${stipend:,} per candidate"))
    if values.get("sp_pdps"):
        items.append(Incentive("pdps", "PDPs", "up to 20 a calendar year for serving, up to 10 for SP training of "
                                               "at least 6 hours (DESE memo, December 2015)"))
    voucher = str(values.get("sp_course_voucher") or "").strip()
    if voucher:
        items.append(Incentive("course_voucher", "Graduate course voucher", voucher))
    if values.get("sp_release_time"):
        items.append(Incentive("release_time", "Release time", ""))
    if values.get("sp_recognition"):
        items.append(Incentive("recognition", "Public recognition", ""))
    other = str(values.get("sp_other_incentives") or "").strip()
    if other:
        items.append(Incentive("other", "Other", other))
    source = str(values.get("sp_incentives_from") or SOURCES[1])
    return SpIncentives(source if source in SOURCES else SOURCES[1], tuple(items))


def sp_incentives(session: Session) -> SpIncentives:
    return from_values({key: settings.get(session, key) for key in KEYS})
