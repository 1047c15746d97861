"""Fail if any dependency is licensed only under the GPL (or AGPL).

Python: every distribution installed in this environment (``importlib.metadata``): its
``License-Expression``, ``License`` field and ``License ::`` classifiers. npm: every
package in ``package-lock.json`` (its ``license`` field), devDependencies included.

A package offering several licences (``MIT OR GPL-2.0``, or a GPL classifier beside an
MIT one, as pyphen offers GPL, LGPL or MPL) passes when one of them is not GPL. The
Lesser GPL is allowed: psycopg is LGPL-3.0, used unmodified as a library, which the
LGPL permits in an MIT-licensed application. A package that states no licence at all
fails too, so that someone looks at it.

    python scripts/check_licences.py          # exit 1 and list the offenders
    python scripts/check_licences.py --list   # also print every package and its licence
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Strong copyleft: the GNU GPL and AGPL in any spelling (SPDX ids, classifiers, prose),
# but not the Lesser GPL (LGPL, "Lesser General Public", "Library General Public").
_GPL = re.compile(
    r"(?<![L\w])A?GPL|(?<!Lesser )(?<!Library )General Public License|Affero",
    re.IGNORECASE,
)
_LESSER = re.compile(r"LGPL|Lesser General Public|Library General Public", re.IGNORECASE)


@dataclass(frozen=True)
class Package:
    """One dependency and the licences it offers (any one of them may be chosen)."""

    ecosystem: str
    name: str
    version: str
    licences: tuple[str, ...]

    @property
    def gpl_only(self) -> bool:
        """Every licence offered is the GPL or AGPL."""
        return bool(self.licences) and all(is_gpl(lic) for lic in self.licences)

    @property
    def unstated(self) -> bool:
        """No licence is stated at all."""
        return not self.licences


def is_gpl(licence: str) -> bool:
    """True for a GPL or AGPL licence (not the Lesser GPL)."""
    without_lesser = _LESSER.sub("", licence)
    return bool(_GPL.search(without_lesser))


def split_expression(expression: str) -> tuple[str, ...]:
    """The alternatives of an SPDX-like expression: ``MIT OR GPL-2.0`` gives both."""
    text = expression.strip().strip("()")
    parts = re.split(r"\s+OR\s+|\s*/\s*|\s+or\s+", text)
    return tuple(p.strip().strip("()") for p in parts if p.strip())


def python_packages() -> list[Package]:
    """Every distribution installed beside this interpreter, with its stated licences."""
    found: dict[str, Package] = {}
    for dist in md.distributions():
        meta = dist.metadata
        name = meta["Name"]
        if not name or name.lower() == "safeguard":
            continue
        licences: list[str] = []
        expression = meta.get("License-Expression")
        licence_field = (meta.get("License") or "").strip()
        if expression:
            licences += split_expression(expression)
        elif licence_field and licence_field.upper() != "UNKNOWN" and len(licence_field) < 120:
            # A short field is a name or an expression; a long one is the licence's text.
            licences += split_expression(licence_field)
        licences += [
            c.split("::")[-1].strip()
            for c in meta.get_all("Classifier") or []
            if c.startswith("License ::") and c.split("::")[-1].strip() != "OSI Approved"
        ]
        if not licences and licence_field:
            licences.append(licence_field.splitlines()[0][:80])
        found[name.lower()] = Package(
            "python", name, meta["Version"], tuple(dict.fromkeys(licences))
        )
    return sorted(found.values(), key=lambda p: p.name.lower())


def npm_packages(lock_path: Path = ROOT / "package-lock.json") -> list[Package]:
    """Every package in package-lock.json (lockfile version 2 or 3)."""
    lock = json.loads(lock_path.read_text())
    packages = []
    for path, entry in lock.get("packages", {}).items():
        if not path:
            continue  # the project itself
        name = entry.get("name") or path.rsplit("node_modules/", 1)[-1]
        licence = entry.get("license") or ""
        if isinstance(licence, dict):  # the old {"type": ...} form
            licence = licence.get("type", "")
        packages.append(
            Package(
                "npm", name, entry.get("version", ""), split_expression(licence) if licence else ()
            )
        )
    return sorted(packages, key=lambda p: p.name.lower())


def problems(packages: list[Package]) -> list[str]:
    """One line for each package that is GPL-only or states no licence."""
    lines = []
    for p in packages:
        if p.gpl_only:
            lines.append(f"{p.ecosystem} {p.name} {p.version}: GPL only ({', '.join(p.licences)})")
        elif p.unstated:
            lines.append(f"{p.ecosystem} {p.name} {p.version}: no licence stated")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Check both ecosystems; print what fails; exit 1 if anything does."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every package and licence")
    args = parser.parse_args(argv)
    packages = python_packages() + npm_packages()
    if args.list:
        for p in packages:
            print(f"{p.ecosystem:6} {p.name:32} {p.version:14} {' | '.join(p.licences) or '-'}")
    bad = problems(packages)
    for line in bad:
        print(line, file=sys.stderr)
    python_count = sum(1 for p in packages if p.ecosystem == "python")
    print(
        f"Licences: {python_count} Python and {len(packages) - python_count} npm packages checked, "
        f"{len(bad)} GPL-only or unstated."
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
