"""One module per role (hub, resolver, prepare, validate, init, list): its cases turned into checks.

Each role module has ``collect(settings) -> list[Check]``; ``registry`` names them. Checks call
implementations through ``adapters`` and judge what came back. It may import ``adapters`` and
below, never the session or the reports.

PYTEST_DONT_REWRITE
"""
