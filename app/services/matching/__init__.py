"""Mentors and their pairs: the selection criteria and the pool, the proposal solver, locks and
exclusions, assignments (the two-week rule) and their files, mentor profiles, support teams.

May import: roster and the shared plumbing. Scheduling, time logs, reports and demo may import it.
"""
