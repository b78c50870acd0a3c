"""Point a Metabase instance at the published marts, as the read-only role.

Uses Metabase's REST API: first-run setup (or log in), then add the warehouse
as a PostgreSQL database restricted to the ``marts`` schema. Idempotent.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from danvan.publish import PUBLIC_SCHEMA
from danvan.settings import WAREHOUSE_READER, DatabaseTarget

DATABASE_NAME = "danvan marts"


@dataclass(frozen=True)
class MetabaseAdmin:
    email: str
    password: str


class MetabaseClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session: str | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> dict | list:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        if self.session:
            request.add_header("X-Metabase-Session", self.session)
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else {}

    def wait_until_up(self, timeout_seconds: float) -> dict:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                return self.call("GET", "/api/session/properties")
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(5)


def connect_metabase(
    metabase_url: str,
    admin: MetabaseAdmin,
    warehouse: DatabaseTarget,
    reader_password: str,
    timeout_seconds: float = 600,
) -> str:
    client = MetabaseClient(metabase_url)
    properties = client.wait_until_up(timeout_seconds)
    if properties.get("setup-token") and not properties.get("has-user-setup"):
        session = client.call(
            "POST",
            "/api/setup",
            {
                "token": properties["setup-token"],
                "user": {"email": admin.email, "password": admin.password, "first_name": "danvan"},
                "prefs": {"site_name": "danvan", "allow_tracking": False},
            },
        )
    else:
        session = client.call(
            "POST", "/api/session", {"username": admin.email, "password": admin.password}
        )
    client.session = session["id"]
    databases = client.call("GET", "/api/database")
    existing = databases.get("data", []) if isinstance(databases, dict) else databases
    if any(database["name"] == DATABASE_NAME for database in existing):
        return f"Metabase already reads '{DATABASE_NAME}'"
    params = warehouse.params
    client.call(
        "POST",
        "/api/database",
        {
            "engine": "postgres",
            "name": DATABASE_NAME,
            "details": {
                "host": params.get("host", "localhost"),
                "port": int(params.get("port", 5432)),
                "dbname": params.get("dbname", "danvan"),
                "user": WAREHOUSE_READER,
                "password": reader_password,
                "schema-filters-type": "inclusion",
                "schema-filters-patterns": PUBLIC_SCHEMA,
                "ssl": False,
            },
        },
    )
    return f"Metabase now reads the '{PUBLIC_SCHEMA}' schema as '{DATABASE_NAME}'"
