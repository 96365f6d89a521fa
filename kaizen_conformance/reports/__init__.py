"""What a run tells its users: the terminal summary, the JSON/Markdown/badge files, expectations.

It reads the items' outcomes and the settings from pytest's stash (``core.stash``), never from
the session, so it sits beside the session and below it. It may import ``roles`` and below.

PYTEST_DONT_REWRITE
"""
