"""What one conformance test item is: a check of some rules against one case.

Role suites (``kaizen_conformance/roles/``) turn their cases into ``Check`` objects; the
session turns each into a pytest item named ``<rule>[<case>]``, so rule ids show in test
ids, in ``-k`` selections and as JUnit properties.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.core.vocabulary import Level

if TYPE_CHECKING:
    from kaizen_conformance.core.settings import Settings


class FailureKind(str, Enum):
    """What happened when a check failed, as data (JUnit property, JSON report, summary).

    ``wrong-answer``: the check judged what the implementation answered, and it was wrong;
    ``crashed``: it raised, exited non-zero or could not run, where the contract expects an
    answer; ``over-limit``: it ran past the per-call limit; ``kit-error``: the kit itself failed.
    """

    WRONG_ANSWER = "wrong-answer"
    CRASHED = "crashed"
    OVER_LIMIT = "over-limit"
    KIT_ERROR = "kit-error"

    @property
    def phrase(self) -> str:
        return self.value.replace("-", " ")


# The user property (JUnit <property>) that carries a failed item's FailureKind value.
FAILURE_KIND_PROPERTY = "kaizen_failure_kind"
# The user property that carries the rules a failed item's failure is charged to, where they are
# not the item's own (a resolver case whose wrong items break a rule the case does not check).
CHARGED_RULES_PROPERTY = "kaizen_charged_rules"
# The user property that carries the configuration error that stopped an item's role.
CONFIGURATION_ERROR_PROPERTY = "kaizen_configuration_error"

# Exceptions that say the code is broken (wrong arity, a missing name or module), not that it
# refused its input on purpose: where the contract wants a refusal, one of these is a crash.
PROGRAMMING_ERRORS = frozenset(
    {
        "TypeError",
        "NameError",
        "UnboundLocalError",
        "AttributeError",
        "ImportError",
        "ModuleNotFoundError",
        "SyntaxError",
        "IndentationError",
        "NotImplementedError",
        "RecursionError",
        "AssertionError",
    }
)
_PYTHON_CRASH = re.compile(
    r"^Traceback \(most recent call last\):|No module named |can't open file ", re.MULTILINE
)


def crashed_call(error_type: str) -> bool:
    """True when an in-process call raised a programming error rather than a refusal."""
    return error_type in PROGRAMMING_ERRORS


def crashed_command(returncode: int | None, stderr: str) -> bool:
    """True when a command that exited non-zero crashed rather than refused.

    A signal, the shell's "not found" / "not executable" (127 / 126), an uncaught Python
    exception (a traceback on stderr) or a Python module or script that is not there.
    """
    if returncode is None or returncode == 0:
        return False
    return returncode < 0 or returncode in (126, 127) or bool(_PYTHON_CRASH.search(stderr))


class Violation(Exception):
    """The implementation under test broke the rule(s) of the check; the message says how.

    ``kind`` says what happened: by default the check judged a wrong answer; where the
    implementation crashed or ran past the limit instead, the check says so. ``charged``: the
    rules the failure is charged to when they are not the item's own (empty: the item's own), so
    the summary lists as failed only the rules the failure's lines name.
    """

    def __init__(
        self,
        message: str = "",
        kind: FailureKind = FailureKind.WRONG_ANSWER,
        charged: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.kind = FailureKind(kind)
        self.charged = tuple(charged)


class ConfigurationError(Exception):
    """The run is set up so that a role cannot be judged at all; the message says the fix.

    Raised before a role's checks run (a command whose program is not installed, a resolver
    that never reached the hub double, a seed that changed nothing the hub serves). It is no
    verdict on the implementation: the session reports it once, as an error of the run, and
    leaves the role's other checks unjudged, so no rule reads as passed or failed.
    """


class NotAhead(Exception):
    """Work started ahead of its check that must be left to the check itself (it would wait on
    the kit's own thread, or fork the kit): the check then does it, as if nothing ran ahead."""


class NotAheadNow(NotAhead):
    """This once only: the kit's own thread is computing a part of the run (a case of another
    role's that this run shares). The role's next runs may still run ahead."""


class _Pending:
    """A memo entry being computed: others wait for it rather than compute it twice."""

    def __init__(self) -> None:
        self.done = threading.Event()


_MISSING = object()
# Guards every memo's entries: the kit judges on its main thread while one thread of its own
# runs the next cases' implementation calls ahead (session.lookahead).
_REMEMBERING = threading.Lock()


@dataclass
class CheckContext:
    """What a running check may use: settings, pytest's temp dirs, and a per-session memo.

    ``ahead``: the context runs a case's calls ahead of its checks, on the kit's lookahead
    thread; ``factory`` then stands for the ``tmp_path_factory`` fixture (the lookahead thread
    never touches pytest's fixture machinery, which is not thread-safe).
    """

    request: pytest.FixtureRequest
    settings: Settings
    memo: dict[Any, Any]
    ahead: bool = False
    factory: Any = None

    def workspace_dir(self, name: str) -> Any:
        factory = self.factory or self.request.getfixturevalue("tmp_path_factory")
        # Names are unique per case and attempt; numbered=True would rescan the directory on
        # every call, which grows with the number of cases. A plain name is made directly in
        # the base directory, as mktemp(numbered=False) makes it, without its check that the
        # name stays inside (a realpath of the whole base path, for each of a run's
        # thousands of workspaces); any other name goes through that check.
        try:
            if name not in ("", ".", "..") and os.path.basename(name) == name:
                directory = factory.getbasetemp() / name
                directory.mkdir(mode=0o700)
                return directory
            return factory.mktemp(name, numbered=False)
        except FileExistsError:
            return factory.mktemp(name, numbered=True)

    def remember(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Run an implementation once per case and session, shared by the checks of that case.

        Thread-safe: a key another thread is computing is waited for (once computed, it is
        the value; if that computation raised, this one computes it itself). Work running
        ahead never waits on the kit's own thread: it leaves the key to it (``NotAhead``).
        """
        while True:
            with _REMEMBERING:
                entry = self.memo.get(key, _MISSING)
                if entry is _MISSING:
                    pending = self.memo[key] = _Pending()
                    break
            if not isinstance(entry, _Pending):
                return entry
            if self.ahead:
                raise NotAheadNow(f"{key!r} is being computed by the kit's own thread")
            entry.done.wait()
        try:
            value = compute()
        except BaseException:
            with _REMEMBERING:
                del self.memo[key]
            pending.done.set()
            raise
        with _REMEMBERING:
            self.memo[key] = value
        pending.done.set()
        return value


@dataclass(frozen=True)
class Check:
    role: str
    rules: tuple[str, ...]
    case: str
    run: Callable[[CheckContext], None] = field(compare=False)
    description: str = ""
    # The implementation run this check judges (the role's ``run_of`` for the case), which the
    # kit may start before the check runs (session.lookahead); None where it must not run
    # early (a sequence case, whose calls wait on the kit between them).
    ahead: Callable[[CheckContext], Any] | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return f"{self.rules[0]}[{self.case}]"

    @property
    def level(self) -> Level:
        catalogue = contract.catalogue()
        return "MUST" if any(catalogue[r].is_must for r in self.rules) else "SHOULD"

    def headline(self) -> str:
        catalogue = contract.catalogue()
        return "\n".join(f"{r} {catalogue[r].level}: {catalogue[r].text}" for r in self.rules)


def ahead_of(
    run_of: Callable[[CheckContext, Any], Any], case: Any
) -> Callable[[CheckContext], Any]:
    """``run_of(context, case)``, as a ``Check.ahead``: the case's run, made before its checks."""
    return partial(_run_of_case, run_of, case)


def _run_of_case(
    run_of: Callable[[CheckContext, Any], Any], case: Any, context: CheckContext
) -> Any:
    return run_of(context, case)
