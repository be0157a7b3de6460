"""The staff roster: educators and their induction status, roster files in and out, the People list.

May import: app.models, the shared plumbing at the top of app.services. Every other feature may import it.
"""
