"""SCRAM-SHA-256 password verifiers, as PostgreSQL stores them in pg_authid.

Passwords reach the server only as verifiers, so the plain text never appears in a
statement, a server log or a catalog.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

ITERATIONS = 4096


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    stored_key, server_key = _keys(password, salt, iterations)
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def verifies(verifier: str | None, password: str) -> bool:
    """Whether ``verifier`` was made from ``password`` (False when unsure: then it is reset)."""
    try:
        method, rest = (verifier or "").split("$", 1)
        parameters, keys = rest.split("$")
        iterations, salt = parameters.split(":")
        stored_key, server_key = keys.split(":")
    except ValueError:
        return False
    if method != "SCRAM-SHA-256":
        return False
    expected = _keys(password, base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(_b64(expected[0]), stored_key) and hmac.compare_digest(
        _b64(expected[1]), server_key
    )


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    # PostgreSQL applies SASLprep; NFKC is its core and identity for ASCII passwords.
    prepared = unicodedata.normalize("NFKC", password).encode()
    salted = hashlib.pbkdf2_hmac("sha256", prepared, salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    return hashlib.sha256(client_key).digest(), server_key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
