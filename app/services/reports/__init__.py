"""What the district hands to others: the annual state report and its files, principal rosters, the
program profile and survey, the charts they draw.

May import: every feature except sync and demo (a report reads; it never merges or fills).
"""
