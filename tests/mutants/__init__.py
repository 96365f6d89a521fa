"""Deliberately broken implementations ("mutants"): each breaks one rule the suite must catch.

Every module declares:
  ROLE       the role it implements ("resolver", "hub", ...)
  KILLS      rule ids the kit must fail it on (it may fail others too)
  OPTIONS    pytest options that configure it; "{module}" is replaced by its import name
Every mutant runs in a child pytest with capped memory (tests/_memory_cap.py).
"""
