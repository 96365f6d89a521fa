"""Which roles run offline, how that is enforced for each, and the run that demands a sandbox.

prepare, validate and list must not use the network (PRE-005, VAL-003, LST-003); init has no
offline rule, so it runs unguarded. ``offline_enforcement`` is the one record of how a role's
offline rule is enforced: the checks' messages, the report header, the JSON and Markdown
reports all print it. ``sandbox_problem`` is ``--kaizen-require-offline-sandbox``: a command
role with an offline rule on a machine that gives it neither a network namespace nor the
seccomp filter cannot be judged as that option demands.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime.sandbox import enforcement_for

# role -> its offline rule
OFFLINE_RULES: dict[str, str] = {"prepare": "PRE-005", "validate": "VAL-003", "list": "LST-003"}

# prepare's in-process calls also run under respx, which refuses an httpx request before it
# reaches a socket, so that the message names the URL
RESPX = "respx (httpx requests refused and named before any socket)"


def offline_enforcement(role: str, kind: str) -> dict[str, str] | None:
    """``{"network": ..., "note": ...}`` for ``role`` given as ``kind``; None without an offline rule."""
    if role not in OFFLINE_RULES:
        return None
    record = enforcement_for(kind)
    if role == "prepare" and record["network"] == "in-process":
        record["note"] += f" + {RESPX}"
    return record


IN_PROCESS_CLI = (
    "the command's program, a Click or Typer app named by --kaizen-cli, called in-process"
)


def role_enforcement(settings: Settings, role: str) -> dict[str, str] | None:
    """How ``role``'s offline rule is enforced in this run; None without an offline rule or a target.

    A command whose program runs in-process (``--kaizen-cli``) is held offline as a callable is
    (without respx: the program's httpx requests meet the audit hook and the socket filter).
    """
    target = settings.target(role)
    if target is None:
        return None
    from kaizen_conformance.adapters.cli_apps import runs_in_process

    if target.kind == "command" and runs_in_process(settings, role):
        if role not in OFFLINE_RULES:
            return None
        record = enforcement_for("callable")
        record["note"] = f"{IN_PROCESS_CLI}: {record['note']}"
        return record
    return offline_enforcement(role, target.kind)


def sandbox_problem(settings: Settings, role: str) -> str:
    """With ``--kaizen-require-offline-sandbox``: why ``role`` cannot be judged here, and the fix; "" when it can."""
    target = settings.target(role)
    if not settings.options.require_offline_sandbox or target is None:
        return ""
    record = role_enforcement(settings, role)
    if record is None or record["network"] != "audit-hook-only":
        return ""
    return (
        f"the {role} command must run offline ({OFFLINE_RULES[role]}), and "
        f"{settings.origin('require_offline_sandbox')} demands a sandbox that holds any language, "
        "but this machine gives neither a network namespace (unshare --net) nor the seccomp "
        "socket filter: only the Python audit hook would judge it. Run on a runner that allows "
        "`unshare --net` or seccomp filters (prctl PR_SET_SECCOMP), or drop the option to "
        "accept the audit hook alone (the reports then say so)"
    )
