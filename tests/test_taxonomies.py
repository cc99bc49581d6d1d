"""The taxonomies' registry (app/taxonomies.py) is the one description every
part reads: the seeds, the record, the filters, the index, the form, the API."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.schemas.project import ProjectDraft
from app.services import catalog_index, records
from app.services.filters import FILTERS
from app.taxonomies import BY_NAME, LINKED, SHOWS_CODES, TAXONOMIES, labelled
from app.web import project_form

SEEDS = Path(__file__).parents[1] / "seeds" / "taxonomy"


def test_every_seed_file_is_one_taxonomy_s() -> None:
    assert sorted(t.seed_file for t in TAXONOMIES) == sorted(
        path.name for path in SEEDS.glob("*.json")
    )
    assert len(BY_NAME) == len(TAXONOMIES)


def test_a_taxonomy_s_field_is_a_record_field_of_the_right_shape() -> None:
    fields = ProjectDraft.model_fields
    for taxonomy in TAXONOMIES:
        if taxonomy.field is None:
            continue
        annotation = str(fields[taxonomy.field].annotation)
        assert ("list" in annotation) == (taxonomy.link is not None), taxonomy.name


def test_the_record_s_links_and_the_search_filters_are_the_registry_s() -> None:
    assert [link.field for link in records.LINKS] == [t.field for t in LINKED]
    for name, spec in FILTERS.items():
        if spec.term is not None:
            assert spec.term is BY_NAME[name].model
            assert spec.key == BY_NAME[name].key


def test_codes_are_shown_for_the_wsis_and_sdg_numbering_only() -> None:
    assert {"action_line", "sdg", "wsis_target", "gdc_objective"} == SHOWS_CODES
    assert labelled("action_line", "C7.4", "E-health") == "C7.4 E-health"
    assert labelled("country", "TN", "Tunisia") == "Tunisia"


def test_the_index_names_every_taxonomy(session: Session) -> None:
    terms = catalog_index.snapshot(session).terms
    assert set(terms.labels) == set(BY_NAME)
    assert terms.names("fr")["country"]["MA"] == "Maroc"


def test_the_form_offers_every_filed_taxonomy_with_shown_codes(
    session: Session,
) -> None:
    choices = project_form.choices(session, "en")
    for taxonomy in TAXONOMIES:
        if taxonomy.field is not None:
            assert choices[taxonomy.field], taxonomy.name
    first_target = choices["wsis_targets"][0]
    assert first_target.label.startswith(f"{first_target.value} ")


def test_the_api_lists_each_small_vocabulary(client: TestClient) -> None:
    for taxonomy in TAXONOMIES:
        if taxonomy.api_path is None:
            continue
        response = client.get(f"/api/v1{taxonomy.api_path}")
        assert response.status_code == 200, taxonomy.name
        assert response.json(), taxonomy.name
