"""Known vulnerabilities of the installed packages, from PyPI's project pages.

pip-audit asks PyPI once per version (/pypi/NAME/VERSION/json). Where only the
project page (/pypi/NAME/json) can be reached, as through this machine's proxy,
that page still lists the advisories of the project's latest release: every
installed package that is its latest release can be audited from it. Packages
older than their latest release, and pages that cannot be read, are named as
not audited, never counted as clean.

Exit status: 0 no known vulnerability, 1 a vulnerability found, 2 nothing audited.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi"


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    advisories: tuple[str, ...] = ()
    problem: str = ""

    @property
    def audited(self) -> bool:
        return not self.problem


def installed() -> dict[str, str]:
    """Installed distributions by canonical name; editable ones (the project) left out."""
    found: dict[str, str] = {}
    editable: set[str] = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        if _is_editable(dist):
            # The same project may also be seen through a source checkout on sys.path.
            editable.add(canonicalize_name(name))
        found.setdefault(canonicalize_name(name), dist.version)
    return {name: version for name, version in found.items() if name not in editable}


def _is_editable(dist: metadata.Distribution) -> bool:
    direct = dist.read_text("direct_url.json")
    if not direct:
        return False
    try:
        return bool(json.loads(direct).get("dir_info", {}).get("editable"))
    except (ValueError, AttributeError):
        return False


def check(name: str, version: str, index: str, timeout: float) -> Finding:
    try:
        with urllib.request.urlopen(f"{index}/{name}/json", timeout=timeout) as answer:
            page = json.load(answer)
        latest = str(page["info"]["version"])
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as exc:
        return Finding(name, version, problem=f"project page unreadable ({exc})")
    if not _same_version(version, latest):
        return Finding(name, version, problem=f"older than the latest release {latest}")
    advisories = tuple(
        _describe(entry)
        for entry in page.get("vulnerabilities") or ()
        if isinstance(entry, dict) and not entry.get("withdrawn")
    )
    return Finding(name, version, advisories)


def _same_version(installed_version: str, latest: str) -> bool:
    try:
        return Version(installed_version) == Version(latest)
    except InvalidVersion:
        return installed_version == latest


def _describe(entry: dict[str, object]) -> str:
    fixed = entry.get("fixed_in") or []
    fixed_in = ", ".join(str(v) for v in fixed) if isinstance(fixed, list) else str(fixed)
    return f"{entry.get('id', '?')} (fixed in {fixed_in or 'no release yet'})"


def audit(packages: dict[str, str], index: str, timeout: float) -> list[Finding]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(
            pool.map(lambda item: check(item[0], item[1], index, timeout), sorted(packages.items()))
        )


def report(findings: Iterable[Finding]) -> int:
    findings = list(findings)
    audited = [f for f in findings if f.audited]
    vulnerable = [f for f in audited if f.advisories]
    for finding in vulnerable:
        print(f"VULNERABLE {finding.name} {finding.version}: {'; '.join(finding.advisories)}")
    print(
        f"audited {len(audited)} of {len(findings)} installed packages against the advisories "
        f"on PyPI's project pages: {len(vulnerable)} with a known vulnerability"
    )
    for finding in findings:
        if not finding.audited:
            print(f"  not audited: {finding.name} {finding.version}: {finding.problem}")
    if vulnerable:
        return 1
    return 0 if audited else 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-url", default=PYPI, help="PyPI's JSON API root")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    return report(audit(installed(), args.index_url.rstrip("/"), args.timeout))


if __name__ == "__main__":
    sys.exit(main())
