"""Broken prepare implementations: each breaks one PRE rule (callables, and commands run as ``python -m``)."""
