"""Golden-blind mutants: mistakes no golden case catches, which exploration must find.

They live apart from tests/mutants/ (whose every module the golden kill matrix must see killed).
Each declares ROLE, FINDS (the rule exploration must fail it on), OPTIONS and MESSAGE.
"""
