"""No Docker engine runs here: check the compose file against what settings read."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables():
    """Every environment variable that the settings modules read."""
    text = "".join(
        path.read_text() for path in (ROOT / "config" / "settings").glob("*.py")
    )
    pattern = r"(?:environ\.get|env_bool|env_list)\(\s*\"([A-Z_]+)\""
    return set(re.findall(pattern, text))


def test_compose_has_db_web_and_named_volumes():
    data = compose()
    assert {"db", "web"} <= set(data["services"])
    assert data["services"]["db"]["image"] == "postgres:15"
    assert "pgdata:/var/lib/postgresql/data" in data["services"]["db"]["volumes"]
    assert data["services"]["web"]["build"] == "."
    assert any(v.startswith("media:") for v in data["services"]["web"]["volumes"])
    assert {"pgdata", "media"} <= set(data["volumes"])


def test_web_service_sets_what_production_settings_require():
    env = compose()["services"]["web"]["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    for name in ["DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT"]:
        assert name in env
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in env["DATABASE_URL"]
    # Every variable the compose file passes is one the settings actually read.
    unknown = set(env) - settings_variables() - {"DJANGO_SETTINGS_MODULE"}
    assert not unknown, unknown


def test_dockerfile_installs_fonts_and_harfbuzz_and_runs_migrations():
    dockerfile = (ROOT / "Dockerfile").read_text()
    packages = (ROOT / "scripts" / "system-packages.txt").read_text()
    assert "system-packages.txt" in dockerfile
    for package in ["fonts-noto-cjk", "libharfbuzz-subset0"]:
        assert package in packages.split()
    assert "migrate" in dockerfile and "gunicorn" in dockerfile


def test_gunicorn_starts_from_the_config_the_dockerfile_names():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn -c config/gunicorn.py config.wsgi" in dockerfile
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--print-config",
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^workers\s+= 3$", result.stdout, re.M)
    assert re.search(r"^timeout\s+= 60$", result.stdout, re.M)
    # Ours (gunicorn's own default prints as PostWorkerInit.post_worker_init).
    assert re.search(
        r"^post_worker_init\s+= <post_worker_init\(\)>$", result.stdout, re.M
    )


def test_compose_runs_a_worker_and_beat_with_the_web_settings():
    services = compose()["services"]
    for name, command in [("worker", "worker"), ("beat", "beat")]:
        service = services[name]
        assert service["build"] == "."
        assert service["command"][:4] == ["celery", "-A", "config", command]
        assert service["environment"] == services["web"]["environment"]
    assert services["web"]["environment"]["REDIS_URL"].endswith("@redis:6379/0")
    assert "EMAIL_TIMEOUT" in settings_variables()


def test_make_run_starts_redis_the_web_server_a_worker_and_beat():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:") : makefile.index("\ntest:")]
    assert "honcho start -f Procfile" in run
    procfile = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(procfile) == {"redis", "web", "worker", "beat"}
    assert "celery -A config worker" in procfile["worker"]
    assert "celery -A config beat" in procfile["beat"]
    assert "redis-server" in (ROOT / "scripts" / "system-packages.txt").read_text()
    assert "honcho==" in (ROOT / "requirements-dev.txt").read_text()


def test_the_demo_runs_with_debug_off_unless_asked_for():
    """`make run` shows the product's Chinese error pages; DEBUG=1 (make
    run-debug) brings Django's debug pages back."""

    def debug_with(**extra):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
        env.pop("DEBUG", None)
        env.update(extra)
        code = "import django; django.setup(); from django.conf import settings;"
        result = subprocess.run(
            [sys.executable, "-c", code + "print(settings.DEBUG)"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert debug_with() == "False"
    assert debug_with(DEBUG="1") == "True"
    recipe = subprocess.run(
        ["make", "-n", "run-debug"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "DEBUG=1" in recipe


def test_redis_is_not_published_and_asks_for_a_password():
    services = compose()["services"]
    redis = services["redis"]
    assert "ports" not in redis
    assert "--requirepass" in redis["command"]
    password = redis["command"][redis["command"].index("--requirepass") + 1]
    assert "REDIS_PASSWORD" in password
    url = services["web"]["environment"]["REDIS_URL"]
    assert url.startswith("redis://:${REDIS_PASSWORD}@redis:6379/")


def test_project_files_name_no_build_machine_path():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    here = Path(__file__).relative_to(ROOT).as_posix()
    # Paths of the machine the project was built on, and the documents that
    # were kept beside it: the README and the code explain themselves.
    patterns = ["/work/", "/home/", "../shared", "shared/reference"]
    patterns += [
        document
        for document in ("STYLE.md", "SECURITY.md", "FORMAT.md", "SEARCH.md")
        if not any(Path(name).name == document for name in tracked)
    ]
    for name in tracked:
        path = ROOT / name
        if name == here or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for pattern in patterns:
            assert pattern not in text, f"{name} names {pattern}"
