"""The dependency audit's fallback (.ci/advisories.py) against a local PyPI JSON API.

The server answers as PyPI's project pages do; what it holds for each installed
package decides whether the audit passes, fails or says it audited nothing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "advisories.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_advisories", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


advisories = load_script()
INSTALLED: dict[str, str] = advisories.installed()


class FakePyPI:
    """Project pages by name; a name it does not hold answers 404."""

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}
        self.asked: list[str] = []

    def hold(self, name: str, latest: str, vulnerabilities: list[dict[str, Any]]) -> None:
        self.pages[name] = {"info": {"version": latest}, "vulnerabilities": vulnerabilities}


@pytest.fixture
def pypi() -> Iterator[tuple[FakePyPI, str]]:
    fake = FakePyPI()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = self.path.strip("/").split("/")
            fake.asked.append(self.path)
            page = fake.pages.get(parts[1]) if len(parts) == 3 and parts[2] == "json" else None
            body = json.dumps(page).encode() if page else b'{"message": "Not Found"}'
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/pypi"
    server.shutdown()
    server.server_close()


ADVISORY = {"id": "PYSEC-0000-1", "fixed_in": ["99.1"], "withdrawn": None, "summary": "x"}


def test_the_installed_packages_are_found_and_the_project_is_not() -> None:
    assert "fastapi" in INSTALLED and "httpx" in INSTALLED
    assert "petition-hub" not in INSTALLED  # installed editable: pip-audit skips it too


def test_a_vulnerable_latest_release_fails_and_is_named(
    pypi: tuple[FakePyPI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, url = pypi
    for name, version in INSTALLED.items():
        fake.hold(name, version, [])
    fake.hold("fastapi", INSTALLED["fastapi"], [ADVISORY])
    fake.hold("httpx", INSTALLED["httpx"], [dict(ADVISORY, withdrawn="2026-01-01T00:00:00")])
    fake.hold("jinja2", "999.0", [ADVISORY])  # newer release: says nothing of ours
    del fake.pages["pydantic"]

    code = advisories.report(advisories.audit(INSTALLED, url, 5.0))

    out = capsys.readouterr().out
    assert code == 1
    assert f"VULNERABLE fastapi {INSTALLED['fastapi']}: PYSEC-0000-1 (fixed in 99.1)" in out
    assert "VULNERABLE httpx" not in out  # a withdrawn advisory is not a finding
    assert "VULNERABLE jinja2" not in out
    assert f"not audited: jinja2 {INSTALLED['jinja2']}: older than the latest release" in out
    assert "not audited: pydantic" in out and "project page unreadable" in out
    total = len(INSTALLED)
    assert f"audited {total - 2} of {total} installed packages" in out
    assert len(fake.asked) == total


def test_no_advisory_passes(pypi: tuple[FakePyPI, str], capsys: pytest.CaptureFixture[str]) -> None:
    fake, url = pypi
    for name, version in INSTALLED.items():
        fake.hold(name, version, [])
    assert advisories.report(advisories.audit(INSTALLED, url, 5.0)) == 0
    assert "0 with a known vulnerability" in capsys.readouterr().out


def run_script(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--index-url", url, "--timeout", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_script_as_ci_runs_it(pypi: tuple[FakePyPI, str]) -> None:
    fake, url = pypi
    done = run_script(url)
    # Nothing held: nothing audited, which is not a pass.
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"audited 0 of {len(INSTALLED)}" in done.stdout
    fake.hold("fastapi", INSTALLED["fastapi"], [ADVISORY])
    done = run_script(url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VULNERABLE fastapi" in done.stdout
