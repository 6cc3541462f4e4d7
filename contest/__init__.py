"""Contests, rounds, ideas, judging, voting and results — the domain, without HTTP."""
