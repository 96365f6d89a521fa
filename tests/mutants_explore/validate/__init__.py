"""Validator mistakes no golden case catches (tests/test_explore_manifests.py proves both halves)."""
