"""Adapters: how the kit calls an implementation of a role, in-process or as a command.

Every adapter bounds the call by the per-call limit and turns whatever the implementation
did (returned, raised, printed, hung) into a plain result the checks can judge.
"""
