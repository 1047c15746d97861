"""The production server: gunicorn with production settings, and settings that refuse to start.

These start real processes (``safeguard serve`` on a free loopback port, and
``safeguard check`` with a scrubbed environment), as a partnership's servers would.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A scrubbed environment: only what a service manager would give the server."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "safeguard.settings",
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "safeguard.example-partnership.org.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "SAFEGUARD_STATIC_ROOT": str(tmp_path / "static"),
        "SAFEGUARD_AUDIT_CHECKPOINTS": str(tmp_path / "checkpoints.jsonl"),
        "SAFEGUARD_STATIC_COMPRESS": "0",  # hashed names still; skips gzip/Brotli for speed
    }
    env.update(overrides)
    return env


def safeguard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "safeguard.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET as the TLS proxy would pass it on: the public host name and X-Forwarded-Proto."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "GET",
        path,
        headers={"Host": "safeguard.example-partnership.org.uk", "X-Forwarded-Proto": "https"},
    )
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the server stopped before it was ready")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listening on port {port} after {seconds} s")


@pytest.mark.timeout(240)
class TestProductionServer:
    def test_gunicorn_serves_pages_with_security_headers_and_assets_cached_for_ever(self, tmp_path):
        env = production_env(tmp_path)
        for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
            done = safeguard(*step, "--verbosity", "0", env=env)
            assert done.returncode == 0, done.stderr
        port = _free_port()
        log = (tmp_path / "server.log").open("wb")
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "safeguard.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_listening(port, server, seconds=90)
            status, headers, body = _get(port, "/sign-in/")
            assert status == 200, body[:500]
            assert b"Sign in" in body
            assert headers["strict-transport-security"].startswith("max-age=31536000")
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
            assert headers["cache-control"] == "no-store"
            assert "__Host-csrftoken=" in headers["set-cookie"]
            assert "Secure" in headers["set-cookie"]

            stylesheet = re.search(rb'href="(/assets/[^"]+\.css)"', body)
            assert stylesheet, "the sign-in page links a stylesheet"
            asset = stylesheet.group(1).decode()
            assert re.search(r"\.[0-9a-f]{12}\.css$", asset), f"{asset} has no content hash"
            status, headers, css = _get(port, asset)
            assert status == 200
            assert "max-age=315360000" in headers["cache-control"]
            assert "immutable" in headers["cache-control"]
            assert b"govuk" in css

            # A plain-HTTP request that did not come through the proxy is sent to HTTPS.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(
                "GET", "/sign-in/", headers={"Host": "safeguard.example-partnership.org.uk"}
            )
            redirect = conn.getresponse()
            assert redirect.status == 301
            assert redirect.getheader("Location", "").startswith("https://")
            conn.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
            log.close()
        output = (tmp_path / "server.log").read_text()
        assert "Booting worker" in output
        assert '"GET /sign-in/ HTTP/1.1" 200' in output  # the access log
        assert server.returncode == 0, output

    def test_the_access_log_leaves_out_query_strings(self):
        from safeguard.gunicorn_conf import ACCESS_LOG_FORMAT

        assert "%(U)s" in ACCESS_LOG_FORMAT  # the path only
        assert "%(r)s" not in ACCESS_LOG_FORMAT
        assert "%(q)s" not in ACCESS_LOG_FORMAT
        assert "%(f)s" not in ACCESS_LOG_FORMAT  # nor the referrer, which has them too

    def test_workers_default_to_two_per_core_plus_one_capped_or_the_environment(self, monkeypatch):
        from safeguard.gunicorn_conf import MAX_DEFAULT_WORKERS, default_workers

        monkeypatch.delenv("SAFEGUARD_WEB_WORKERS", raising=False)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        assert default_workers() == 5
        monkeypatch.setattr(os, "cpu_count", lambda: 64)
        assert default_workers() == MAX_DEFAULT_WORKERS
        monkeypatch.setenv("SAFEGUARD_WEB_WORKERS", "3")
        assert default_workers() == 3


class TestProductionSettingsRefuseToStart:
    @pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
    @pytest.mark.parametrize("value", [None, ""])
    def test_without_each_required_variable(self, tmp_path, name, value):
        env = production_env(tmp_path)
        if value is None:
            del env[name]
        else:
            env[name] = value
        result = safeguard("check", env=env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert f"not set: {name}." in result.stderr

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("SECRET_KEY", "too-short", "SECRET_KEY must be at least 50 random characters"),
            (
                "SECRET_KEY",
                "django-insecure-" + "x" * 60,
                "SECRET_KEY must be at least 50 random characters",
            ),
            ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must name the host names"),
        ],
    )
    def test_with_a_laptop_value(self, tmp_path, name, value, message):
        result = safeguard("check", env=production_env(tmp_path, **{name: value}))
        assert result.returncode != 0
        assert message in result.stderr

    def test_check_deploy_passes_with_every_variable_set(self, tmp_path):
        result = safeguard(
            "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


class TestOutboxWorker:
    def test_the_worker_runs_in_the_same_command_family(self, tmp_path):
        env = production_env(tmp_path)
        assert safeguard("migrate", "--noinput", "--verbosity", "0", env=env).returncode == 0
        result = safeguard("serve", "--worker", "--batch", env=env)
        assert result.returncode == 0, result.stderr

    def test_the_worker_refuses_without_the_database_task_backend(self, tmp_path):
        env = production_env(tmp_path, SAFEGUARD_TASKS="immediate")
        result = safeguard("serve", "--worker", env=env)
        assert result.returncode != 0
        assert "SAFEGUARD_TASKS=database" in result.stderr


class TestAuditVerificationInProduction:
    def test_fails_closed_without_a_checkpoint_store_and_passes_with_one(self, tmp_path):
        env = production_env(tmp_path, SAFEGUARD_AUDIT_CHECKPOINTS="")
        assert safeguard("migrate", "--noinput", "--verbosity", "0", env=env).returncode == 0
        result = safeguard("verify_audit", env=env)
        assert result.returncode != 0
        assert "no audit checkpoint store is configured" in result.stderr
        assert "SAFEGUARD_AUDIT_CHECKPOINTS" in result.stderr
        with_store = production_env(
            tmp_path, SAFEGUARD_AUDIT_CHECKPOINTS=str(tmp_path / "checkpoints.jsonl")
        )
        assert safeguard("verify_audit", "--checkpoint", env=with_store).returncode == 0
        result = safeguard("verify_audit", env=with_store)
        assert result.returncode == 0, result.stderr
        assert "intact" in result.stdout
