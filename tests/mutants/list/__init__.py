"""Mutants of the schedule list role (contract section 6b)."""
