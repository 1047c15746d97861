"""Network analysis for contextual safeguarding (issue 14 item 4): pure Python, no Django.

The pages give us people, places and the graded links between them; we answer:

* ``within``: everything within N steps of a child, a place or a person of concern,
  capped for the page (closest first) with the true total;
* ``peer_groups``: communities among children and people (fast label propagation,
  Traag and Šubelj 2023, seeded so the answer is the same every time);
* ``bridges``: people who link peer groups (their participation coefficient across
  the groups: 0 when every link stays inside one group, towards 1 when links are
  spread evenly over many);
* ``hotspots``: places linked to many distinct children at risk;
* ``new_links``: links recorded since a date;
* ``picture_svg`` and ``to_cytoscape``: the same deterministic picture (rings of
  distance around the starting node) for the PDF and for the page's widget.

Every measure uses only the links ``build`` kept (``min_rank``), so a page can
recompute it at or above a chosen grade. The graph itself is a rustworkx
``PyGraph`` (Apache-2.0), measured against networkx in ``bench/network.py``; see
docs/network.md for the figures and why.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import rustworkx as rx

__all__ = [
    "KINDS",
    "Link",
    "Neighbourhood",
    "Network",
    "Node",
    "bridges",
    "build",
    "hotspots",
    "layout",
    "new_links",
    "peer_groups",
    "picture_svg",
    "to_cytoscape",
    "within",
]

KINDS = ("child", "person", "place", "vehicle", "phone", "group", "online")
PEOPLE = frozenset({"child", "person"})
SEED = 14  # issue 14: every seeded choice uses it, so answers repeat


@dataclass(frozen=True)
class Node:
    """A child, person of concern, place, vehicle, phone, peer group or online space."""

    id: str
    kind: str
    label: str
    at_risk: bool = False


@dataclass(frozen=True)
class Link:
    """One graded link between two nodes (undirected for every measure)."""

    id: str
    source: str
    target: str
    kind: str
    rank: int
    created_on: datetime.date
    grade: str = ""


@dataclass(frozen=True)
class Neighbourhood:
    """Nodes near a starting node, closest first (``nodes[0]`` is the start).

    ``truncated`` says the cap cut it short; ``total_nodes`` is how many there were.
    """

    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    truncated: bool
    total_nodes: int


@dataclass
class Network:
    """A partnership's graph, built once by ``build`` and queried many times.

    ``graph`` is a simple undirected rustworkx graph: node ``i`` carries the id
    ``ids[i]``, each edge the number of links between its two nodes.
    """

    nodes: dict[str, Node]
    ids: list[str]
    index: dict[str, int]
    graph: rx.PyGraph
    links: tuple[Link, ...]
    incident: list[list[tuple[int, int]]]  # per node index: (position in ``links``, other end)
    kinds: list[str]  # per node index
    min_rank: int
    _groups: dict[frozenset[str], list[frozenset[str]]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)


def build(nodes: Iterable[Node], links: Iterable[Link], *, min_rank: int = 0) -> Network:
    """The network of ``nodes`` and the ``links`` ranked ``min_rank`` or higher.

    Links to a node that is not given, and links from a node to itself, are left
    out. Nodes are ordered by id, so the answers do not depend on the input order.
    """
    by_id = {node.id: node for node in nodes}
    ids = sorted(by_id)
    index = {node_id: i for i, node_id in enumerate(ids)}
    kept: list[Link] = []
    incident: list[list[tuple[int, int]]] = [[] for _ in ids]
    counts: dict[tuple[int, int], int] = {}
    for link in sorted(links, key=lambda item: item.id):
        if link.rank < min_rank:
            continue
        a = index.get(link.source)
        b = index.get(link.target)
        if a is None or b is None or a == b:
            continue
        position = len(kept)
        kept.append(link)
        incident[a].append((position, b))
        incident[b].append((position, a))
        pair = (a, b) if a < b else (b, a)
        counts[pair] = counts.get(pair, 0) + 1
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(ids)))
    graph.extend_from_weighted_edge_list([(a, b, count) for (a, b), count in counts.items()])
    return Network(
        nodes=by_id,
        ids=ids,
        index=index,
        graph=graph,
        links=tuple(kept),
        incident=incident,
        kinds=[by_id[node_id].kind for node_id in ids],
        min_rank=min_rank,
    )


def within(network: Network, start: str, steps: int, *, cap: int = 150) -> Neighbourhood:
    """Every node within ``steps`` links of ``start``, closest first, at most ``cap``.

    Within one distance nodes are ordered by id. The links are all the kept links
    between the nodes shown. An unknown ``start`` gives an empty neighbourhood.
    """
    origin = network.index.get(start)
    if origin is None:
        return Neighbourhood(nodes=(), links=(), truncated=False, total_nodes=0)
    graph = network.graph
    order = [origin]
    seen = {origin}
    frontier = [origin]
    for _ in range(max(steps, 0)):
        layer: set[int] = set()
        for u in frontier:
            for v in graph.neighbors(u):
                if v not in seen:
                    seen.add(v)
                    layer.add(v)
        if not layer:
            break
        frontier = sorted(layer, key=network.ids.__getitem__)
        order.extend(frontier)
    total = len(order)
    shown = order[: max(cap, 1)]
    chosen = set(shown)
    positions = {
        position for u in shown for position, other in network.incident[u] if other in chosen
    }
    links = tuple(sorted((network.links[p] for p in positions), key=lambda link: link.id))
    return Neighbourhood(
        nodes=tuple(network.nodes[network.ids[i]] for i in shown),
        links=links,
        truncated=total > len(shown),
        total_nodes=total,
    )


def _label_propagation(adjacency: Sequence[dict[int, int]], *, seed: int = SEED) -> list[int]:
    """Fast label propagation (Traag and Šubelj 2023), weighted, seeded.

    Each node takes the label carrying the most link weight among its neighbours
    (ties broken by the seeded generator over the sorted candidates); when a node
    changes, its neighbours with another label are queued again. Ends when the queue
    is empty, which the algorithm guarantees.
    """
    size = len(adjacency)
    chooser = random.Random(seed)  # noqa: S311 - seeded for repeatable answers, not secrecy
    labels = list(range(size))
    order = list(range(size))
    chooser.shuffle(order)
    queue = deque(order)
    queued = [True] * size
    while queue:
        u = queue.popleft()
        queued[u] = False
        neighbours = adjacency[u]
        if not neighbours:
            continue
        weights: dict[int, int] = {}
        for v, weight in neighbours.items():
            label = labels[v]
            weights[label] = weights.get(label, 0) + weight
        best = max(weights.values())
        candidates = [label for label, weight in weights.items() if weight == best]
        new = candidates[0] if len(candidates) == 1 else chooser.choice(sorted(candidates))
        if new != labels[u]:
            labels[u] = new
            for v in neighbours:
                if not queued[v] and labels[v] != new:
                    queued[v] = True
                    queue.append(v)
    return labels


def peer_groups(network: Network, *, kinds: frozenset[str] = PEOPLE) -> list[frozenset[str]]:
    """Peer groups among the nodes of ``kinds``, largest first (ties by smallest id).

    Communities of the graph of those nodes and the links between them (a shared
    place does not make a peer group); groups of one are left out.
    """
    cached = network._groups.get(kinds)
    if cached is not None:
        return list(cached)
    members = [i for i, kind in enumerate(network.kinds) if kind in kinds]
    subgraph = network.graph.subgraph(members)  # node payloads keep the network's index
    position = {n: k for k, n in enumerate(subgraph.node_indices())}
    adjacency = [
        {position[v]: weight for v, weight in subgraph.adj(n).items()}
        for n in subgraph.node_indices()
    ]
    labels = _label_propagation(adjacency)
    grouped: dict[int, list[str]] = {}
    for n, k in position.items():
        if adjacency[k]:
            grouped.setdefault(labels[k], []).append(network.ids[subgraph[n]])
    groups = [frozenset(ids) for ids in grouped.values() if len(ids) > 1]
    groups.sort(key=lambda group: (-len(group), min(group)))
    network._groups[kinds] = groups
    return list(groups)


def bridges(network: Network) -> list[tuple[str, float]]:
    """Children and people whose links reach more than one peer group, highest first.

    The score is the participation coefficient ``1 - sum((links into group g / all
    links to people in groups) ** 2)`` over the peer groups, rounded to 3 places;
    ties go to the one with more links outside their own group, then by id.
    """
    groups = peer_groups(network)
    group_of: dict[int, int] = {}
    for number, group in enumerate(groups):
        for node_id in group:
            group_of[network.index[node_id]] = number
    graph = network.graph
    scored: list[tuple[float, int, str]] = []
    for u, own in group_of.items():
        weights: dict[int, int] = {}
        for v, weight in graph.adj(u).items():
            g = group_of.get(v)
            if g is not None:
                weights[g] = weights.get(g, 0) + weight
        if len(weights) < 2:
            continue
        total = sum(weights.values())
        score = round(1 - sum((w / total) ** 2 for w in weights.values()), 3)
        outside = total - weights.get(own, 0)
        scored.append((score, outside, network.ids[u]))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [(node_id, score) for score, _, node_id in scored]


def hotspots(network: Network, *, min_children: int = 2) -> list[tuple[str, int]]:
    """Places linked to at least ``min_children`` distinct children at risk, most first."""
    graph = network.graph
    risky = [
        kind == "child" and network.nodes[node_id].at_risk
        for kind, node_id in zip(network.kinds, network.ids, strict=True)
    ]
    found: list[tuple[str, int]] = []
    for i, kind in enumerate(network.kinds):
        if kind == "place":
            children = sum(1 for v in graph.neighbors(i) if risky[v])
            if children >= min_children:
                found.append((network.ids[i], children))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found


def new_links(links: Iterable[Link], *, since: datetime.date) -> list[Link]:
    """Links recorded on or after ``since``, newest first (then by id)."""
    recent = [link for link in links if link.created_on >= since]
    recent.sort(key=lambda link: link.id)
    recent.sort(key=lambda link: link.created_on, reverse=True)
    return recent


# The picture -----------------------------------------------------------------------

RING = 150.0  # distance between rings
SPACING = 56.0  # least arc length between two nodes on a ring
MARGIN = 90.0

# GOV.UK palette; the shape says the kind too, so colour is never the only sign.
STYLE: dict[str, tuple[str, str]] = {
    "child": ("circle", "#1d70b8"),
    "person": ("square", "#6f72af"),
    "place": ("diamond", "#00703c"),
    "vehicle": ("triangle", "#505a5f"),
    "phone": ("triangle", "#912b88"),
    "group": ("hexagon", "#f47738"),
    "online": ("diamond", "#28a197"),
}
KIND_NAMES = {
    "child": "Child",
    "person": "Person of concern",
    "place": "Place or space",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "group": "Peer group",
    "online": "Online space",
}
AT_RISK = "#d4351c"


def layout(neighbourhood: Neighbourhood) -> dict[str, tuple[float, float]]:
    """Deterministic positions: the start in the middle, one ring per step out.

    Each ring is ordered by the angle of the nodes that reach it from the ring
    inside (then by id), so links mostly run outwards rather than across.
    """
    if not neighbourhood.nodes:
        return {}
    ids = [node.id for node in neighbourhood.nodes]
    known = set(ids)
    neighbours: dict[str, set[str]] = {node_id: set() for node_id in ids}
    for link in neighbourhood.links:
        if link.source in known and link.target in known and link.source != link.target:
            neighbours[link.source].add(link.target)
            neighbours[link.target].add(link.source)
    distance = {ids[0]: 0}
    queue = deque([ids[0]])
    while queue:
        u = queue.popleft()
        for v in sorted(neighbours[u]):
            if v not in distance:
                distance[v] = distance[u] + 1
                queue.append(v)
    outer = max(distance.values()) + 1
    for node_id in ids:  # not reachable inside what is shown: an outer ring
        distance.setdefault(node_id, outer)
    rings: dict[int, list[str]] = {}
    for node_id in ids:
        rings.setdefault(distance[node_id], []).append(node_id)
    positions: dict[str, tuple[float, float]] = {ids[0]: (0.0, 0.0)}
    angle: dict[str, float] = {ids[0]: 0.0}
    radius = 0.0
    for step in sorted(rings):
        if step == 0:
            continue
        ring = rings[step]

        def inward(node_id: str, step: int = step) -> float:
            parents = [angle[v] for v in neighbours[node_id] if distance.get(v) == step - 1]
            if not parents:
                return math.tau
            return (
                math.atan2(sum(math.sin(a) for a in parents), sum(math.cos(a) for a in parents))
                % math.tau
            )

        ideal = {node_id: round(inward(node_id), 6) for node_id in ring}
        ring = _chained(
            sorted(ring, key=lambda node_id: (ideal[node_id], node_id)), neighbours, ideal
        )
        radius = max(radius + RING, len(ring) * SPACING / math.tau)
        count = len(ring)
        # Turn the ring so each node sits as near as it can to the nodes it hangs from.
        turns = [ideal[node_id] - math.tau * k / count for k, node_id in enumerate(ring)]
        if step == 1 or len(set(ideal.values())) == 1:
            offset = -math.pi / 2
        else:
            offset = math.atan2(sum(math.sin(t) for t in turns), sum(math.cos(t) for t in turns))
        for k, node_id in enumerate(ring):
            theta = offset + math.tau * k / count
            angle[node_id] = theta % math.tau
            positions[node_id] = (
                round(radius * math.cos(theta), 1),
                round(radius * math.sin(theta), 1),
            )
    return positions


def _chained(
    ring: list[str], neighbours: dict[str, set[str]], ideal: dict[str, float]
) -> list[str]:
    """Within each run of nodes with the same ideal angle, put linked nodes side by side."""
    result: list[str] = []
    start = 0
    while start < len(ring):
        end = start
        while end < len(ring) and ideal[ring[end]] == ideal[ring[start]]:
            end += 1
        left = set(ring[start:end])
        current: str | None = None
        while left:
            near = sorted(left & neighbours[current]) if current is not None else []
            current = near[0] if near else min(left)
            result.append(current)
            left.remove(current)
        start = end
    return result


def _shape(
    kind: str, x: float, y: float, *, size: float, fill: str, stroke: str, width: float
) -> str:
    shape = STYLE.get(kind, ("circle", "#505a5f"))[0]
    style = f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"'
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="{size}" {style}/>'
    if shape == "square":
        return (
            f'<rect x="{x - size}" y="{y - size}" width="{2 * size}" height="{2 * size}" {style}/>'
        )
    if shape == "diamond":
        points = [
            (x, y - size * 1.25),
            (x + size * 1.25, y),
            (x, y + size * 1.25),
            (x - size * 1.25, y),
        ]
    elif shape == "triangle":
        points = [
            (x, y - size * 1.2),
            (x + size * 1.1, y + size * 0.8),
            (x - size * 1.1, y + size * 0.8),
        ]
    else:  # hexagon
        points = [
            (
                x + size * 1.15 * math.cos(math.pi / 3 * k),
                y + size * 1.15 * math.sin(math.pi / 3 * k),
            )
            for k in range(6)
        ]
    text = " ".join(f"{round(px, 1)},{round(py, 1)}" for px, py in points)
    return f'<polygon points="{text}" {style}/>'


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def picture_svg(neighbourhood: Neighbourhood, *, title: str) -> str:
    """A static SVG of the picture for a PDF: the same positions as the widget.

    It carries ``<title>`` and ``<desc>`` (what is shown, and the cut when capped),
    a shape and colour per kind, a red ring for children at risk, and a key.
    """
    positions = layout(neighbourhood)
    shown = len(neighbourhood.nodes)
    description = f"{shown} people and places and {len(neighbourhood.links)} links."
    if neighbourhood.truncated:
        description = (
            f"Showing {shown} of {neighbourhood.total_nodes} people and places, closest first; "
            f"{len(neighbourhood.links)} links."
        )
    if positions:
        xs = [x for x, _ in positions.values()]
        ys = [y for _, y in positions.values()]
        left, right = min(xs) - MARGIN, max(xs) + MARGIN
        top, bottom = min(ys) - MARGIN, max(ys) + MARGIN
    else:
        left, right, top, bottom = -MARGIN, MARGIN, -MARGIN, MARGIN
    kinds = sorted(
        {node.kind for node in neighbourhood.nodes},
        key=lambda k: (KINDS.index(k) if k in KINDS else 99, k),
    )
    key_height = (
        22.0 * (len(kinds) + (1 if any(n.at_risk for n in neighbourhood.nodes) else 0)) + 20
    )
    width = right - left
    height = bottom - top + key_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="{round(left, 1)} {round(top, 1)} '
        f'{round(width, 1)} {round(height, 1)}" width="{round(width, 1)}" height="{round(height, 1)}" '
        'font-family="Arial, Helvetica, sans-serif" aria-labelledby="network-title network-desc">',
        f'<title id="network-title">{escape(title)}</title>',
        f'<desc id="network-desc">{escape(description)}</desc>',
        '<g stroke="#505a5f" stroke-width="1.2" stroke-opacity="0.7">',
    ]
    for link in neighbourhood.links:
        if link.source in positions and link.target in positions:
            (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    parts.append("</g>")
    for number, node in enumerate(neighbourhood.nodes):
        x, y = positions[node.id]
        colour = STYLE.get(node.kind, ("circle", "#505a5f"))[1]
        size = 14.0 if number == 0 else 10.0
        stroke, stroke_width = (AT_RISK, 3.5) if node.at_risk else ("#ffffff", 1.5)
        parts.append(
            _shape(node.kind, x, y, size=size, fill=colour, stroke=stroke, width=stroke_width)
        )
        parts.append(
            f'<text x="{x}" y="{round(y + size + 13, 1)}" font-size="11" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(_short(node.label))}</text>'
        )
    key_top = bottom + 4
    row = 0
    for kind in kinds:
        colour = STYLE.get(kind, ("circle", "#505a5f"))[1]
        y = round(key_top + 22 * row, 1)
        parts.append(
            _shape(kind, round(left + 20, 1), y, size=7.0, fill=colour, stroke="#ffffff", width=1.0)
        )
        parts.append(
            f'<text x="{round(left + 36, 1)}" y="{round(y + 4, 1)}" font-size="12" fill="#0b0c0c">'
            f"{escape(KIND_NAMES.get(kind, kind.capitalize()))}</text>"
        )
        row += 1
    if any(node.at_risk for node in neighbourhood.nodes):
        y = round(key_top + 22 * row, 1)
        parts.append(
            _shape(
                "child", round(left + 20, 1), y, size=7.0, fill="#ffffff", stroke=AT_RISK, width=3.0
            )
        )
        parts.append(
            f'<text x="{round(left + 36, 1)}" y="{round(y + 4, 1)}" font-size="12" fill="#0b0c0c">'
            "Child at risk (red ring)</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def to_cytoscape(neighbourhood: Neighbourhood) -> dict:
    """Elements for Cytoscape.js, positioned as in ``picture_svg`` (a ``preset`` layout)."""
    positions = layout(neighbourhood)
    nodes = [
        {
            "data": {
                "id": node.id,
                "label": node.label,
                "kind": node.kind,
                "kind_name": KIND_NAMES.get(node.kind, node.kind.capitalize()),
                "at_risk": node.at_risk,
                "start": number == 0,
            },
            "position": {"x": positions[node.id][0], "y": positions[node.id][1]},
        }
        for number, node in enumerate(neighbourhood.nodes)
    ]
    edges = [
        {
            "data": {
                "id": link.id,
                "source": link.source,
                "target": link.target,
                "kind": link.kind,
                "grade": link.grade,
                "rank": link.rank,
                "created_on": link.created_on.isoformat(),
            }
        }
        for link in neighbourhood.links
    ]
    return {"nodes": nodes, "edges": edges}
