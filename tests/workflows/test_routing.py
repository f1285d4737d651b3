"""Routing rules, conflicts, the hierarchy and the corruption firewall (pure)."""

from workflows.routing import (
    DEFAULT_RULES,
    Facts,
    Hierarchy,
    Rule,
    check_rules,
    decide,
    named_structures,
)
from workflows.taxonomy import CATEGORIES, CATEGORY_CODES, STRUCTURE_CODES, kind_for_category

DESIGN_TABLE = {
    "water": "sonede-kef",
    "electricity": "steg-kef",
    "sanitation": "onas-kef",
    "waste": "kef-municipality",
    "roads": "kef-municipality",
    "lighting": "kef-municipality",
    "urban_planning": "kef-municipality",
    "civil_status": "kef-municipality",
    "public_hygiene": "kef-municipality",
    "access_to_information": "kef-municipality",
    "health": "health-kef",
    "education": "education-kef",
    "transport": "transport-kef",
    "corruption": "anti-corruption-cell",
    "other": "central-bureau",
}


def test_every_category_routes_as_the_design_says() -> None:
    for category in CATEGORY_CODES:
        kind = kind_for_category(category)
        assert (
            decide(Facts(category, kind, "texte"), DEFAULT_RULES).structure
            == DESIGN_TABLE[category]
        )


def test_national_and_regional_roads_go_to_equipment() -> None:
    for text in (
        "Trou énorme sur la route nationale 5 à l'entrée du Kef",
        "حفرة خطيرة في الطريق الوطنية رقم 5",
        "Pothole on the national road near Nebeur",
        "el 7ofra fi ettri9 el wotniya",
    ):
        assert decide(Facts("roads", "complaint", text), DEFAULT_RULES).structure == "equipment-kef"
    street = decide(Facts("roads", "complaint", "trou devant ma maison, une erreur"), DEFAULT_RULES)
    assert street.structure == "kef-municipality"


def test_rule_conditions_on_place_and_channel() -> None:
    rules = [
        Rule("central-bureau", "phone calls", channel="phone", category="other"),
        Rule("health-kef", "Tajerouine", municipality="Tajerouine", category="health"),
    ]
    assert decide(Facts("other", "complaint", channel="phone"), rules).structure == "central-bureau"
    assert (
        decide(Facts("health", "complaint", municipality="tajerouine"), rules).structure
        == "health-kef"
    )


def test_no_rule_can_route_corruption_elsewhere() -> None:
    rules = [Rule("kef-municipality", "everything about roads", category="roads")]
    decision = decide(Facts("roads", "corruption_report", "pot-de-vin pour la route"), rules)
    assert decision.structure == "anti-corruption-cell"
    problems = check_rules(
        [Rule("kef-municipality", "x", category="corruption")], STRUCTURE_CODES, CATEGORY_CODES
    )
    assert any("corruption" in p.message for p in problems)


def test_unreachable_and_conflicting_rules_are_reported() -> None:
    rules = [
        Rule("kef-municipality", "all roads", category="roads"),
        Rule("equipment-kef", "national roads", category="roads", keywords=("route nationale",)),
        Rule("sonede-kef", "water in Kef", category="water", municipality="El Kef"),
        Rule("sonede-kef", "water in Kef again", category="water", municipality="El Kef"),
        Rule("nowhere", "bad target", category="water"),
        Rule("central-bureau", "catch all"),
    ]
    problems = {
        p.rule_index: p.message for p in check_rules(rules, STRUCTURE_CODES, CATEGORY_CODES)
    }
    assert "unreachable" in problems[1] and "conflicts" in problems[1]
    assert "unreachable" in problems[3] and "repeats" in problems[3]
    assert "unknown structure" in problems[4]
    assert "no condition" in problems[5]
    assert 0 not in problems and 2 not in problems
    assert check_rules(list(DEFAULT_RULES), STRUCTURE_CODES, CATEGORY_CODES) == []


def test_hierarchy_refuses_cycles() -> None:
    h = Hierarchy(
        {"central-bureau": None, "kef-municipality": "central-bureau", "x": "kef-municipality"}
    )
    assert h.would_cycle("central-bureau", "x")
    assert h.would_cycle("kef-municipality", "kef-municipality")
    assert not h.would_cycle("x", "central-bureau")


def test_structures_named_in_a_report() -> None:
    names = {
        "kef-municipality": ["بلدية الكاف", "Municipalité du Kef", "mairie", "البلدية"],
        "steg-kef": ["STEG", "الستاغ"],
        "sonede-kef": ["SONEDE"],
    }
    assert named_structures("Un agent de la STEG a demandé un pot-de-vin", names) == {"steg-kef"}
    assert named_structures("موظف في البلدية طلب رشوة", names) == {"kef-municipality"}
    assert named_structures("agent de la mairie et de la steg", names) == {
        "kef-municipality",
        "steg-kef",
    }
    assert named_structures("stegosaurus", names) == set()


def test_taxonomy_is_complete() -> None:
    assert len(CATEGORIES) == 15 and len(STRUCTURE_CODES) == 10
