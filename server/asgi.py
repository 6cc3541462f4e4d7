"""ASGI entry point for uvicorn and other servers: ``uvicorn server.asgi:app``."""

import gc

from server.app import create_app

app = create_app()
# The modules, templates and tables loaded at start-up live as long as the process: keep them out
# of the garbage collector's full passes, which otherwise walk them all and stall every request.
gc.freeze()
