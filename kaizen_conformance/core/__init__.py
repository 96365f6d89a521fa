"""The small types every checking layer shares: a check and its violation, the settings, the options.

``Check``/``Violation``/``CheckContext`` (what one conformance item is), ``Settings`` (what a
run is configured to check), the options table with its ini twins, the stash keys the session
writes and the reports read, and loading a ``module:attribute`` target. It may import only
``contract``; everything above builds on it.
"""
