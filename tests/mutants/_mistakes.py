"""Mistakes more than one role's mutants make, and the pieces their commands share, written once."""

import os
import shlex
import sys


def walk(value, depth=0):
    """Count every node of a parsed document, aliases expanded: endless on an alias bomb."""
    if depth > 200:
        return 1
    if isinstance(value, dict):
        return 1 + sum(walk(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(walk(v, depth + 1) for v in value)
    return 1


def expand(value):
    """A deep copy of a parsed document, aliases expanded: an alias bomb's expansion, built whole."""
    if isinstance(value, dict):
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


# What each role's command receives after the module (the kit fills the placeholders).
COMMAND_ARGUMENTS = {
    "init": "{repo}",
    "validate": "{repo}",
    "list": "{repo}",
    "prepare": "{agent} {repo}",
}
# What a plain init / validate raises to refuse; its command turns that into exit 1.
REFUSALS = {"init": OSError, "validate": ValueError}


def command_option(role, module="{module}"):
    """``--kaizen-<role>-cmd`` running ``module`` with this interpreter ("{module}": the mutant itself)."""
    return (
        f"--kaizen-{role}-cmd={shlex.quote(sys.executable)} -m {module} {COMMAND_ARGUMENTS[role]}"
    )


def manifest_file(repo):
    return os.path.join(repo, ".kaizen", "schedule.yml")


def main(tool, role):
    """A command around ``tool(repo)``: exit 0 when it returns, 1 with the reason on stderr when it refuses."""
    try:
        tool(sys.argv[1])
    except REFUSALS[role] as exc:
        print(f"schedule {role}: {exc}", file=sys.stderr)
        return 1
    return 0
