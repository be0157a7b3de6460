"""Scheduling: events and their recurrence, attendance, finding a time, the compliance cards
(orientation, the support team's first meeting), the calendar file and the printed schedule.

May import: roster, matching (support teams) and the shared plumbing. Reports and demo may import it.
This module is the package's API: `from app.services import scheduling; scheduling.save_event(...)`.
Its parts import each other directly, never through this facade.
"""

from app.services.scheduling.recurrence import is_occurrence, local_starts, rrule_parts, until_utc
from app.services.scheduling.events import (
    EventInput,
    KIND_LABELS,
    Occurrence,
    RECURRENCE_LABELS,
    SchedulingConflict,
    attendance,
    find_conflicts,
    get_event,
    input_from,
    list_events,
    list_occurrences,
    move_event,
    occurrences_of,
    record_attendance,
    record_attendance_many,
    restore_occurrence,
    save_event,
    set_status,
    skip_occurrence,
    zone,
)
from app.services.scheduling.school_days import ClosedDay, closed_days, import_no_school_days
from app.services.scheduling.times import bell_schedule, propose_times, set_bell_schedule
from app.services.scheduling.calendar import (
    PICKER_LIMIT,
    choices,
    educator_choices,
    held_occurrences,
    program_activities,
    team_choices,
    write_schedule_pdf,
)
from app.services.scheduling.deadlines import (
    orientation_card,
    orientation_status,
    team_complete_card,
    team_meeting_card,
    team_meeting_status,
)
