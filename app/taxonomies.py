"""The reference taxonomies, described once: what each is called, its table
and key, its seed file, how an entry is filed under it and whether its codes
are shown with its names.

Read by the seed loader (seeds/taxonomy_loader.py), the record's links and
code checks (services.records), the search filters (services.filters), the
catalog index's labels, the exports and the moderation diff (codes shown),
the form's choices (web.project_form) and the API's listings (api.taxonomy).
"""

from dataclasses import dataclass

from app.models import (
    ActionLine,
    ActivityType,
    BudgetRange,
    Country,
    EntityType,
    FundingSource,
    GdcObjective,
    ProjectActionLine,
    ProjectCountry,
    ProjectGdcObjective,
    ProjectSdg,
    ProjectTargetGroup,
    ProjectTechnology,
    ProjectWsisTarget,
    Sdg,
    SubRegion,
    TargetGroup,
    Technology,
    WsisTarget,
)
from app.models.project import ProjectLink
from app.models.taxonomy import TermBase


@dataclass(frozen=True)
class Taxonomy:
    """One reference vocabulary.

    `name` is its search parameter and facet ("action_line"); `key` the column
    its codes are ("code", "number", "iso2"). An entry is filed under it by
    `field` of its record: a list kept in the link table `link`
    (`link_column` holding the code), or one code in the project column
    `column`. `shows_codes`: pages, exports and the desk write the code before
    the name ("C7.4 E-health", "3 Good health"). `api_path`: its listing
    under /api/v1 (None: a listing of its own shape)."""

    name: str
    model: type[TermBase]
    key: str
    seed_file: str
    field: str | None = None
    link: type[ProjectLink] | None = None
    link_column: str = ""
    column: str | None = None
    shows_codes: bool = False
    api_path: str | None = None
    api_summary: str = ""


# In dependency order (the seed loader's): sub-regions before countries,
# SDGs before action lines.
TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy(
        "sub_region",
        SubRegion,
        "code",
        "sub_regions.json",
        api_path="/sub-regions",
        api_summary="List sub-regions of the Arab region",
    ),
    Taxonomy(
        "country",
        Country,
        "iso2",
        "countries.json",
        field="countries",
        link=ProjectCountry,
        link_column="country_iso2",
    ),
    Taxonomy(
        "sdg",
        Sdg,
        "number",
        "sdgs.json",
        field="sdgs",
        link=ProjectSdg,
        link_column="sdg_number",
        shows_codes=True,
    ),
    Taxonomy(
        "action_line",
        ActionLine,
        "code",
        "action_lines.json",
        field="action_lines",
        link=ProjectActionLine,
        link_column="action_line_code",
        shows_codes=True,
    ),
    Taxonomy(
        "wsis_target",
        WsisTarget,
        "code",
        "wsis_targets.json",
        field="wsis_targets",
        link=ProjectWsisTarget,
        link_column="wsis_target_code",
        shows_codes=True,
    ),
    Taxonomy(
        "gdc_objective",
        GdcObjective,
        "number",
        "gdc_objectives.json",
        field="gdc_objectives",
        link=ProjectGdcObjective,
        link_column="gdc_objective_number",
        shows_codes=True,
    ),
    Taxonomy(
        "technology",
        Technology,
        "code",
        "technologies.json",
        field="technologies",
        link=ProjectTechnology,
        link_column="technology_code",
        api_path="/technologies",
        api_summary="List technologies",
    ),
    Taxonomy(
        "entity_type",
        EntityType,
        "code",
        "entity_types.json",
        column="lead_org_entity_type_code",
        api_path="/entity-types",
        api_summary="List entity types",
    ),
    Taxonomy(
        "activity_type",
        ActivityType,
        "code",
        "activity_types.json",
        field="activity_type",
        column="activity_type_code",
        api_path="/activity-types",
        api_summary="List activity types",
    ),
    Taxonomy(
        "target_group",
        TargetGroup,
        "code",
        "target_groups.json",
        field="target_groups",
        link=ProjectTargetGroup,
        link_column="target_group_code",
        api_path="/target-groups",
        api_summary="List target groups",
    ),
    Taxonomy(
        "funding_source",
        FundingSource,
        "code",
        "funding_sources.json",
        field="funding_source",
        api_path="/funding-sources",
        api_summary="List funding source types",
    ),
    Taxonomy(
        "budget_range",
        BudgetRange,
        "code",
        "budget_ranges.json",
        field="budget_range",
        api_path="/budget-ranges",
        api_summary="List budget ranges",
    ),
)
BY_NAME: dict[str, Taxonomy] = {taxonomy.name: taxonomy for taxonomy in TAXONOMIES}
# The many-to-many fields of a record, each with its link table.
LINKED: tuple[Taxonomy, ...] = tuple(t for t in TAXONOMIES if t.link is not None)
SHOWS_CODES: frozenset[str] = frozenset(t.name for t in TAXONOMIES if t.shows_codes)


def labelled(name: str, code: object, label: str) -> str:
    """A term's name as pages and exports show it: after its code for the
    taxonomies whose codes are shown ("C7.4 E-health")."""
    return f"{code} {label}" if name in SHOWS_CODES else label
