"""Locust users for ``bench/load.py``: practitioners who sign in with two factors, then work.

Each simulated user takes one prepared account (``BENCH_USERS``, a JSON file
``bench/load.py`` writes), signs in (password, then a TOTP code computed here from
the account's key), then repeats a realistic mix, pausing 0.5 to 2 s between requests:
search by family name, open a person's page, the MASH queue (MASH staff) or the early
help list (others), the queue of their team, report a concern (the start page and finding
the child), and now and then a partner system's API submission of a concern.

The server runs with production settings behind no TLS proxy, so every request carries
the headers the proxy would add (``Host``, ``X-Forwarded-Proto: https``) and the
``__Host-`` secure cookies are sent by hand (an HTTP client will not send Secure
cookies over plain HTTP).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

SETUP = json.loads(Path(os.environ["BENCH_USERS"]).read_text())
HOST = SETUP["host"]
_accounts = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A page showed personal data when it links to a child, a MASH contact or an early help episode.
_SHOWS_PEOPLE = re.compile(
    r'href="/(?:people/[0-9a-f]{8}-[0-9a-f-]{27}/|mash/[A-Z]+-\d[^"]*/|early-help/[0-9a-f]{8}-[0-9a-f-]{27}/)"'
)
# The server's X-Request-ID of every answer that showed personal data, one a line: bench/load.py
# checks each has its audit event (none dropped under load).
_SHOWN = Path(os.environ["BENCH_SHOWN"]).open("a") if os.environ.get("BENCH_SHOWN") else None


def _record_shown(response: Any, *, always: bool = False) -> None:
    if _SHOWN is None or response.status_code != 200:  # noqa: PLR2004
        return
    if always or _SHOWS_PEOPLE.search(response.text or ""):
        _SHOWN.write(response.headers.get("X-Request-ID", "?") + "\n")
        _SHOWN.flush()


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as django-otp's TOTPDevice checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Practitioner(HttpUser):
    """One signed-in practitioner."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        """Sign in with the password, then the security code."""
        self.account = SETUP["users"][next(_accounts) % len(SETUP["users"])]
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self._send("GET", "/sign-in/", name="sign-in page")
        self._send(
            "POST",
            "/sign-in/",
            {"username": self.account["username"], "password": SETUP["password"]},
            name="sign-in: password",
            expect=(302,),
        )
        self._send("GET", "/sign-in/two-factor/", name="sign-in: code page")
        self._send(
            "POST",
            "/sign-in/two-factor/",
            {"token": totp(self.account["key"])},
            name="sign-in: security code",
            expect=(302,),
        )

    def _send(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        name: str,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{HOST}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.request(
            method,
            path,
            data=data,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            for cookie in response.cookies:
                self.cookies[cookie.name] = cookie.value
            if match := _CSRF.search(response.text or ""):
                self.csrf = match.group(1)
            if response.status_code not in expect:
                response.failure(f"{response.status_code} (expected {expect})")
            else:
                response.success()
            return response

    @task(4)
    def search(self) -> None:
        """Search by a family name from the demo."""
        name = random.choice(self.account["family_names"])  # noqa: S311
        _record_shown(self._send("GET", f"/people/?q={name}", name="search"))

    @task(4)
    def person_page(self) -> None:
        """Open a child's page the account may see."""
        person = random.choice(self.account["people"])  # noqa: S311
        _record_shown(self._send("GET", f"/people/{person}/", name="person page"), always=True)

    @task(2)
    def queue(self) -> None:
        """The MASH queue for MASH staff, the early help list for others."""
        if self.account["mash"]:
            _record_shown(self._send("GET", "/mash/", name="MASH queue"))
        else:
            _record_shown(self._send("GET", "/early-help/", name="early help list"))

    @task(1)
    def team_queue(self) -> None:
        """The queue of the practitioner's team (its open work, overdue first)."""
        if self.account.get("team"):
            path = f"/work/teams/{self.account['team']}/"
            _record_shown(self._send("GET", path, name="team queue"))

    @task(1)
    def report_concern(self) -> None:
        """Report a concern: the start page, then find the child by family name."""
        self._send("GET", "/report/", name="report a concern: start")
        name = random.choice(self.account["family_names"])  # noqa: S311
        path = f"/report/children/?q={name}"
        _record_shown(self._send("GET", path, name="report a concern: find the child"))

    @task(1)
    def api_concern(self) -> None:
        """A partner system reports a concern through the API."""
        body = {
            "children": [{"given_name": "Load", "family_name": f"Bench{random.randrange(10**6)}"}],  # noqa: S311
            "categories": [SETUP["category"]],
            "what_happened": "Synthetic load-test concern.",
            "child_voice": "Synthetic.",
            "consent": "given",
            "referrer_name": "Load bench",
            "referrer_email": "load@example.org",
        }
        with self.client.post(
            "/api/v1/frontdoor/concerns",
            json=body,
            headers={
                "Host": HOST,
                "X-Forwarded-Proto": "https",
                "Authorization": f"Bearer {SETUP['token']}",
            },
            name="API: report a concern",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
            else:
                response.success()
