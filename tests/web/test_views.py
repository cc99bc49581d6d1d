"""The public pages' views (app/web/views.py) shaped from the services' answers."""

from app.web.views import _insert_in_order, value_label

ORDER = ["C7", "C7.1", "C7.3", "C7.4", "C7.5", "C8"]


def test_a_chosen_value_nothing_matches_is_listed_in_the_taxonomy_s_order() -> None:
    listed = [("C7", 4), ("C7.3", 1), ("C7.5", 2), ("C8", 1)]

    _insert_in_order(listed, "C7.4", ORDER)
    _insert_in_order(listed, "C7.1", ORDER)
    _insert_in_order(listed, "XX", ORDER)  # not in the taxonomy: last

    assert [value for value, _count in listed] == [
        "C7",
        "C7.1",
        "C7.3",
        "C7.4",
        "C7.5",
        "C8",
        "XX",
    ]
    assert dict(listed)["C7.4"] == 0


def test_values_are_named_with_codes_only_where_the_taxonomy_shows_them() -> None:
    names = {"action_line": {"C7.4": "E-health"}, "country": {"EG": "Egypt"}}

    assert value_label("action_line", "C7.4", names, "en") == "C7.4 E-health"
    assert value_label("country", "EG", names, "en") == "Egypt"
    assert value_label("implementation_status", "ongoing", names, "fr") == "En cours"
    assert value_label("country", "ZZ", names, "en") == "ZZ"
