"""The demo district's staff as roster rows in the public import format.

One generator serves the demo district (app/services/demo/district.py) and the import benchmarks (which
write these rows to CSV/XLSX), so both see the same realistic district. Deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from app.models.vocab import GRADES
from app.services.years import parse_label

# (schools, staff): the sizes the Foundation issue names.
SIZES = {"small": (3, 120), "district": (12, 900), "large": (120, 10_000)}

_FIRST = ("Ava", "Liam", "Maya", "Noah", "Sofia", "Ethan", "Isabella", "Lucas", "Mia", "Mateo", "Amelia",
          "Elijah", "Harper", "James", "Evelyn", "Benjamin", "Abigail", "Daniel", "Emily", "Henry", "Grace",
          "Samuel", "Chloe", "David", "Priya", "Wei", "Fatima", "Omar", "Aisha", "Carlos", "Lucia", "Thanh",
          "Kwame", "Nadia", "Jonah", "Rosa", "Patrick", "Siobhan", "Marcus", "Keisha", "Diego", "Hannah",
          "Ryan", "Julia", "Kevin", "Laura", "Brian", "Megan", "Sean", "Erin")
_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
         "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
         "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
         "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill",
         "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
         "O'Brien", "Sullivan", "Murphy", "Kelly", "Pereira", "Silva", "Chen", "Patel", "Okafor", "Cohen")
_PLACES = ("Lincoln", "Washington", "Adams", "Jefferson", "Franklin", "Hancock", "Revere", "Emerson",
           "Thoreau", "Alcott", "Dickinson", "Bradford", "Winthrop", "Mann", "Kennedy", "Brooke", "Curley",
           "Tobin", "Quincy", "Otis", "Putnam", "Bates", "Sumner", "Prescott", "Lowell", "Hawthorne",
           "Longfellow", "Whittier", "Holmes", "Endicott", "Cabot", "Lyon", "Mather", "Parker", "Stone",
           "Warren", "Dever", "Tynan", "Channing", "Eliot")

# Level -> (staff weight, grade spans a teacher covers, subjects).
_LEVELS = {
    "Elementary": (1.0, (("K",), ("1",), ("2",), ("3",), ("4",), ("5",), ("PK",), ("K", "1", "2"), ("3", "4", "5"))),
    "Middle": (1.3, (("6",), ("7",), ("8",), ("6", "7", "8"))),
    "High": (2.0, (("9", "10"), ("11", "12"), ("9", "10", "11", "12"))),
}
_SUBJECTS = {
    "Elementary": ("Elementary",) * 8 + ("Music", "Visual Art", "Physical Education", "Early Childhood"),
    "Middle": ("Mathematics", "English", "General Science", "History", "Mathematics", "English",
               "Spanish", "Music", "Visual Art", "Physical Education", "Technology/Engineering"),
    "High": ("Mathematics", "English", "Biology", "Chemistry", "Physics", "History", "Mathematics",
             "English", "Spanish", "French", "Music", "Visual Art", "Business", "Physical Education",
             "Computer Science"),
}
_SPECIALIST = (("School Counselor", "Guidance"), ("Special Education Teacher", "Moderate Disabilities"),
               ("ESL Teacher", "English as a Second Language"), ("Reading Specialist", "Reading"),
               ("School Psychologist", "School Psychologist"))
_ADMIN_POSITIONS = ("Assistant Principal", "Department Head", "Curriculum Director", "Special Education Director")
_RATINGS = (("Exemplary", 15), ("Proficient", 74), ("Needs Improvement", 8), ("Unsatisfactory", 1), ("", 2))


@dataclass(frozen=True)
class DemoSchool:
    name: str
    level: str
    org_code: str
    staff: int


def demo_schools(size: str, seed: int) -> list[DemoSchool]:
    """Schools with a share of the staff; the mix of levels is that of a typical district."""
    count, staff = SIZES[size]
    rng = random.Random(f"schools:{seed}")
    middle, high = max(1, round(count * 0.25)), max(1, round(count * 0.17))
    levels = ["Elementary"] * (count - middle - high) + ["Middle"] * middle + ["High"] * high
    names: set[str] = set()
    chosen: list[tuple[str, str]] = []
    for level in levels:
        name = _school_name(rng, level, names)
        names.add(name)
        chosen.append((name, level))
    weights = [_LEVELS[level][0] for _, level in chosen]
    shares = _split(staff, weights)
    return [DemoSchool(name, level, f"0999{i + 1:04d}", n) for i, ((name, level), n) in enumerate(zip(chosen, shares))]


def _school_name(rng: random.Random, level: str, taken: set[str]) -> str:
    suffix = {"Elementary": "Elementary School", "Middle": "Middle School", "High": "High School"}[level]
    for _ in range(200):
        name = f"{rng.choice(_PLACES)} {suffix}"
        if name not in taken:
            return name
    return f"{rng.choice(_PLACES)} {len(taken) + 1} {suffix}"


def _split(total: int, weights: list[float]) -> list[int]:
    raw = [total * w / sum(weights) for w in weights]
    shares = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[: total - sum(shares)]:
        shares[i] += 1
    return shares


def demo_roster(size: str, seed: int, year_label: str) -> list[dict[str, str]]:
    """Every staff member as a row of text in the public roster format (educators.ROSTER_FIELDS)."""
    start = parse_label(year_label)
    rng = random.Random(f"roster:{seed}")
    rows: list[dict[str, str]] = []
    for school in demo_schools(size, seed):
        for slot in range(school.staff):
            rows.append(_person(rng, school, slot, len(rows) + 1, start))
    _needs_and_strengths(rows, seed)
    return rows


_AREAS = ("Classroom management", "Differentiated instruction", "Formative assessment", "SEI/ELL", "Technology",
          "Time management", "Family engagement")


def _needs_and_strengths(rows: list[dict[str, str]], seed: int) -> None:
    """Beginning educators' focus areas and trained mentors' strengths (004: "individual needs"), from their
    own random stream so that every other demo value stays as it was."""
    rng = random.Random(f"focus:{seed}")
    for row in rows:
        if row["induction_status"] == "beginning":
            row["focus"] = ";".join(rng.sample(_AREAS, rng.randint(1, 2)))
        elif row["mentor_trained_on"]:
            row["strengths"] = ";".join(rng.sample(_AREAS, 2))


def _person(rng: random.Random, school: DemoSchool, slot: int, number: int, start: int) -> dict[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    role, position, subjects, grades = _job(rng, school, slot)
    status = _induction(rng, role)
    years, license_, hire = _career(rng, status, start)
    rating, rating_year = _rating(rng, years, start)
    trained = _training(rng, role, years, rating, start)
    exit_date = ""
    if rng.random() < (0.05 if status == "beginning" else 0.03):
        exit_date = _day(rng, dt.date(start + 1, 1, 15), dt.date(start + 1, 6, 30)).isoformat()
    return {
        "employee_id": f"E{number:05d}",
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{number}@demo.k12.ma.us",
        "mepid": f"{rng.randrange(10_000_000, 99_999_999):08d}",
        "school": school.name,
        "role": role,
        "position": position,
        "subjects": ";".join(subjects),
        "grades": ";".join(grades),
        "license_type": license_,
        "years_experience": str(years),
        "hire_date": hire.isoformat(),
        "exit_date": exit_date,
        "last_rating": rating,
        "rating_year": str(rating_year) if rating else "",
        "mentor_trained_on": trained.isoformat() if trained else "",
        "induction_status": status,
        "planning_periods": ";".join(sorted(rng.sample("1234567", 2 if school.level != "Elementary" else 1))),
        "room": f"{rng.randint(1, 3)}{rng.randint(1, 40):02d}",
    }


def _job(rng: random.Random, school: DemoSchool, slot: int) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    spans = _LEVELS[school.level][1]
    school_grades = tuple(sorted({g for span in spans for g in span}, key=GRADES.index))
    if slot == 0:
        return "administrator", "Principal", (), school_grades
    draw = rng.random()
    if draw < 0.05:
        return "administrator", rng.choice(_ADMIN_POSITIONS), (), school_grades
    if draw < 0.13:
        position, subject = rng.choice(_SPECIALIST)
        return "specialist", position, (subject,), school_grades
    subject = rng.choice(_SUBJECTS[school.level])
    return "teacher", f"{subject} Teacher", (subject,), rng.choice(spans)


def _induction(rng: random.Random, role: str) -> str:
    draw = rng.random()
    if role == "teacher":
        return "beginning" if draw < 0.09 else "incoming" if draw < 0.13 else ""
    if role == "administrator":
        return "beginning" if draw < 0.12 else ""
    return ""


def _career(rng: random.Random, status: str, start: int) -> tuple[int, str, dt.date]:
    window_start = dt.date(start, 7, 1)
    if status == "beginning":
        late = rng.random() < 0.12  # hired after the first day (the two-week rule counts from hire)
        hire = _day(rng, dt.date(start, 10, 1), dt.date(start + 1, 1, 31)) if late else _day(
            rng, window_start, dt.date(start, 8, 25))
        # An Emergency license without prior induction: beginning, the district's default (educators.INDUCTION_TABLE)
        return 0, rng.choice(("Provisional", "Provisional", "Initial", "Emergency")), hire
    if status == "incoming":
        years, license_ = rng.randint(2, 12), rng.choice(("Initial", "Professional"))
        # A few licensed in another state: 004 counts a Temporary license holder as an incoming teacher
        return years, "Temporary" if license_ == "Initial" and years % 2 == 0 else license_, _day(
            rng, window_start, dt.date(start, 8, 25))
    years = min(35, int(rng.expovariate(1 / 9)) + 1)
    license_ = "Initial" if years < 5 and rng.random() < 0.6 else "Professional"
    hire = dt.date(start - min(years, 30), 8, 20) + dt.timedelta(days=rng.randint(0, 10))
    return years, license_, hire


def _rating(rng: random.Random, years: int, start: int) -> tuple[str, int]:
    if years == 0:
        return "", 0
    ratings, weights = zip(*_RATINGS)
    return rng.choices(ratings, weights)[0], start - rng.choice((1, 1, 2))


def _training(rng: random.Random, role: str, years: int, rating: str, start: int) -> dt.date | None:
    """About one in six experienced staff are trained mentors (a few of them no longer eligible)."""
    if role == "specialist" or years < 3:
        return None
    chance = 0.24 if rating in ("Exemplary", "Proficient") else 0.05
    if rng.random() >= chance:
        return None
    return _day(rng, dt.date(start - 8, 7, 1), dt.date(start, 6, 30))


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))
