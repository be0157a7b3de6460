"""Parsing and normalizing the values people type or import: dates, grade spans, subjects,
license types, ratings, yes/no. Each parser raises ValueError with a reason a coordinator
understands; callers attach the row and field."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Mapping

from app.models.vocab import GRADES, LICENSE_ALIASES, LICENSE_TYPES, RATING_ALIASES, RATINGS

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def us_date(day: dt.date | None) -> str:
    """12/4/2026: the one way a date is written for people, on screen and in every PDF (issue 17: M/D/YYYY,
    no leading zeros); "" for no date."""
    return f"{day.month}/{day.day}/{day.year}" if day is not None else ""


def us_moment(moment: dt.datetime) -> str:
    """12/4/2026 3:05 PM: a date and a time of day the US way."""
    hour = moment.hour % 12 or 12
    return f"{us_date(moment.date())} {hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from pandas
        return True
    return isinstance(value, str) and not value.strip()


def text(value: object) -> str:
    """A cell as trimmed text ('' for blank). Whole floats from spreadsheets lose their '.0'."""
    if type(value) is str:  # the common case, kept fast: imports call this for every cell
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: object) -> dt.date | None:
    """ISO YYYY-MM-DD, US M/D/YYYY, or a real date cell. Blank gives None."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    match = _ISO_DATE.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE.match(raw)
        if not match:
            raise ValueError("not a date: use YYYY-MM-DD or M/D/YYYY")
        month, day, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("no such day in the calendar") from None


_GRADE_WORDS = {"PREK": "PK", "PRE-K": "PK", "P": "PK", "KG": "K", "KINDERGARTEN": "K", "0": "K"}


def _grade(token: str) -> str:
    token = token.strip().upper().replace("GRADE", "").strip()
    token = _GRADE_WORDS.get(token, token)
    if token.isdigit():
        token = str(int(token))
    if token not in GRADES:
        raise ValueError(f"unknown grade {token!r}: use PK, K or 1-12")
    return token


def parse_grades(value: object) -> list[str]:
    """Grade levels as an ordered list: '9-12', 'PK-2', 'K;1;2', 'All' (en dashes accepted)."""
    raw = text(value).replace("\u2013", "-").replace("\u2014", "-")
    if not raw:
        return []
    if raw.strip().lower() in {"all", "pk-12", "k-12"}:
        start = 0 if raw.strip().lower() != "k-12" else 1
        return list(GRADES[start:])
    found: set[str] = set()
    for part in re.split(r"[;,/]", raw):
        part = part.strip()
        if not part:
            continue
        span = re.fullmatch(r"(pre-?k|[a-z]+|\d+)\s*-\s*([a-z]+|\d+)", part, flags=re.IGNORECASE)
        if span:
            lo, hi = GRADES.index(_grade(span.group(1))), GRADES.index(_grade(span.group(2)))
            if lo > hi:
                raise ValueError(f"grade span {part!r} runs backwards")
            found.update(GRADES[lo : hi + 1])
        else:
            found.add(_grade(part))
    return [g for g in GRADES if g in found]


def format_grades(grades: Iterable[str]) -> str:
    """Compact display: consecutive runs as spans ('PK-2;5;9-12')."""
    idx = sorted(GRADES.index(g) for g in set(grades) if g in GRADES)
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ";".join(GRADES[r[0]] if len(r) == 1 else f"{GRADES[r[0]]}-{GRADES[r[-1]]}" for r in runs)


_SPAN_SUFFIX = re.compile(r"\s*\(?\b(pre-?k|pk|k|\d{1,2})\s*[-\u2013]\s*(\d{1,2}|all)\)?\s*$|\s+all$", re.I)


def normalize_subject(value: str) -> str:
    """A license field without its grade span: 'Mathematics 8-12' -> 'Mathematics'.

    Subject matching compares the field; grade matching compares the spans (DOMAIN.md)."""
    name = _SPAN_SUFFIX.sub("", value.strip())
    name = re.sub(r"\s+", " ", name).strip(" -")
    return name[:1].upper() + name[1:] if name else ""


def parse_subjects(value: object) -> list[str]:
    raw = text(value)
    if not raw:
        return []
    subjects = {normalize_subject(part) for part in raw.split(";")}
    return sorted(s for s in subjects if s)


def parse_periods(value: object) -> list[str]:
    raw = text(value)
    return sorted({p.strip() for p in re.split(r"[;,]", raw) if p.strip()}, key=lambda p: (len(p), p))


