"""Stand-ins: implementations broken for reasons no rule is about, or not broken at all.

tests/test_kill_matrix.py runs each like a mutant and demands that it counts as a kill of no
rule: a crash on every call, a missing module or command, an app that raises, and the reference
itself under a mutant's name. ``FAILS_AS`` is the one kind its failures must all have (absent:
it must pass). The matrix never iterates these as mutants.
"""
