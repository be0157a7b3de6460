"""A district on PostgreSQL: database roles and column grants by app role.

May import: the shared plumbing only.
"""
