"""Eligibility matching: the services that fit a child's age and needs, for searches and signposting."""

from __future__ import annotations

import pytest

from safeguard.directory.selectors import services_for, services_search

pytestmark = pytest.mark.django_db


def names(services) -> list[str]:
    return [s.name for s in services]


class TestServicesFor:
    def test_a_child_going_missing_at_14_gets_the_exploitation_services(self, york):
        assert names(services_for(14, ["going_missing"])) == [
            "Ivison Trust Parent Liaison Officer",
            "North Yorkshire SOS+",
        ]

    def test_sos_plus_starts_at_10_and_stops_after_25(self, york):
        assert "North Yorkshire SOS+" not in names(services_for(9, ["child_criminal_exploitation"]))
        assert "North Yorkshire SOS+" in names(services_for(10, ["child_criminal_exploitation"]))
        assert "North Yorkshire SOS+" in names(services_for(25, ["child_criminal_exploitation"]))
        assert "North Yorkshire SOS+" not in names(
            services_for(26, ["child_criminal_exploitation"])
        )

    def test_the_family_information_service_is_0_to_19_or_25_with_a_disability(self, york):
        assert "Family Information Service" in names(services_for(19, ["family_information"]))
        assert "Family Information Service" not in names(services_for(22, ["family_information"]))
        assert "Family Information Service" in names(
            services_for(22, ["family_information", "disability"])
        )
        assert "Family Information Service" not in names(services_for(26, ["disability"]))

    def test_the_most_needs_in_common_come_first(self, york):
        found = names(services_for(8, ["parenting", "neglect", "domestic_abuse"]))
        assert found[0] == "Raise York family hubs"

    def test_the_mash_and_the_emergency_duty_team_are_never_a_signpost(self, york):
        found = names(services_for(12, ["neglect", "domestic_abuse", "going_missing"]))
        assert "Emergency Duty Team" not in found
        assert not any("Multi-Agency" in n for n in found)

    def test_no_matching_need_suggests_nothing_and_an_unknown_age_fits_any_age(self, york):
        assert services_for(12, ["radicalisation"]) == []
        assert "North Yorkshire SOS+" in names(services_for(None, ["going_missing"]))


class TestSearch:
    def test_words_age_need_and_area_narrow_the_list(self, york):
        assert len(services_search()) == 7
        assert names(services_search(text="drugs")) == [
            "The Gate York (Young People's Drug and Alcohol Service)"
        ]
        assert names(services_search(area="North Yorkshire")) == [
            "Ivison Trust Parent Liaison Officer",
            "North Yorkshire SOS+",
        ]
        assert "Raise York family hubs" not in names(services_search(age=21))
        assert names(services_search(age=21, needs=["substance_misuse"])) == [
            "The Gate York (Young People's Drug and Alcohol Service)"
        ]
