"""The conformance suite: the modules ``pytest --pyargs kaizen_conformance`` collects.

Each ``test_<role>.py`` exposes one function that the session expands into one item per check
of that role. It is a top layer beside ``plugin`` and ``cli``: it imports the session, which
imports everything below.

PYTEST_DONT_REWRITE
"""
