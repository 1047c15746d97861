"""Template filters for the network picture include (``contextual/_network_picture.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from ..network import KIND_NAMES, STYLE, Neighbourhood, to_cytoscape

register = template.Library()


@register.filter
def cytoscape_elements(neighbourhood: Neighbourhood) -> dict[str, Any]:
    """The neighbourhood as Cytoscape.js elements, for ``json_script``."""
    return to_cytoscape(neighbourhood)


@register.filter
def network_rows(neighbourhood: Neighbourhood) -> list[dict[str, Any]]:
    """One row per link for the table alternative: names, not ids, newest first."""
    labels = {node.id: node.label for node in neighbourhood.nodes}
    links = sorted(
        neighbourhood.links,
        key=lambda link: (
            -link.created_on.toordinal(),
            labels.get(link.source, link.source),
            labels.get(link.target, link.target),
        ),
    )
    return [
        {
            "source": labels.get(link.source, link.source),
            "target": labels.get(link.target, link.target),
            "kind": link_kind(link.kind),
            "grade": link.grade,
            "rank": link.rank,
            "created_on": link.created_on,
        }
        for link in links
    ]


@register.filter
def link_kind(kind: str) -> str:
    """``seen_at`` becomes "Seen at"."""
    text = str(kind).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def network_key(neighbourhood: Neighbourhood) -> list[dict[str, str]]:
    """The key to the picture: the shape of each kind shown, in a fixed order."""
    kinds = {node.kind for node in neighbourhood.nodes}
    key = [
        {"shape": STYLE[kind][0].capitalize(), "name": name.lower()}
        for kind, name in KIND_NAMES.items()
        if kind in kinds
    ]
    if any(node.at_risk for node in neighbourhood.nodes):
        key.append({"shape": "Red border", "name": "child at risk"})
    return key
