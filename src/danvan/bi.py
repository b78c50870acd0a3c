"""Dashboards as code: import dashboards/superset into a running Apache Superset.

The bundle is Superset's own export format, kept as YAML: the warehouse as a database,
datasets on the marts, charts, and one dashboard per dbt exposure. Its connection names
no real host, role or password: the URL of the read-only role Superset should read as is
given at import time (host, role and database written into the bundle's database, the
password sent beside it). Uses Superset's REST API (log in, CSRF token, import with
overwrite), so importing again updates everything in place.

Each import endpoint overwrites only its own kind (a dashboard import keeps the charts,
datasets and database it finds), so the bundle goes through all four, parents first.
"""

from __future__ import annotations

import http.client
import io
import json
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml

# Inside the bundle: the one database every dataset reads through.
DATABASE_FILE = "databases/danvan_marts.yaml"
# What Superset writes in place of a password in an exported URI.
PASSWORD_MASK = "XXXXXXXXXX"
# Superset's import endpoints, parents first, with the bundle type each accepts.
IMPORT_STEPS = (
    ("database", "Database"),
    ("dataset", "SqlaTable"),
    ("chart", "Slice"),
    ("dashboard", "Dashboard"),
)


class SupersetError(RuntimeError):
    pass


@dataclass(frozen=True)
class SupersetAdmin:
    username: str
    password: str


@dataclass(frozen=True)
class ReaderConnection:
    """The bundle's database URI (password masked) and the password sent beside it."""

    sqlalchemy_uri: str
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> ReaderConnection:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
            raise SupersetError(
                f"the reader URL must be postgresql://role:password@host:port/database, not {url!r}"
            )
        netloc = parts.username or ""
        if parts.password is not None:
            netloc += f":{PASSWORD_MASK}"
        netloc += f"@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        uri = urlunsplit(("postgresql+psycopg2", netloc, parts.path, parts.query, ""))
        password = unquote(parts.password) if parts.password is not None else None
        return cls(uri, password)


def bundle_zip(bundle_dir: Path, connection: ReaderConnection, bundle_type: str) -> bytes:
    """The bundle as the zip an import endpoint takes, its database pointed at the reader."""
    files = sorted(path for path in bundle_dir.rglob("*.yaml") if path.is_file())
    if not (bundle_dir / DATABASE_FILE).is_file():
        raise SupersetError(f"{bundle_dir / DATABASE_FILE} is missing: not a dashboard bundle")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            name = path.relative_to(bundle_dir).as_posix()
            text = path.read_text(encoding="utf-8")
            if name == DATABASE_FILE:
                database = yaml.safe_load(text)
                database["sqlalchemy_uri"] = connection.sqlalchemy_uri
                text = yaml.safe_dump(database, allow_unicode=True, sort_keys=False)
            elif name == "metadata.yaml":
                metadata = yaml.safe_load(text)
                metadata["type"] = bundle_type
                text = yaml.safe_dump(metadata, sort_keys=False)
            bundle.writestr(f"danvan_dashboards/{name}", text)
    return buffer.getvalue()


def bundle_summary(bundle_dir: Path) -> dict[str, int]:
    return {
        kind: sum(1 for _ in (bundle_dir / kind).rglob("*.yaml"))
        for kind in ("dashboards", "charts", "datasets")
    }


class SupersetClient:
    """A logged-in session on Superset's REST API (bearer token plus CSRF cookie)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self._headers: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base_url}{path}", method=method, data=body, headers=self._headers.copy()
        )
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self._opener.open(request, timeout=120) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace")
            raise SupersetError(f"Superset {method} {path}: HTTP {error.code}: {detail}") from error
        answer: dict[str, Any] = json.loads(payload) if payload else {}
        return answer

    def get(self, path: str) -> dict[str, Any]:
        return self.request("GET", path)

    def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", path, json.dumps(body).encode(), "application/json")

    def wait_until_up(self, timeout_seconds: float) -> None:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                with self._opener.open(f"{self.base_url}/health", timeout=10) as response:
                    if response.status == 200:
                        return
            except (OSError, http.client.HTTPException):  # not listening yet, or still starting
                pass
            if time.monotonic() > deadline:
                raise SupersetError(f"Superset at {self.base_url} did not answer in time")
            time.sleep(2)

    def log_in(self, admin: SupersetAdmin) -> None:
        token = self.post_json(
            "/api/v1/security/login",
            {"username": admin.username, "password": admin.password, "provider": "db"},
        )["access_token"]
        self._headers["Authorization"] = f"Bearer {token}"
        # The CSRF token is bound to the session cookie this response sets.
        self._headers["X-CSRFToken"] = self.get("/api/v1/security/csrf_token/")["result"]
        self._headers["Referer"] = self.base_url

    def post_form(
        self, path: str, fields: dict[str, str], files: dict[str, bytes]
    ) -> dict[str, Any]:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            )
            body.write(value.encode() + b"\r\n")
        for name, content in files.items():
            body.write(
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{name}.zip"\r\n'
                "Content-Type: application/zip\r\n\r\n".encode()
            )
            body.write(content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, body.getvalue(), f"multipart/form-data; boundary={boundary}"
        )


def import_dashboards(
    superset_url: str,
    admin: SupersetAdmin,
    bundle_dir: Path,
    reader_url: str,
    timeout_seconds: float = 600,
) -> str:
    """Import (or update in place) every dashboard of the bundle, reading as reader_url's role."""
    connection = ReaderConnection.from_url(reader_url)
    client = SupersetClient(superset_url)
    client.wait_until_up(timeout_seconds)
    client.log_in(admin)
    passwords = {DATABASE_FILE: connection.password} if connection.password is not None else {}
    for endpoint, bundle_type in IMPORT_STEPS:
        client.post_form(
            f"/api/v1/{endpoint}/import/",
            {"overwrite": "true", "passwords": json.dumps(passwords)},
            {"formData": bundle_zip(bundle_dir, connection, bundle_type)},
        )
    counts = bundle_summary(bundle_dir)
    target = urlsplit(reader_url)
    return (
        f"Superset at {client.base_url}: {counts['dashboards']} dashboards, "
        f"{counts['charts']} charts and {counts['datasets']} datasets imported, reading "
        f"{target.hostname}:{target.port or 5432}{target.path} as {target.username}"
    )
