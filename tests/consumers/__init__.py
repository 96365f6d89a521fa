"""Realistic implementations written the way the teams would, run through the kit by its own tests."""
