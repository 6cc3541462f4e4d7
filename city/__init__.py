"""The city's view of the programme: the Department's dashboard across every commune (no HTTP here)."""
