#!/usr/bin/env bash
# Check a Children in Need census export with the Department for Education's rule validator.
#
#   bash scripts/cin-validate.sh FILE.xml [RULESET]      (RULESET defaults to cin2026_27)
#
# csc-validator-be-cin (MIT) pins pandas<2, and Safeguard runs pandas 2, so it cannot live in
# the project's environment: this script keeps it in its own virtual environment under
# var/cin-validator (made once from PyPI; later runs work offline). It prints every rule the
# file breaks: type 0 is an error the DfE rejects, type 1 a query to check or explain.
set -euo pipefail
file="${1:?usage: cin-validate.sh FILE.xml [RULESET]}"
ruleset="${2:-cin2026_27}"
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/var/cin-validator"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'csc-validator-be-cin==0.1.13' 'numpy<2' 'pytest'
fi
"$venv/bin/python" "$here/scripts/cin_validate.py" "$file" "$ruleset"
