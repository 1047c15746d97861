"""A CycloneDX 1.6 software bill of materials for the npm packages, from package-lock.json.

Reads only the lock file (no network, no node_modules needed): each package's name,
version, licence, download address and integrity hash (SHA-512, as ``npm ci`` checks
it). devDependencies are listed with ``scope: optional`` (axe-core is used by tests only,
never shipped to browsers). ``make sbom`` runs it beside ``cyclonedx-py`` for Python.

    python scripts/npm_sbom.py --output var/sbom/npm.cdx.json
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
_ALGORITHMS = {"sha512": "SHA-512", "sha384": "SHA-384", "sha256": "SHA-256", "sha1": "SHA-1"}


def _purl(name: str, version: str) -> str:
    if name.startswith("@"):
        scope, bare = name.split("/", 1)
        return f"pkg:npm/{quote(scope)}/{quote(bare)}@{quote(version)}"
    return f"pkg:npm/{quote(name)}@{quote(version)}"


def _hashes(integrity: str) -> list[dict[str, str]]:
    hashes = []
    for item in integrity.split():
        algorithm, _, digest = item.partition("-")
        if algorithm in _ALGORITHMS and digest:
            hashes.append(
                {"alg": _ALGORITHMS[algorithm], "content": base64.b64decode(digest).hex()}
            )
    return hashes


def _licences(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        value = value.get("type", "")
    if not value:
        return []
    if any(word in value for word in (" OR ", " AND ", " WITH ")):
        return [{"expression": value}]
    return [{"license": {"id": value}}]


def build(lock_path: Path = ROOT / "package-lock.json") -> dict[str, Any]:
    """The bill of materials as a JSON-ready dict."""
    lock = json.loads(lock_path.read_text())
    root = lock["packages"][""]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    root_ref = f"{lock.get('name', 'safeguard-assets')}@{lock.get('version', '0.0.0')}"
    components = []
    refs = []
    for path, entry in sorted(lock["packages"].items()):
        if not path:
            continue
        name = entry.get("name") or path.rsplit("node_modules/", 1)[-1]
        version = entry.get("version", "")
        purl = _purl(name, version)
        component: dict[str, Any] = {
            "type": "library",
            "bom-ref": purl,
            "name": name.split("/", 1)[1] if name.startswith("@") else name,
            "version": version,
            "purl": purl,
            "scope": "optional" if entry.get("dev") else "required",
        }
        if name.startswith("@"):
            component["group"] = name.split("/", 1)[0]
        if licences := _licences(entry.get("license")):
            component["licenses"] = licences
        if hashes := _hashes(entry.get("integrity", "")):
            component["hashes"] = hashes
        if entry.get("resolved"):
            component["externalReferences"] = [{"type": "distribution", "url": entry["resolved"]}]
        components.append(component)
        refs.append(purl)
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, root_ref + json.dumps(refs))}",
        "version": 1,
        "metadata": {
            "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {
                "components": [{"type": "application", "name": "safeguard scripts/npm_sbom.py"}]
            },
            "component": {
                "type": "application",
                "bom-ref": root_ref,
                "name": lock.get("name", "safeguard-assets"),
                "version": lock.get("version", "0.0.0"),
                **({"licenses": _licences(root.get("license"))} if root.get("license") else {}),
            },
        },
        "components": components,
        "dependencies": [{"ref": root_ref, "dependsOn": refs}],
    }


def main(argv: list[str] | None = None) -> int:
    """Write the bill of materials to --output (or standard output)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="-")
    parser.add_argument("--lock", default=str(ROOT / "package-lock.json"))
    args = parser.parse_args(argv)
    text = json.dumps(build(Path(args.lock)), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
