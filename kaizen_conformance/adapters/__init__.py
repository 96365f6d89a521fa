"""How the kit calls an implementation of each role: in-process callables and apps, commands, URLs.

An adapter turns one call into a plain result (value, error, output, time) for a role to
judge, using ``runtime`` for limits and sandboxing and ``hubdouble`` for the mocked hub. It
may import those, ``cases``, ``core`` and ``contract``.

PYTEST_DONT_REWRITE
"""
