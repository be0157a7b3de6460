"""Checking and saving the Settings page's district settings (rules here, not in the widgets)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.services import settings
from app.errors import FieldProblem, ValidationError

_MIN_INT = {"default_mentor_capacity": 1, "stale_pair_weeks": 1, "backup_keep": 1}
_OPTIONAL_TEXT = {"coordinator_name", "coordinator_email",  # blank: not given
                  "sp_course_voucher", "sp_other_incentives"}


def is_structured(key: str) -> bool:
    """Settings without a plain text, number or on/off default hold JSON (e.g. matching weights):
    the page edits them as JSON text and blank means "the default"."""
    return not isinstance(settings.SPECS[key].default, (str, int, bool))


def as_text(key: str, value: Any) -> str:
    import json

    if key in _TEXT_FORMATS:
        return _TEXT_FORMATS[key][0](value)
    if is_structured(key):
        return "" if value is None else json.dumps(value)
    return "" if value is None else str(value)


def _parse(key: str, value: Any) -> Any:
    import json

    if not is_structured(key) or not isinstance(value, str):
        return value.strip() if isinstance(value, str) else value
    if not value.strip():
        return None
    if key in _TEXT_FORMATS:
        return _TEXT_FORMATS[key][1](value)
    try:
        return json.loads(value)
    except ValueError:
        raise ValueError('must be blank or JSON such as {"subject": 3}') from None


def _problem(key: str, value: Any) -> str | None:
    """Why a value cannot be saved, or None."""
    spec = settings.SPECS[key]
    if is_structured(key):
        try:
            parsed = _parse(key, value)
        except ValueError as exc:
            return str(exc)
        return _STRUCTURED_CHECKS[key](parsed) if key in _STRUCTURED_CHECKS else None
    if isinstance(spec.default, bool):
        return None if isinstance(value, bool) else "must be on or off"
    if isinstance(spec.default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be a whole number"
        low = _MIN_INT.get(key, 0)
        return f"cannot be below {low}" if value < low else None
    text = str(value).strip()
    if not text:
        return None if key in _OPTIONAL_TEXT else "is required"
    if len(text) > 200:
        return "longer than 200 characters"
    if key == "time_zone":
        return _time_zone_problem(text)
    if key == "coordinator_email":
        return _email_problem(text)
    if key in _CHOICES and text not in (choices := _CHOICES[key]()):
        return "must be one of: " + ", ".join(choices)
    return None


def _emergency_choices() -> tuple[str, ...]:
    from app.services.roster.educators import EMERGENCY_CHOICES

    return EMERGENCY_CHOICES


def _refresher_choices() -> tuple[str, ...]:
    from app.services.matching.eligibility import REFRESHER_CHOICES

    return REFRESHER_CHOICES


def _incentive_sources() -> tuple[str, ...]:
    from app.services.cap.incentives import SOURCES

    return SOURCES


def _room_choices() -> tuple[str, ...]:
    from app.services.matching.proximity import ROOM_RULES

    return ROOM_RULES


# Text settings that take one of a few values, listed by the service that owns the rule.
_CHOICES = {"emergency_license_status": _emergency_choices, "military_spouse_license_status": _emergency_choices,
            "refresher_past_due": _refresher_choices, "sp_incentives_from": _incentive_sources,
            "room_proximity": _room_choices}


def _email_problem(text: str) -> str | None:
    from app.errors import UsageError
    from app.services.scheduling.ics import clean_email

    try:
        clean_email(text)
    except UsageError as exc:
        return str(exc)
    return None


def _weights_problem(value: Any) -> str | None:
    from app.services.matching.solver import weights_problem

    return weights_problem(value)


def _submitted_problem(value: Any) -> str | None:
    """{"2025-2026": "2026-07-20"}: school years and the day their state report was submitted."""
    import datetime as dt

    from app.errors import UsageError
    from app.services.years import parse_label

    if value is None:
        return None
    if not isinstance(value, dict):
        return 'must be blank or JSON such as {"2025-2026": "2026-07-20"}'
    for label, day in value.items():
        try:
            parse_label(str(label))
            dt.date.fromisoformat(str(day))
        except (ValueError, UsageError):
            return f'{label}: {day} is not a school year and a date such as "2025-2026": "2026-07-20"'
    return None


# Settings whose JSON has rules of its own, checked by the service that owns them.
_STRUCTURED_CHECKS = {"match_weights": _weights_problem, "state_report_submitted": _submitted_problem}


def _no_school_text(value: Any) -> str:
    from app.services.scheduling import school_days

    return school_days.format_text(value)


def _no_school_value(text: str) -> Any:
    from app.services.scheduling import school_days

    return school_days.as_setting(school_days.parse_text(text))  # ValueError names the entry


def _projections_text(value: Any) -> str:
    from app.services.cap import pipeline

    return pipeline.format_text(value)


def _projections_value(text: str) -> Any:
    from app.services.cap import pipeline

    return pipeline.as_setting(pipeline.parse_projections(text))  # ValueError names the entry


# Structured settings typed as text of their own rather than JSON: (stored -> text, text -> stored).
_TEXT_FORMATS = {"no_school_days": (_no_school_text, _no_school_value),
                 "pipeline_projections": (_projections_text, _projections_value)}


def _time_zone_problem(name: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "not a time zone name such as America/New_York"
    return None


def save_settings(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Save every value or none: all problems are reported together, by setting key."""
    problems = [FieldProblem(key, str(value), reason) for key, value in values.items()
                if key in settings.SPECS and (reason := _problem(key, value))]
    if problems:
        raise ValidationError(problems)
    for key, value in values.items():
        if key in settings.SPECS:
            settings.set_value(session, key, _parse(key, value))
    return settings.get_all(session)


def time_zone_names() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def choices_for(key: str) -> tuple[str, ...] | None:
    """The values a setting may take, when it is one of a few (the Settings page offers them in a list)."""
    return _CHOICES[key]() if key in _CHOICES else None
