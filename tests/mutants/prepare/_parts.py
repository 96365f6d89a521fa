"""Pieces of a plain prepare that the mutants recombine, each with one thing wrong.

``prepare(...)`` builds a callable from the reference's steps with some replaced;
``command_main(function)`` turns a callable into a command's ``main`` (event on stdout,
exit 0; the message on stderr, exit 1); ``mutants._mistakes.command_option("prepare")`` is
the option that runs a mutant module as that command.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from kaizen_conformance.reference import prepare as ref

Step = Callable[..., Any]


def prepare(
    *,
    root: Step = ref._root_as_given,
    agent_entry: Step = ref._agent_entry,
    prompt: Step = ref._prompt,
    memory: Step = ref._memory,
    metrics: Step = ref._metrics,
    head: Step = ref.git_head,
    time: Callable[[], str] = lambda: datetime.now(timezone.utc).isoformat(),
    finish: Callable[[dict[str, Any]], Any] = lambda event: event,
) -> Callable[[str, str], Any]:
    def run(repo: str, agent: str) -> Any:
        given = root(repo)
        entry = agent_entry(given, agent)
        real_root = os.path.realpath(given)
        event = {
            "specversion": "1.0",
            "type": ref.EVENT_TYPE,
            "source": ref.SOURCE,
            "id": str(uuid.uuid4()),
            "time": time(),
            "subject": agent,
            "datacontenttype": "application/json",
            "data": {
                "agent": agent,
                "cadence": entry["cadence"],
                "repo": {"root": given, "head": head(given)},
                "prompt": prompt(given, real_root, agent),
                "memory": memory(given, real_root, agent),
                "metrics": metrics(given, real_root, agent),
            },
        }
        return finish(event)

    return run


def command_main(function: Callable[[str, str], Any]) -> int:
    """``python -m <mutant> AGENT REPO``: the reference's command protocol around ``function``."""
    agent, repo = sys.argv[1:3]
    try:
        event = function(repo, agent)
    except Exception as exc:  # noqa: BLE001 - report any failure the way a command does
        print(f"prepare: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    return 0
