"""The supply chain: hash-pinned Python lock, npm integrity, licences, software bill of materials."""

from __future__ import annotations

import json
import re
import tomllib

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from ._scripts import ROOT, load_script

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)", re.MULTILINE)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {_name(m.group(1)): m.group(3) for m in _REQUIREMENT.finditer(text)}


def _lock_entries() -> list[str]:
    """Each requirement of the lock with its continuation lines, comments dropped."""
    text = (ROOT / "requirements.lock").read_text()
    return [e for e in re.split(r"\n(?=[A-Za-z0-9])", text) if _REQUIREMENT.match(e)]


class TestThePythonLock:
    def test_every_package_is_pinned_to_one_version_with_its_hashes(self):
        entries = _lock_entries()
        assert len(entries) > 100
        for entry in entries:
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.splitlines()[0]

    def test_every_dependency_pinned_in_pyproject_is_in_the_lock_at_that_version(self):
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        wanted = list(project["dependencies"])
        for extra in project["optional-dependencies"].values():
            wanted += extra
        lock = _lock()
        stale = []
        for requirement in wanted:
            match = _REQUIREMENT.match(requirement)
            assert match, f"{requirement} is not pinned with =="
            name, version = _name(match.group(1)), match.group(3)
            if lock.get(name) != version:
                stale.append(f"{name}: pyproject {version}, lock {lock.get(name)}")
        assert stale == [], "requirements.lock is stale: run `make lock`"

    def test_the_build_tools_come_from_the_lock_too(self):
        lock = _lock()
        assert {"pip", "setuptools", "wheel"} <= set(lock)

    def test_make_install_installs_only_from_the_lock_with_hashes_required(self):
        makefile = (ROOT / "Makefile").read_text()
        assert "--require-hashes --no-deps -r requirements.lock" in makefile
        assert "--no-deps --no-build-isolation -e ." in makefile
        assert "pip install --quiet -e '.[dev]'" not in makefile


class TestTheNpmLock:
    def test_every_package_has_a_sha512_integrity_hash_that_npm_ci_checks(self):
        lock = json.loads((ROOT / "package-lock.json").read_text())
        packages = {k: v for k, v in lock["packages"].items() if k}
        assert packages
        for path, entry in packages.items():
            assert entry.get("integrity", "").startswith("sha512-"), path
        assert "npm ci" in (ROOT / "Makefile").read_text()


class TestLicences:
    def test_no_installed_python_package_nor_npm_package_is_gpl_only(self):
        checker = load_script("check_licences")
        packages = checker.python_packages() + checker.npm_packages()
        assert len(packages) > 100
        assert checker.problems(packages) == []

    def test_a_gpl_only_package_fails_the_check(self):
        checker = load_script("check_licences")
        for licence in (
            "GPL-3.0-only",
            "GPL-2.0-or-later",
            "AGPL-3.0",
            "GNU General Public License v3 (GPLv3)",
        ):
            package = checker.Package("python", "copyleft", "1.0", (licence,))
            assert checker.problems([package]) == [f"python copyleft 1.0: GPL only ({licence})"]

    def test_a_package_offering_a_non_gpl_alternative_passes(self):
        checker = load_script("check_licences")
        pyphen = checker.Package(
            "python",
            "pyphen",
            "0.18.1",
            (
                "GNU General Public License v2 or later (GPLv2+)",
                "GNU Lesser General Public License v2 or later (LGPLv2+)",
                "Mozilla Public License 1.1 (MPL 1.1)",
            ),
        )
        dual = checker.Package("npm", "dual", "1.0", checker.split_expression("(MIT OR GPL-3.0)"))
        assert checker.problems([pyphen, dual]) == []

    def test_the_lesser_gpl_is_allowed_and_a_missing_licence_is_not(self):
        checker = load_script("check_licences")
        lesser = checker.Package("python", "psycopg", "3.3.9", ("LGPL-3.0-only",))
        silent = checker.Package("npm", "silent", "1.0", ())
        assert checker.problems([lesser, silent]) == ["npm silent 1.0: no licence stated"]


class TestSoftwareBillOfMaterials:
    def test_the_npm_bill_is_valid_cyclonedx_and_lists_every_package_with_its_hash(self):
        sbom = load_script("npm_sbom").build()
        errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(sbom))
        assert errors is None, errors
        lock = json.loads((ROOT / "package-lock.json").read_text())
        assert len(sbom["components"]) == len([k for k in lock["packages"] if k])
        govuk = next(c for c in sbom["components"] if c["name"] == "govuk-frontend")
        assert govuk["hashes"][0]["alg"] == "SHA-512"
        assert govuk["scope"] == "required"
        assert next(c for c in sbom["components"] if c["name"] == "axe-core")["scope"] == "optional"

    def test_make_sbom_writes_both_bills(self):
        makefile = (ROOT / "Makefile").read_text()
        assert "cyclonedx-py environment" in makefile
        assert "scripts/npm_sbom.py" in makefile
