"""The small types every checking layer shares: a check and its violation, the settings, the options.

``Check``/``Violation``/``CheckContext`` (what one conformance item is), ``Settings`` (what a
run is configured to check: one typed attribute per option, and where each came from), the
options table with its ini twins, the vocabularies (outcomes, verdicts, levels, option kinds as
``Literal`` types), the stash keys the session writes and the reports read, and loading a
``module:attribute`` target. It may import only
``contract``; everything above builds on it.

PYTEST_DONT_REWRITE
"""
