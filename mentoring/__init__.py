"""Mentoring and incubation: the city-wide mentor pool, matching, mentorships, workshops — the domain, without HTTP."""
