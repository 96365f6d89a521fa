"""Hub conformance (contract section 2), one item per rule and case: ``HUB-012[mixed-fleet]``.

PYTEST_DONT_REWRITE
"""

import pytest

from kaizen_conformance.session.hooks import conformance_checks


@pytest.fixture(autouse=True)
def kaizen_hub_case(request: pytest.FixtureRequest) -> None:
    """Seed the hub with the item's case and read every view, once per case, in setup.

    Doing it in setup makes a seed function that raises, or a hub that cannot be reached at
    all, an error of the run's configuration (pytest reports ERROR, naming the option),
    never a failed HUB rule.
    """
    from kaizen_conformance.core.checks import CheckContext
    from kaizen_conformance.core.stash import CHECK, MEMO, settings_of
    from kaizen_conformance.roles.hub import prepare

    check = request.node.stash.get(CHECK, None)
    if check is None:
        return
    context = CheckContext(
        request=request,
        settings=settings_of(request.config),
        memo=request.config.stash[MEMO],
    )
    prepare(context, check.case)


test_hub = conformance_checks("hub")
