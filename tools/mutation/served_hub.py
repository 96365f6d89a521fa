"""A pytest plugin for the mutation run only: the reference hub served on 127.0.0.1 by URL.

Loaded with ``-p served_hub``: before the kit configures, it serves the reference's v2 hub
(``reference.hub.serve``, the server ``python -m kaizen_conformance.reference.hub`` runs) on an
ephemeral port of this process and gives its URL as ``--kaizen-hub-url``; the reference's seed
function finds the hub by that URL. So the golden hub suite judges the reference as teams
serve theirs -- real HTTP through the WSGI server, seeded by URL -- and not only as an app
called in-process.
"""

from __future__ import annotations

import contextlib

import pytest

from kaizen_conformance.reference import hub

_SERVING = contextlib.ExitStack()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    url = _SERVING.enter_context(hub.serve(hub.hub))
    config.option.kaizen_hub_url = url


def pytest_unconfigure() -> None:
    _SERVING.close()
