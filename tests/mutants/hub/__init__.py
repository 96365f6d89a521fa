"""Hubs with one thing wrong, each of which the suite must fail on its own rule."""
