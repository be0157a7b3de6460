"""Mentoring time: logs typed or imported from forms, the hours they add up to (the 50 hours toward
the Professional license), the record of hours.

May import: roster and the shared plumbing.
"""
