"""The settings fail closed: production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Variables the test settings or CI set for this process; a child must not inherit them.
_OURS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_SETTINGS_MODULE",
}


def _environ(**env):
    clean = {k: v for k, v in os.environ.items() if k not in _OURS}
    clean.update(env)
    return clean


def _load_settings(**env):
    clean = _environ(**env)
    code = (
        "import innovation_portal.settings as s;"
        "print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.LANGUAGE_CODE, ','.join(c for c, _ in s.LANGUAGES))"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(DEBUG="0", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _load_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_malformed_boolean_fails_loudly(value):
    result = _load_settings(DEBUG=value)
    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_a_malformed_integer_fails_loudly():
    result = _load_settings(DEBUG="1", EMAIL_PORT="smtp")
    assert result.returncode != 0
    assert "EMAIL_PORT='smtp' is not an integer" in result.stderr


def test_development_defaults_run_without_any_service():
    result = _load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Europe/Moscow", "ru", "ru,en"]


def test_a_broker_turns_off_eager_tasks():
    result = _load_settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_deploy_check_is_clean_with_production_settings():
    env = _environ(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-" + "x9" * 20,
        ALLOWED_HOSTS="portal.example.org",
        DJANGO_SETTINGS_MODULE="innovation_portal.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
