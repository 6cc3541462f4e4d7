"""One controller per resource; handlers parse, call one service, render or redirect."""
