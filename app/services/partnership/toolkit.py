"""The partnership toolkit's fixed texts, each with its source (the seeds in ../shared/seeds/).

- SELF_STATEMENTS: 001, "Partnership Self-Assessment": ten statements, each rated Strongly Agree, Agree,
  Disagree or Strongly Disagree, by members of the Partnership Committee.
- VISION_CRITERIA: 001, "Vision Assessment Tool" (adapted from Curtis & City, 2009): six criteria rated 1 to 5
  against the draft vision, 5 the highest.
- SMART_PROMPTS: 001, "Developing SMART Goals": the vetting protocol's questions.
- IMPACT_LIFT: 001, "Action Plan Review: Lift/Impact Analysis": 1 highest, 2 moderate, 3 lower.
- CRITERIA: 002, Formal Review Advisory, Partnerships domain: the five criteria every provider must show
  evidence of meeting.
- AGREEMENT_LABELS: 001's compact ("Partnership Compact") and data sharing agreement ("Data Sharing Agreement
  (sample)", with its district data elements).
"""

from __future__ import annotations

SELF_ASSESSMENT_SOURCE = "001 Partnership Toolkit, Partnership Self-Assessment"
VISION_SOURCE = "001 Partnership Toolkit, Vision Assessment Tool"
SMART_SOURCE = "001 Partnership Toolkit, Developing SMART Goals"
ACTION_PLAN_SOURCE = "001 Partnership Toolkit, Action Plan Template and Action Plan Review (impact/lift)"
CRITERIA_SOURCE = "002 Formal Review Advisory, Partnerships domain"
AGREEMENT_SOURCE = "001 Partnership Toolkit, Partnership Compact and Data Sharing Agreement"

SELF_STATEMENTS: tuple[str, ...] = (
    "Our district understands the talent pipeline and discusses these needs with our educator preparation program.",
    "In our partnership, we have set a vision and goals together, with a focus on relationship-building and trust.",
    ("We have a shared understanding of the key expectations (Professional Standards for Teachers, as assessed "
     "through CAP) for program graduates."),
    "In our partnership, we share and look at data together to make decisions and drive action.",
    "We jointly select and train supervising practitioners and strategically place candidates.",
    "We ensure coursework matches the clinical experiences and district language.",
    "We communicate and meet frequently.",
    "We spend significant time in schools together.",
    "We are open to change and regularly step back to honestly discuss progress and challenges.",
    "We ensure that district needs drive shifts in teacher preparation programs' pipelines, structures and systems.",
)

# Stored codes and their labels, best first (001: "Select a rating for each statement").
AGREE_SCALE: tuple[tuple[str, str], ...] = (
    ("strongly_agree", "Strongly Agree"), ("agree", "Agree"),
    ("disagree", "Disagree"), ("strongly_disagree", "Strongly Disagree"),
)
AGREE_CODES = tuple(code for code, _ in AGREE_SCALE)
AGREE_LABELS = dict(AGREE_SCALE)
AGREEING = frozenset({"strongly_agree", "agree"})

VISION_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("all_encompassing", "All-encompassing",
     "Does the vision define what success looks like? Does it state the focus area of the partnership?"),
    ("data_based", "Data Based", "Is our vision inclusive of using data to drive the partnership?"),
    ("relationships_trust", "Relationships and Trust",
     ("Does our vision have a focus on relationship building and trust? Does it explicitly discuss expectation "
      "for a strong working relationship?")),
    ("clear", "Clear", "Is our vision clear? When you read it or hear it, can you picture it?"),
    ("shared", "Shared", ("Is our vision shared by the entire team, including any individuals playing a key "
                          "role in the implementation of the plan?")),
    ("audacious", "Audacious", "How bold is our vision?"),
)
VISION_KEYS = tuple(key for key, _, _ in VISION_CRITERIA)
VISION_MIN, VISION_MAX = 1, 5

SMART_PROMPTS: tuple[tuple[str, str], ...] = (
    ("data", "Use of Data: what data did we review to help identify this goal area?"),
    ("specific", "Specific and Strategic: what will the goal accomplish? Is it narrowed in focus?"),
    ("measurable", "Measurable: how will we measure whether or not the goal has been reached?"),
    ("action", "Action-Oriented: what key actions, required to achieve the goal, are stated?"),
    ("rigorous", "Rigorous, Realistic and Results Focused: what is the result? Is it achievable and rigorous?"),
    ("time", "Time and Tracked: what is the completion date? When are the benchmark dates?"),
)
SMART_KEYS = tuple(key for key, _ in SMART_PROMPTS)

IMPACT_LIFT: dict[int, str] = {1: "1 (highest)", 2: "2 (moderate)", 3: "3 (lower)"}

CRITERIA: tuple[str, ...] = (
    "Sponsoring Organization responds to the needs of PK-12 districts/schools.",
    "PK-12 partners make contributions that inform Sponsoring Organization's continuous improvement efforts.",
    "Partnerships improve experience for preparation candidates.",
    "Partnerships positively impact the outcomes of PK-12 students.",
    ("Sponsoring Organization evaluates partnerships on an ongoing basis, sustains those that are effective, and "
     "takes steps to improve those that are not."),
)

AGREEMENT_LABELS = {"compact": "Partnership compact", "data_sharing": "Data sharing agreement", "other": "Other"}
# 001, Data Sharing Agreement (sample), "District Data shall include": offered as choices, any text accepted.
DATA_ELEMENTS: tuple[str, ...] = (
    "Unique encrypted teacher ID", "Teacher descriptive information (e.g., years of experience)",
    "Average characteristics of students taught by teacher", "Value-added results", "Observation results",
    "Student survey results",
)
GOAL_LABELS = {"active": "Active", "met": "Met", "not_met": "Not met", "dropped": "Dropped"}
STEP_LABELS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
CRITERION_LABELS = {"not_assessed": "Not assessed", "met": "Met", "partly_met": "Partly met", "not_met": "Not met"}
