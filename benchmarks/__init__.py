"""Timed runs that produce the figures in the README (`make bench`). Not tests: nothing here asserts."""
