"""Mistakes more than one role's mutants make, written once."""


def walk(value, depth=0):
    """Count every node of a parsed document, aliases expanded: endless on an alias bomb."""
    if depth > 200:
        return 1
    if isinstance(value, dict):
        return 1 + sum(walk(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(walk(v, depth + 1) for v in value)
    return 1
