"""An example state-hub: ``GET /repos/`` with FastAPI and SQLite, as contract v1 (profile v2) wants it.

The shape state-hub's developers can copy: the flag lives in nullable columns (NULL = never
flagged) and the listing reports such a repo ``false`` / ``null``; host paths live in a table
of their own and are gathered per repo (a plain join would list a repo once per runner);
the flag filter is a ``bool`` query parameter, so FastAPI answers 422 with a JSON body to
anything but a boolean; the listing is never paged; the schema is created in the lifespan.

Run it: ``STATE_HUB_DATABASE=hub.db uvicorn consumers.state_hub.main:app``.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing

from fastapi import FastAPI, Request
from pydantic import BaseModel

SCHEMA = """
CREATE TABLE IF NOT EXISTS repos (
    slug TEXT PRIMARY KEY,
    domain TEXT NOT NULL,
    kaizen_schedule_enabled INTEGER,      -- NULL: never flagged
    kaizen_schedule_updated_at TEXT       -- RFC 3339 with offset; NULL: never flagged
);
CREATE TABLE IF NOT EXISTS host_paths (
    slug TEXT NOT NULL REFERENCES repos (slug) ON DELETE CASCADE,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (slug, host)
);
"""


def database_path() -> str:
    """``STATE_HUB_DATABASE``, or a database of this process's own (so parallel test workers never share one)."""
    configured = os.environ.get("STATE_HUB_DATABASE")
    if configured:
        return configured
    return os.path.join(tempfile.gettempdir(), f"state-hub-example-{os.getpid()}.db")


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create_schema(path: str) -> None:
    with closing(connect(path)) as connection, connection:
        connection.executescript(SCHEMA)


class Repo(BaseModel):
    slug: str
    domain: str
    host_paths: dict[str, str]
    kaizen_schedule_enabled: bool
    # Kept and returned as the RFC 3339 text it was given: a datetime type would refuse a leap
    # second (23:59:60) and drop digits below a microsecond.
    kaizen_schedule_updated_at: str | None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    create_schema(app.state.database)
    yield


app = FastAPI(title="state-hub (example)", lifespan=lifespan)
app.state.database = database_path()


@app.get("/repos/", response_model=list[Repo])
def list_repos(
    request: Request, domain: str | None = None, kaizen_schedule_enabled: bool | None = None
) -> list[Repo]:
    conditions, arguments = [], []
    if domain is not None:
        conditions.append("domain = ?")  # exact and case-sensitive (not LIKE)
        arguments.append(domain)
    if kaizen_schedule_enabled is not None:
        conditions.append(
            "COALESCE(kaizen_schedule_enabled, 0) = ?"
        )  # never flagged counts as false
        arguments.append(int(kaizen_schedule_enabled))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    with closing(connect(request.app.state.database)) as connection:
        rows = connection.execute(
            "SELECT slug, domain, kaizen_schedule_enabled, kaizen_schedule_updated_at FROM repos"
            f"{where} ORDER BY slug",
            arguments,
        ).fetchall()
        paths: dict[str, dict[str, str]] = {}
        for slug, host, path in connection.execute(
            "SELECT slug, host, path FROM host_paths ORDER BY slug, host"
        ):
            paths.setdefault(slug, {})[host] = path
    return [
        Repo(
            slug=slug,
            domain=repo_domain,
            host_paths=paths.get(slug, {}),
            kaizen_schedule_enabled=bool(flag),
            kaizen_schedule_updated_at=updated_at,
        )
        for slug, repo_domain, flag, updated_at in rows
    ]
