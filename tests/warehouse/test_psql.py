"""`danvan warehouse psql`: the password never appears among a process's arguments."""

from __future__ import annotations

import pytest

from danvan.settings import WAREHOUSE_OWNER, WAREHOUSE_READER

pytestmark = pytest.mark.database

# psql's shell escape runs in a child of psql: its parent's command line is psql's.
SHOW_PSQL_ARGUMENTS = r"\! tr '\0' ' ' < /proc/$PPID/cmdline"


@pytest.mark.parametrize("role", [WAREHOUSE_OWNER, WAREHOUSE_READER])
def test_psql_logs_in_without_the_password_on_its_command_line(home, role):
    # GIVEN the running warehouse and the role's password
    password = home.credentials()[role]
    reader = ["--reader"] if role == WAREHOUSE_READER else []
    # WHEN psql is opened through danvan and shows its own command line
    result = home.run(
        "warehouse", "psql", *reader, "-At", "-c", "select current_user", "-c", SHOW_PSQL_ARGUMENTS
    )
    logged_in_as, command_line = result.stdout.splitlines()[:2]
    # THEN it logged in as the role, and its arguments hold no password
    assert logged_in_as == role
    assert f"user={role}" in command_line and "psql" in command_line
    assert password not in command_line and "password" not in command_line
