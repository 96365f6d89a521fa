"""A resolver whose code imports a module that is not installed, on every call."""

ROLE = "resolver"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def resolve(hub_url, hostname, domain=None):
    import kaizen_no_such_http_client  # noqa: F401

    return []
