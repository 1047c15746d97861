"""axe-core accessibility checks for browser journeys (WCAG 2.2 AA rule set)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}
"""


@cache
def axe_source() -> str:
    """The axe-core script from node_modules (``npm ci`` installs it)."""
    path = settings.NODE_MODULES / "axe-core" / "axe.min.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run 'npm ci' (make install) first")
    return path.read_text(encoding="utf-8")


# What Playwright says when a script runs while the page is between two
# documents (a click has started a navigation that has not finished).
_NAVIGATING = (
    "Execution context was destroyed",
    "reading 'documentElement'",
    "Cannot find context",
    "Target page, context or browser has been closed",
)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page once it has loaded and return its WCAG 2.2 AA violations.

    A journey often calls this straight after a click; if that click started a
    navigation, the script can land on the document being torn down. Then we
    wait for the new page to load and run again (a few times at most), so the
    check is always of a whole page, never of one half-way through loading.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(4):
        page.wait_for_load_state("load")
        try:
            return _run_axe(page)
        except PlaywrightError as exc:
            if attempt == 3 or not any(sign in str(exc) for sign in _NAVIGATING):
                raise
            page.wait_for_timeout(100 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _govuk_conditional_reveal(node: dict[str, Any]) -> bool:
    """GOV.UK Frontend's conditional reveal: ``aria-expanded`` on a radio or checkbox, on purpose.

    axe reports it (aria-allowed-attr); the GOV.UK Design System keeps it because
    screen readers announce it and research found it helps, and lists the axe
    report as a known issue (alphagov/govuk-frontend#979). Only this exact case
    is let through: a GOV.UK radio or checkbox that controls a reveal, faulted
    for ``aria-expanded`` and nothing else.
    """
    html = node.get("html", "")
    summary = node.get("summary") or ""
    faults = [line.strip() for line in summary.splitlines()[1:] if line.strip()]
    return (
        ("govuk-radios__input" in html or "govuk-checkboxes__input" in html)
        and "aria-controls=" in html
        and bool(faults)
        and all(f.startswith("ARIA attribute is not allowed: aria-expanded=") for f in faults)
    )


def _known_govuk_issues_removed(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for violation in violations:
        if violation["id"] == "aria-allowed-attr":
            nodes = [n for n in violation["nodes"] if not _govuk_conditional_reveal(n)]
            if not nodes:
                continue
            kept.append({**violation, "nodes": nodes})
            continue
        kept.append(violation)
    return kept


def _run_axe(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag(content=...): our Content Security Policy
        # (script-src 'self') rightly refuses inline scripts, and bypassing it in
        # tests would hide real CSP breakage. Evaluating through the DevTools
        # protocol defines window.axe without touching the page's policy.
        page.evaluate(axe_source())
    return _known_govuk_issues_removed(page.evaluate(_RUN_AXE, WCAG_TAGS))


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule id, what it means, and the nodes at fault."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:200]}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Fail the test if axe-core finds any WCAG 2.2 AA violation on the current page."""
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
