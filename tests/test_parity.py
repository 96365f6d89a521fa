"""Cross-adapter parity: the same resolver gives the same verdict on every case, however it is run.

The reference resolver runs as a callable (hub double over respx, then over the loopback
server) and as a command (``python -m kaizen_conformance.reference.resolver``); every item
of the resolver suite must come out the same, under both profiles. A difference is a bug in
an adapter or a transport, never in the resolver.
"""

from __future__ import annotations

import pytest
from kitrun import run_kit

COMMAND = "python -m kaizen_conformance.reference.resolver {hub_url} {hostname} {domain}"


def verdicts(pytester: pytest.Pytester, profile: str, *options: str) -> dict[str, str]:
    run = run_kit(pytester, f"--kaizen-resolver-profile={profile}", "-k", "test_resolver", *options)
    outcomes = run.outcomes()
    assert outcomes, run.result.stdout.str()[-3000:]
    return outcomes


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_reference_as_callable_and_as_command_give_the_same_verdicts(
    pytester: pytest.Pytester, profile: str
) -> None:
    callable_spec = f"--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_{profile}"
    by_respx = verdicts(pytester, profile, callable_spec)
    by_server = verdicts(pytester, profile, callable_spec, "--kaizen-hub-double=server")
    # the command's profile comes from --profile here, and from KAIZEN_PROFILE (set by the kit) otherwise
    by_command = verdicts(pytester, profile, f"--kaizen-resolver-cmd={COMMAND} --profile {profile}")
    assert set(by_respx.values()) == {"passed"}, {
        k: v for k, v in by_respx.items() if v != "passed"
    }
    assert by_server == by_respx
    assert by_command == by_respx


def test_the_reference_command_takes_its_profile_from_the_environment(
    pytester: pytest.Pytester,
) -> None:
    # KAIZEN_PROFILE=v1 (exported by the kit): a v1 resolver includes a flag-false repo with a valid manifest
    run = run_kit(
        pytester,
        f"--kaizen-resolver-cmd={COMMAND}",
        "--kaizen-resolver-profile=v1",
        "-k",
        "test_resolver and (flag-false-file-valid or mixed-fleet)",
    )
    assert run.outcomes() and set(run.outcomes().values()) == {"passed"}, run.result.stdout.str()[
        -3000:
    ]
