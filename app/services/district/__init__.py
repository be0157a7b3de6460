"""The district as a whole: the overview of what the database holds, and the Settings form's checks.

May import: roster, matching and scheduling (the settings it checks belong to them), and the shared plumbing.
"""
