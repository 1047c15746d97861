"""A deterministic stand-in for the linkage engine (tests only), and MASH users."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from safeguard.core.models import AgencyKind, Role
from safeguard.people.search import name_variants, normalise_text
from safeguard.records import scoring

from ..factories import AgencyFactory


def _same_given(a: str, b: str) -> bool:
    a, b = normalise_text(a), normalise_text(b)
    return bool(a) and (a == b or b in name_variants(a))


def _swapped(a: str, b: str) -> bool:
    if len(a) != 10 or len(b) != 10:
        return False
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


class StandInScorer:
    """Scores by simple rules: NHS number, names with nicknames, date of birth (also swapped)."""

    version = "stand-in-1"

    def probability(self, left: dict[str, Any], right: dict[str, Any]) -> float:
        if left["nhs_number"] and left["nhs_number"] == right["nhs_number"]:
            return 0.999
        given = _same_given(left["given_name"], right["given_name"])
        family = normalise_text(left["family_name"]) == normalise_text(right["family_name"])
        dob = left["date_of_birth"] and left["date_of_birth"] == right["date_of_birth"]
        exact_given = normalise_text(left["given_name"]) == normalise_text(right["given_name"])
        if exact_given and family and dob:
            return 0.995
        if given and (dob or _swapped(left["date_of_birth"], right["date_of_birth"])):
            return 0.8
        return 0.01

    def score(self, left: pd.DataFrame, right: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
        rows = []
        for a in left.to_dict("records"):
            for b in right.to_dict("records"):
                p = self.probability(a, b)
                if p >= threshold:
                    rows.append(
                        {
                            "left_id": a["record_id"],
                            "right_id": b["record_id"],
                            "match_probability": p,
                            "match_weight": 5.0 if p > 0.9 else 1.5,
                        }
                    )
        return pd.DataFrame(
            rows, columns=["left_id", "right_id", "match_probability", "match_weight"]
        )

    def explain(self, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
        given = _same_given(left["given_name"], right["given_name"])
        return [
            {
                "comparison": "given name",
                "label": "Nickname or exact" if given else "Different",
                "weight": 4.0 if given else -3.0,
            },
            {
                "comparison": "date of birth",
                "label": "Exact"
                if left["date_of_birth"] == right["date_of_birth"]
                else "Day and month swapped",
                "weight": 2.5,
            },
        ]


@pytest.fixture(autouse=True)
def stand_in_scorer(monkeypatch) -> StandInScorer:
    scorer = StandInScorer()
    monkeypatch.setattr(scoring, "get_scorer", lambda: scorer)
    return scorer


@pytest.fixture
def mash_agency(db):
    return AgencyFactory(slug="cyc-mash", name="City of York Council MASH", is_mash=True)


@pytest.fixture
def mash_worker(make_user, mash_agency):
    return make_user(Role.MASH_WORKER, agency=mash_agency, username="mash.worker")


@pytest.fixture
def police(db):
    return AgencyFactory(slug="nyp", name="North Yorkshire Police", kind=AgencyKind.POLICE)


@pytest.fixture
def school(db):
    return AgencyFactory(
        slug="fulford-school", name="Fulford School", kind=AgencyKind.EDUCATION_SCHOOL
    )
