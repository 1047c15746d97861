"""Plain language: every abbreviation is spelled out the first time it appears on a page.

The house rule is "expand every abbreviation on first use on every page", in the form
"Multi-Agency Safeguarding Hub (MASH)". After that first use the short form alone is fine.
Well-known abbreviations that GOV.UK style leaves alone (NHS, UK, GP) are not checked.

Each demo account signs in and crawls the pages it can reach from the home page; the text
of each page's <main> is checked for every abbreviation below.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client

from safeguard.core.models import User
from safeguard.people.demo import seed_demo

ABBREVIATIONS = [
    "MASH",
    "TAF",
    "UPN",
    "SEND",
    "HSB",
    "CSE",
    "CCE",
    "EDT",
    "DSL",
    "ICB",
    "YJS",
    "CIN",
    "NRM",
    "RAG",
    "SAR",
    "API",
    "CSV",
    "PDF",
    "DBS",
    "EHCP",
    "LADO",
    "MARAC",
    "CAMHS",
    "DPA",
    "UK GDPR",
    "GDPR",
    "NFA",
    "CP",
    "LAC",
    "CLA",
    "ACE",
    "DA",
    "FGM",
    "EHA",
    "JSON",
]

DEMO_ACCOUNTS = [
    "mash.worker",
    "mash.manager",
    "social.worker",
    "csc.manager",
    "police.officer",
    "police.sergeant",
    "school.dsl",
    "health.nurse",
    "yjs.worker",
    "panel.chair",
    "analyst",
    "business.unit",
]
MAX_PAGES_PER_USER = 40
SKIP_PREFIXES = ("/assets/", "/static/", "/admin/", "/api/", "/sign-out", "/signed-out")
SKIP_WORDS = ("download", "export", "csv", "pdf", "json", "sign-out", "logout", ".xlsx")
HREF = re.compile(r'href="(/[^"#]*)')
# Pages that differ only by an id or reference share a template: two of each are enough.
ID_PART = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|[A-Z]+-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]|\d+")
SAME_SHAPE = 2


def shape(path: str) -> str:
    return ID_PART.sub("*", path.split("?", maxsplit=1)[0])


class _MainText(HTMLParser):
    """Collect the text inside <main>, leaving out scripts, styles and hidden template text."""

    SKIP = {"script", "style", "template", "title", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "main":
            self.in_main += 1
        elif tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = max(0, self.in_main - 1)
        elif tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def first_use_problem(text: str, abbr: str) -> str | None:
    """Return surrounding text if abbr's first whole-word use is not expanded, else None."""
    match = re.search(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text)
    if match is None:
        return None
    start, end = match.span()
    before = text[:start]
    # "Expansion (ABBR)" or "Expansion (ABBR, ...)" / "(ABBR or ...)": the abbreviation opens
    # a parenthesis that follows words.
    if re.search(r"[A-Za-z][\w',’.-]*\s\($", before):
        return None
    # Inside a parenthesis that follows an expansion, e.g. "spreadsheet (a CSV file)".
    open_paren = before.rfind("(")
    if before.rfind(")") < open_paren and re.search(r"[A-Za-z][\w',’.-]*\s$", before[:open_paren]):
        return None
    return text[max(0, start - 60) : min(len(text), end + 60)]


def crawl(client: Client) -> dict[str, str]:
    """Breadth-first GET crawl from "/"; map each page path to its <main> text."""
    seen = {"/"}
    shapes: dict[str, int] = {}
    queue: deque[str] = deque(["/"])
    pages: dict[str, str] = {}
    while queue and len(pages) < MAX_PAGES_PER_USER:
        path = queue.popleft()
        response = client.get(path)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or "text/html" not in content_type:
            continue
        html = response.content.decode()
        pages[path] = main_text(html)
        for href in HREF.findall(html):
            link = unescape(href)
            if link in seen or link.startswith(SKIP_PREFIXES):
                continue
            if any(word in link.lower() for word in SKIP_WORDS):
                continue
            seen.add(link)
            shapes[shape(link)] = shapes.get(shape(link), 0) + 1
            if shapes[shape(link)] > SAME_SHAPE:
                continue
            queue.append(link)
    return pages


@pytest.mark.django_db
@pytest.mark.timeout(600)  # the demo and every page of every app, as each demo user
def test_every_abbreviation_is_spelled_out_on_first_use_on_every_page(settings):
    settings.DEMO_MODE = True
    seed_demo(children=40, seed=2)
    problems: list[tuple[str, str, str, str]] = []
    crawled = 0
    for username in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = crawl(client)
        crawled += len(pages)
        for path, text in pages.items():
            for abbr in ABBREVIATIONS:
                context = first_use_problem(text, abbr)
                if context is not None:
                    problems.append((username, path, abbr, context))
    assert crawled > 50
    report = "\n".join(
        f"{user} {path} {abbr}: …{context}…" for user, path, abbr, context in problems
    )
    assert not problems, f"{len(problems)} abbreviations not spelled out on first use:\n{report}"
