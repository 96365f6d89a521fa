"""Prepare mistakes no golden case catches (tests/test_explore.py proves both halves)."""
