"""Memoises its whole answer with functools.lru_cache, keyed by (hub URL, hostname, domain): a
long-lived service answers every later call with the fleet as it was at the first."""

import functools

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-"]


@functools.lru_cache(maxsize=128)
def _answer(hub_url, hostname, domain):
    return tuple(tuple(sorted(repo.items())) for repo in resolver()(hub_url, hostname, domain))


def resolve(hub_url, hostname, domain=None):
    return [dict(items) for items in _answer(hub_url, hostname, domain)]
