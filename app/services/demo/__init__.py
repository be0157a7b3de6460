"""The demo district: one builder per part it fills (roster, pairs, time logs, meetings, CAP), run in
order by `district.build_demo`.

May import: every feature (it fills them all); nothing imports it but the command line and the window.
"""
