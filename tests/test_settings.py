"""The settings object: one home wherever a command runs, and no secret in its dumps."""

from __future__ import annotations

from pathlib import Path

from flows.nightly import nightly_pipeline

from danvan.settings import PROJECT_ROOT, DatabaseTarget, Settings

SECRETS = {
    "database_url": "postgresql://danvan:url-secret@db.example:5432/danvan",
    "password": "owner-secret",
    "reader_password": "reader-secret",
}


def test_a_relative_home_is_the_project_s_from_any_folder(tmp_path, monkeypatch):
    # GIVEN the default home and a shell in an unrelated folder
    monkeypatch.delenv("DANVAN_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    # WHEN the settings are read there
    home = Settings().home_dir
    # THEN the home is the project's, not one under the current folder
    assert home == PROJECT_ROOT / ".danvan"
    assert Settings(home=Path("elsewhere")).home_dir == PROJECT_ROOT / "elsewhere"
    assert Settings(home=tmp_path / "abs").home_dir == tmp_path / "abs"


def test_settings_serialise_without_secrets():
    # GIVEN settings holding every secret
    settings = Settings(home=Path("/srv/danvan"), **SECRETS)
    # WHEN they are dumped, printed, or stored as a Prefect flow parameter
    forms = [
        str(settings.model_dump(mode="json")),
        str(settings.model_dump()),
        repr(settings),
        str(nightly_pipeline.serialize_parameters({"settings": settings})),
    ]
    # THEN no secret is in any of them, while the rest is
    for form in forms:
        assert "/srv/danvan" in form
        for secret in ("url-secret", "owner-secret", "reader-secret"):
            assert secret not in form, form


def test_settings_rebuilt_from_a_dump_take_their_secrets_from_the_environment(monkeypatch):
    # GIVEN a dump of settings, and a process whose environment holds the secrets
    dump = Settings(home=Path("/srv/danvan"), **SECRETS).model_dump(mode="json")
    for name, value in SECRETS.items():
        monkeypatch.setenv(f"DANVAN_{name.upper()}", value)
    # WHEN that process rebuilds them (as Prefect does with a deployment's parameters)
    rebuilt = nightly_pipeline.validate_parameters({"settings": dump, "inbox": "/srv/inbox"})
    # THEN they are whole again
    settings = rebuilt["settings"]
    assert settings.home_dir == Path("/srv/danvan")
    assert settings.database_url == SECRETS["database_url"]
    assert settings.password.get_secret_value() == "owner-secret"


def test_a_database_target_shows_its_connection_without_the_password():
    # GIVEN a target with a password
    target = DatabaseTarget(SECRETS["database_url"])
    # THEN what may be shown or put on a command line has none; libpq gets it from the env
    assert "url-secret" not in target.conninfo_without_password()
    assert "url-secret" not in repr(target)
    assert target.libpq_environment() == {"PGPASSWORD": "url-secret"}