# The areas 004 names for mentoring ("Core Mentoring Activities"; the time logs' DEFAULT_TOPICS), each with
# the words a coordinator may type for it. A mentee's focus and a mentor's strengths are matched on these
# names; anything else typed is kept as written (capitalised) and matches the same words only.
FOCUS_AREAS: dict[str, tuple[str, ...]] = {
    "Classroom management": ("classroom management", "behavior", "behaviour", "behavior management",
                             "classroom routines"),
    "Curriculum frameworks": ("curriculum frameworks", "curriculum", "frameworks", "ma curriculum frameworks"),
    "Differentiated instruction": ("differentiated instruction", "differentiation", "diverse learners",
                                   "meeting diverse needs"),
    "Educator evaluation": ("educator evaluation", "evaluation", "model rubric", "evaluation and the model rubric",
                            "educator evaluation and the model rubric"),
    "Formative assessment": ("formative assessment", "assessment", "checking for understanding"),
    "SEI/ELL": ("sei/ell", "sei", "ell", "esl", "english learners", "english language learners", "sheltered english"),
    "Standards-based instruction": ("standards-based instruction", "standards based instruction", "standards"),
    "Technology": ("technology", "instructional technology", "edtech"),
    "Time management": ("time management", "planning time", "organization", "organisation"),
    "School culture and procedures": ("school culture and procedures", "school culture", "procedures"),
    "Family engagement": ("family engagement", "family and community engagement", "parents", "families",
                          "parent communication"),
    "Special education": ("special education", "students with disabilities", "iep", "ieps", "inclusion"),
}
_FOCUS_WORDS = {re.sub(r"[^a-z0-9]+", " ", word).strip(): name for name, words in FOCUS_AREAS.items()
                for word in (*words, name.lower())}


def parse_focus(value: object) -> list[str]:
    """A mentee's focus areas or a mentor's strengths, typed as free text ("behavior; ELL, assessment"):
    each part, split on ; or , or a new line, mapped to its 004 area (FOCUS_AREAS) or kept as typed; sorted,
    no repeats. Lists (from the database or a form) are read part by part."""
    if isinstance(value, (list, tuple)):
        raw = ";".join(str(x) for x in value)
    else:
        raw = text(value)
    out = set()
    for part in re.split(r"[;,\n]", raw):
        words = re.sub(r"\s+", " ", part).strip(" .-")
        if not words:
            continue
        key = re.sub(r"[^a-z0-9]+", " ", words.lower()).strip()
        out.add(_FOCUS_WORDS.get(key) or (words[:1].upper() + words[1:])[:60])
    return sorted(out)


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


@functools.lru_cache(maxsize=64)
def _choice_keys(allowed: tuple[str, ...], aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each allowed value by itself and by its key, and the aliases by key."""
    by_key = {a: a for a in allowed}
    by_key.update({_key(a): a for a in allowed})
    by_key.update({_key(k): v for k, v in aliases})
    return by_key


def parse_choice(value: object, allowed: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """Match a value to one of `allowed` ignoring case and punctuation; suggest the nearest."""
    raw = text(value)
    if not raw:
        return None
    allowed = tuple(allowed)
    by_key = _choice_keys(allowed, tuple((aliases or {}).items()))
    found = by_key.get(raw) or by_key.get(_key(raw))
    if found:
        return found
    nearest = difflib.get_close_matches(raw, allowed, n=1, cutoff=0.5)
    hint = f"; did you mean {nearest[0]}?" if nearest else ""
    raise ValueError(f"must be one of {', '.join(allowed)}{hint}")


def parse_license(value: object) -> str | None:
    return parse_choice(value, LICENSE_TYPES, LICENSE_ALIASES)


def parse_external(value: object) -> str | None:
    """Blank (district staff), "retired" or "other_district" (also "Retired educator", "another district")."""
    from app.models.vocab import EXTERNAL_KINDS, EXTERNAL_LABELS

    aliases = {label: kind for kind, label in EXTERNAL_LABELS.items()}
    aliases.update({"retiree": "retired", "retired teacher": "retired", "retired administrator": "retired",
                    "other district": "other_district", "another district": "other_district",
                    "shared": "other_district", "neighboring district": "other_district",
                    "staff": "", "district": "", "district staff": "", "no": ""})
    raw = text(value)
    if _key(raw) in {_key(k) for k, kind in aliases.items() if kind == ""}:
        return None
    return parse_choice(value, EXTERNAL_KINDS, {k: kind for k, kind in aliases.items() if kind})


def parse_rating(value: object) -> str | None:
    return parse_choice(value, RATINGS, RATING_ALIASES)


def parse_whole_number(value: object, *, minimum: int = 0, maximum: int | None = None,
                       what: str = "a whole number") -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"must be {what}") from None
    if not number.is_integer():
        raise ValueError(f"must be {what}")
    if number < minimum:
        raise ValueError(f"cannot be below {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"cannot be above {maximum}")
    return int(number)


_YES = {"yes", "y", "true", "t", "1", "x"}
_NO = {"no", "n", "false", "f", "0", ""}


def parse_yes_no(value: object) -> bool:
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError("must be yes or no")


def hours_of(minutes: int) -> float:
    """Hours with one decimal (DESIGN.md: durations in minutes, hours shown with one decimal)."""
    return round(minutes / 60, 1)
