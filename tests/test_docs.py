"""The README documents every setting and every dialect the gateway mounts."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from dialects.registry import DIALECTS
from gateway.settings import PREFIX, Settings, SettingsError

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", [f.name for f in fields(Settings)])
def test_every_setting_is_in_the_readme(name):
    assert f"`{PREFIX}{name.upper()}`" in README


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_every_dialect_is_in_the_readme_and_has_its_page(name):
    dialect = DIALECTS[name]
    assert f"`{name}`" in README and dialect.seed in README and f"/{name}" in README
    assert (DOCS / "dialects" / f"{name}.md").is_file()


def test_settings_come_from_the_environment():
    settings = Settings.from_env({"CLIENTGATE_PORT": "9000", "CLIENTGATE_ACCESS_LOG": "no",
                                  "CLIENTGATE_KEY_CACHE_SECONDS": "0.5"})
    assert (settings.port, settings.access_log, settings.key_cache_seconds) == (9000, False, 0.5)
    assert Settings.from_env({"CLIENTGATE_PORT": "9000"}, port=9100).port == 9100


@pytest.mark.parametrize("env", [{"CLIENTGATE_PORT": "http"}, {"CLIENTGATE_PORT": "0"},
                                 {"CLIENTGATE_WORKERS": "0"}, {"CLIENTGATE_DB_CALLS": "fast"},
                                 {"CLIENTGATE_ACCESS_LOG": "maybe"}])
def test_bad_settings_are_refused_with_their_name(env):
    with pytest.raises(SettingsError):
        Settings.from_env(env)
