// The network picture (contextual/_network_picture.html): Cytoscape.js draws the
// people, places and links placed by the server (the same places as the PDF), and
// the keyboard moves a selection through them, closest first, while a live region
// says who is selected and how they are linked. Without JavaScript the table stays.
(function () {
  "use strict";
  if (!window.cytoscape || !document.querySelectorAll) {
    return;
  }

  var SHAPES = {
    child: ["ellipse", "#1d70b8"],
    person: ["rectangle", "#6f72af"],
    place: ["diamond", "#00703c"],
    vehicle: ["triangle", "#505a5f"],
    phone: ["triangle", "#912b88"],
    group: ["hexagon", "#f47738"],
    online: ["diamond", "#28a197"]
  };

  function ukDate(iso) {
    var date = new Date(iso + "T00:00:00Z");
    if (isNaN(date.getTime())) {
      return iso;
    }
    return date.toLocaleDateString("en-GB", {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
    });
  }

  function kindText(kind) {
    var text = String(kind || "").replace(/_/g, " ");
    return text.charAt(0).toLowerCase() + text.slice(1);
  }

  function style() {
    var rules = [
      {
        selector: "node",
        style: {
          "label": "data(label)",
          "font-size": 13,
          "font-family": "Arial, Helvetica, sans-serif",
          "color": "#0b0c0c",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "width": 22,
          "height": 22,
          "border-width": 1.5,
          "border-color": "#ffffff"
        }
      },
      { selector: "node[?start]", style: { "width": 30, "height": 30, "font-weight": "bold" } },
      { selector: "node[?at_risk]", style: { "border-width": 4, "border-color": "#d4351c" } },
      {
        selector: "edge",
        style: { "width": 1.5, "line-color": "#505a5f", "opacity": 0.7, "curve-style": "haystack" }
      },
      { selector: "edge.sg-linked", style: { "width": 3.5, "line-color": "#0b0c0c", "opacity": 1 } },
      {
        selector: "node:selected",
        style: {
          "border-width": 5, "border-color": "#0b0c0c", "overlay-color": "#ffdd00",
          "overlay-opacity": 0.6, "overlay-padding": 6
        }
      }
    ];
    Object.keys(SHAPES).forEach(function (kind) {
      rules.push({
        selector: 'node[kind = "' + kind + '"]',
        style: { "shape": SHAPES[kind][0], "background-color": SHAPES[kind][1] }
      });
    });
    return rules;
  }

  function describe(node) {
    var data = node.data();
    var text = data.label + " (" + data.kind_name.toLowerCase() + (data.at_risk ? ", at risk" : "") + ")";
    var edges = node.connectedEdges();
    if (edges.length === 0) {
      return text + ": no links shown.";
    }
    var parts = [];
    edges.forEach(function (edge) {
      var other = edge.source().id() === node.id() ? edge.target() : edge.source();
      var e = edge.data();
      parts.push(
        kindText(e.kind) + " " + other.data("label") +
        (e.grade ? ", graded " + e.grade : ", not graded") + ", " + ukDate(e.created_on)
      );
    });
    return text + ": " + edges.length + (edges.length === 1 ? " link: " : " links: ") + parts.join("; ") + ".";
  }

  function start(root) {
    var script = document.getElementById(root.getAttribute("data-elements"));
    var picture = root.querySelector(".sg-network__picture");
    var canvas = root.querySelector(".sg-network__canvas");
    var status = root.querySelector(".sg-network__status");
    if (!script || !picture || !canvas || !status) {
      return;
    }
    var elements = JSON.parse(script.textContent);
    if (!elements.nodes.length) {
      return;
    }
    picture.hidden = false;
    var cy = window.cytoscape({
      container: canvas,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 40 },
      style: style(),
      autoungrabify: true,
      boxSelectionEnabled: false,
      selectionType: "single",
      minZoom: 0.2,
      maxZoom: 3
    });
    var order = elements.nodes.map(function (node) { return node.data.id; });
    var current = -1;

    function select(position) {
      if (position < 0 || position >= order.length) {
        return;
      }
      current = position;
      cy.elements().unselect();
      cy.edges().removeClass("sg-linked");
      var node = cy.getElementById(order[position]);
      node.select();
      node.connectedEdges().addClass("sg-linked");
      status.textContent = describe(node);
      var box = node.renderedBoundingBox();
      if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) {
        cy.center(node);
      }
    }

    canvas.addEventListener("keydown", function (event) {
      var moves = {
        ArrowRight: current + 1, ArrowDown: current + 1,
        ArrowLeft: current - 1, ArrowUp: current - 1,
        Home: 0, End: order.length - 1
      };
      if (!Object.prototype.hasOwnProperty.call(moves, event.key)) {
        return;
      }
      event.preventDefault();
      var target = moves[event.key];
      if (current === -1 && (event.key === "ArrowLeft" || event.key === "ArrowUp")) {
        target = order.length - 1;
      }
      select(Math.max(0, Math.min(order.length - 1, target)));
    });
    cy.on("tap", "node", function (event) {
      select(order.indexOf(event.target.id()));
      canvas.focus();
    });
    root.setAttribute("data-network-ready", "true");
  }

  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-network-picture]"), start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
