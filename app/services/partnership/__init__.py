"""The student-teaching partnership with preparation programs: partners (sponsoring organizations).

May import: roster and the shared plumbing.
"""
