"""The seed function state-hub's CI gives the kit: ``--kaizen-hub-seed=<this module>:seed``.

The kit calls ``seed(app, records)`` in-process, or ``seed(url, records)`` against a running
hub, before each golden case: it must make ``records`` the hub's whole roster. Here it writes
the example hub's SQLite database directly — the app's own in-process, the one named by
``STATE_HUB_DATABASE`` (which the served hub reads too) for a URL.
"""

from __future__ import annotations

import os
from contextlib import closing
from typing import Any

from consumers.state_hub.main import connect, create_schema

FLAG = "kaizen_schedule_enabled"
STAMP = "kaizen_schedule_updated_at"


def seed(app_or_url: Any, records: list[dict[str, Any]]) -> None:
    if isinstance(app_or_url, str):
        path = os.environ["STATE_HUB_DATABASE"]
    else:
        path = app_or_url.state.database
    create_schema(path)
    with closing(connect(path)) as connection, connection:
        connection.execute("DELETE FROM host_paths")
        connection.execute("DELETE FROM repos")
        for record in records:
            flag = record.get(FLAG)
            connection.execute(
                "INSERT INTO repos (slug, domain, kaizen_schedule_enabled, kaizen_schedule_updated_at) "
                "VALUES (?, ?, ?, ?)",
                (
                    record["slug"],
                    record["domain"],
                    None if flag is None else int(flag),
                    record.get(STAMP),
                ),
            )
            connection.executemany(
                "INSERT INTO host_paths (slug, host, path) VALUES (?, ?, ?)",
                [(record["slug"], host, path) for host, path in record["host_paths"].items()],
            )
