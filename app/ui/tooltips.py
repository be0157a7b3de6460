"""What a button does, on hover (issue 17): every button whose label does not explain itself (one word, or
"…" that opens a dialog) gets a tooltip. The wording lives here, in one place, by page and label; a
button that already has a tooltip keeps it, and one with a longer accessible name is described by that."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

# (page key or "" for any page, the button's label without "&") -> the tooltip
TOOLTIPS: dict[tuple[str, str], str] = {
    ("people", "Revert"): "Undo the changes to this person since the last save",
    ("people", "Save"): "Save the changes to this person",
    ("mentors", "Save"): "Save this mentor's willingness, capacity and notes",
    ("mentors", "Add to pool…"): "Add a trained teacher to this year's mentor pool, by name or employee ID",
    ("mentors", "Add training…"): "Record a mentor training this person completed (and when a refresher is due)",
    ("mentors", "Delete"): "Delete the selected training record",
    ("matching", "Reassign…"): "Give the selected mentee another mentor (hold-harmless)",
    ("matching", "Remove"): "Remove the selected lock or exclusion",
    ("timelogs", "Import…"): "Import sessions from a CSV or Excel file (rows with problems are listed, not saved)",
    ("timelogs", "Topics…"): "Edit the list of mentoring topics offered when you log a session",
    ("timelogs", "Hours report…"): "Save every pair's hours this year as a PDF, CSV or JSON file",
    ("timelogs", "Export…"): "Save the sessions shown (with the filters applied) as CSV or Excel; notes are never "
                             "exported",
    ("timelogs", "Print record of mentoring hours…"): "A PDF of the selected educator's mentoring hours, for "
                                                      "the licensure file",
    ("schedule", "←"): "The previous week",
    ("schedule", "→"): "The next week",
    ("schedule", "Today"): "Back to this week",
    ("schedule", "New event…"): "Add a meeting, observation or training to the calendar",
    ("schedule", "Support teams…"): "Who supports each beginning educator (mentor, evaluator, others)",
    ("schedule", "Attendance…"): "Mark who came to the selected meeting",
    ("schedule", "Bell schedules…"): "Each school's periods, used to find shared planning time",
    ("schedule", "Calendar file…"): "Save the schedule as a calendar file (.ics) for Outlook or Google Calendar",
    ("schedule", "Print schedule…"): "Save the weeks shown as a printable PDF",
    ("cap", "Add candidate..."): "Add a student teacher and their placement (program, dates, SP, PS)",
    ("cap", "Add candidate…"): "Add a student teacher and their placement (program, dates, SP, PS)",
    ("cap", "New"): "Start a new piece of evidence (the form is cleared)",
    ("cap", "Print every form (PDF)..."): "Print every CAP form of this candidate as PDFs into a folder you choose",
    ("cap", "Print every form (PDF)…"): "Print every CAP form of this candidate as PDFs into a folder you choose",
    ("reports", "Principal roster…"): "Print the list of beginning educators and their mentors for one school "
                                      "or all",
    ("reports", "CAP data (CSV)…"): "Save the year's CAP ratings and steps as a CSV file",
    ("reports", "CAP data (Excel)…"): "Save the year's CAP ratings and steps as an Excel workbook",
    ("reports", "CAP report (PDF)…"): "Print the CAP progress of every candidate as a PDF",
    ("reports", "Import survey responses…"): "Read the induction survey's answers from a CSV or Excel file",
    ("reports", "New"): "Start a new partnership (the form is cleared)",
    ("reports", "Save"): "Save this partnership",
    ("reports", "Delete"): "Delete the selected partnership",
    ("sync", "Set up sync…"): "Choose the shared folder and the district passphrase that protect the changes",
    ("sync", "Browse…"): "Choose the shared folder (a network drive or a synced folder)",
    ("sync", "Export bundle…"): "Save this computer's changes to a file you carry to another computer",
    ("sync", "Import bundle…"): "Read another computer's changes from a bundle file",
    ("sync", "Edit…"): "Type the right value for the selected conflict",
    ("sync", "Restore"): "Restore the deleted record",
    ("", "Save"): "Save the changes",
    ("", "Delete"): "Delete the selected item",
    ("", "New"): "Start a new one (the form is cleared)",
}


def _needs(label: str) -> bool:
    return len(label.split()) <= 1 or label.endswith(("…", "..."))


def explain_buttons(root: QWidget, area: str = "") -> int:
    """Tooltips on root's buttons that need one and have none; returns how many were set."""
    count = 0
    for button in root.findChildren(QPushButton):
        label = button.text().replace("&", "").strip()
        if button.toolTip().strip() or button.accessibleDescription().strip() or not _needs(label):
            continue
        name = button.accessibleName().strip()  # the authors' own words first
        tip = name if len(name) > len(label) + 3 else TOOLTIPS.get((area, label)) or TOOLTIPS.get(("", label))
        if tip:
            button.setToolTip(tip)
            count += 1
    return count
