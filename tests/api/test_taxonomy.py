"""The taxonomy endpoints list the seeded WSIS reference data."""

from fastapi.testclient import TestClient


class TestActionLines:
    def test_lists_c1_to_c11_and_the_eight_c7_application_areas(
        self, client: TestClient
    ) -> None:
        response = client.get("/api/v1/action-lines")

        assert response.status_code == 200
        lines = response.json()
        assert len(lines) == 19
        codes = [line["code"] for line in lines]
        assert codes[:7] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
        assert codes[-4:] == ["C8", "C9", "C10", "C11"]
        children = [line["code"] for line in lines if line["parent"] == "C7"]
        assert children == [f"C7.{n}" for n in range(1, 9)]

    def test_each_line_has_trilingual_title_and_linked_sdgs(
        self, client: TestClient
    ) -> None:
        lines = {
            line["code"]: line for line in client.get("/api/v1/action-lines").json()
        }

        e_learning = lines["C7.3"]
        assert e_learning["title"]["en"] == "E-learning"
        assert e_learning["title"]["ar"]
        assert e_learning["title"]["fr"]
        assert e_learning["parent"] == "C7"
        assert e_learning["sdgs"] == [4]
        assert 4 in lines["C3"]["sdgs"]  # the reference's transcription slip, fixed
        assert lines["C1"]["parent"] is None
        assert lines["C1"]["lead_facilitator"]


class TestSdgs:
    def test_lists_the_17_goals_with_official_colours(self, client: TestClient) -> None:
        sdgs = client.get("/api/v1/sdgs").json()

        assert [sdg["number"] for sdg in sdgs] == list(range(1, 18))
        assert sdgs[0]["color"] == "#E5243B"
        assert sdgs[3]["name"] == {
            "ar": "التعليم الجيد",
            "en": "Quality education",
            "fr": "Éducation de qualité",
        }


class TestCountries:
    def test_lists_the_22_arab_states_with_sub_regions(
        self, client: TestClient
    ) -> None:
        countries = client.get("/api/v1/countries").json()

        assert len(countries) == 22
        by_code = {country["iso2"]: country for country in countries}
        assert by_code["TN"]["name"]["ar"] == "تونس"
        assert by_code["TN"]["name"]["fr"] == "Tunisie"
        assert by_code["TN"]["sub_region"] == "maghreb"
        assert by_code["KM"]["sub_region"] == "horn_comoros"
        assert {c["sub_region"] for c in countries} == {
            "maghreb",
            "nile_valley",
            "levant",
            "gulf_peninsula",
            "horn_comoros",
        }


class TestVocabularies:
    def test_wsis_targets_and_gdc_objectives(self, client: TestClient) -> None:
        targets = client.get("/api/v1/wsis-targets").json()
        objectives = client.get("/api/v1/gdc-objectives").json()

        assert [t["code"] for t in targets] == list("abcdefghij")
        assert [o["number"] for o in objectives] == [1, 2, 3, 4, 5]
        assert all(o["title"]["ar"] and o["title"]["fr"] for o in objectives)

    def test_technologies_include_the_ai_era_terms(self, client: TestClient) -> None:
        codes = [t["code"] for t in client.get("/api/v1/technologies").json()]

        assert len(codes) >= 12
        assert {"arabic_nlp_speech", "generative_ai", "ai_cybersecurity"} <= set(codes)

    def test_small_vocabularies_are_listed(self, client: TestClient) -> None:
        expected = {
            "/api/v1/entity-types": {"government", "academia", "civil_society"},
            "/api/v1/activity-types": {"policy_strategy", "training_capacity_building"},
            "/api/v1/target-groups": {
                "youth",
                "women_girls",
                "persons_with_disabilities",
                "older_persons",
                "rural_communities",
                "smes",
                "students_researchers",
                "public_sector_staff",
            },
            "/api/v1/funding-sources": {"government", "international_donor"},
            "/api/v1/budget-ranges": {"under_50k", "over_5m"},
            "/api/v1/sub-regions": {"maghreb", "levant"},
        }
        for path, codes in expected.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert codes <= {term["code"] for term in response.json()}, path
