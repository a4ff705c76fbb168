"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_tellus(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELLUS_", "DJANGO_", "DATABASE_"))}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tellus.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_tellus("check", DJANGO_SETTINGS_MODULE="tellus.settings.production", TELLUS_VAR_DIR=str(tmp_path))

    assert result.returncode == 1
    assert "TELLUS_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_deployment_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = run_tellus(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="tellus.settings.production",
        TELLUS_SECRET_KEY="x" * 20 + "-Kq8vLr2Zt9Wm4Np7Bs1Hd6Jf3Gc5Xy0",
        TELLUS_ALLOWED_HOSTS="tellus.council.example",
        TELLUS_HSTS_PRELOAD="true",
        TELLUS_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_local_settings_make_a_secret_key_once_under_var(tmp_path: Path) -> None:
    first = run_tellus("check", TELLUS_VAR_DIR=str(tmp_path))
    key = (tmp_path / "secret_key").read_text()
    second = run_tellus("check", TELLUS_VAR_DIR=str(tmp_path))

    assert first.returncode == second.returncode == 0
    assert len(key) >= 50
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_a_malformed_database_url_is_one_clear_line() -> None:
    result = run_tellus("check", DATABASE_URL="nonsense://nowhere")

    assert result.returncode == 1
    assert "DATABASE_URL is not a database URL Tellus can use" in result.stderr
    assert "Traceback" not in result.stderr
