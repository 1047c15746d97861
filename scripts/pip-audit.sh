#!/usr/bin/env bash
# Check installed Python dependencies for known vulnerabilities (pip-audit). The advisory
# data is fetched from the network; where it cannot be reached, say so rather than fail,
# and never report "no known vulnerabilities" for packages that were not actually checked.
set -uo pipefail
out=$(.venv/bin/pip-audit --skip-editable --progress-spinner off 2>&1)
code=$?
out=$(grep -v "^WARNING: Location" <<<"$out" || true)
unchecked=$(grep -c "could not be audited" <<<"$out" || true)
if [ $code -eq 0 ] && [ "$unchecked" -eq 0 ]; then
  echo "pip-audit: no known vulnerabilities"
elif [ $code -eq 0 ]; then
  echo "pip-audit: no known vulnerabilities among those checked; $unchecked package(s) could not be checked (advisory data not reachable from this machine)"
elif grep -qiE "connection|resolve|network|timed out|Max retries|HTTPSConnectionPool" <<<"$out"; then
  echo "pip-audit: advisory database not reachable from this machine; skipped"
else
  echo "$out"
  exit $code
fi
