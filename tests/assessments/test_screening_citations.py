"""Every screening rule cites a primary source, never only the clinic's own reference brief."""

import re

import pytest

from assessments.screening.engine import RULES

SOURCES = RULES["sources"]
# A source has authors (or a body), a title, then a journal or guideline with its year, or, for a
# study whose authors clinical.md could not verify, its PubMed Central id.
FULL_CITATION = re.compile(r"^.+\. .*(\b(19|20)\d\d\b|\bPMC\d+\b)")


def _rules():
    """Every scoring feature, bone-stress hard trigger and red flag, with a name for reports."""
    for condition in RULES["conditions"]:
        for feature in condition["features"]:
            yield f"{condition['code']}.{feature['id']}", feature
    for trigger in RULES["bone_stress_override"]["hard_triggers"]:
        yield f"trigger.{trigger['id']}", trigger
    for flag in RULES["red_flags"]:
        yield f"red_flag.{flag['code']}", flag


RULE_LIST = list(_rules())


def cited_sources(ref: str) -> list[str]:
    """The primary sources a ref names; each part not pointing at clinical.md must name one."""
    cited = []
    for part in (part.strip() for part in ref.split(";")):
        if part.startswith("clinical.md"):
            continue
        source = next((key for key in SOURCES if part.startswith(key)), None)
        if source is None:
            raise AssertionError(f"{part!r} is not in the ruleset's sources")
        cited.append(source)
    return cited


@pytest.mark.parametrize(("name", "rule"), RULE_LIST, ids=[name for name, _ in RULE_LIST])
def test_rule_cites_a_primary_source(name, rule):
    """A rule's ref names at least one listed primary source; clinical.md alone fails the build."""
    assert rule.get("ref"), f"{name} has no ref"
    assert cited_sources(rule["ref"]), f"{name} cites only clinical.md: {rule['ref']!r}"


def test_citation_check_refuses_clinical_md_alone():
    """The check itself fails for a ref that points only at clinical.md."""
    assert cited_sources("clinical.md §3 (K)") == []
    assert cited_sources("Warden 2014, J Orthop Sports Phys Ther; clinical.md §2.6") == [
        "Warden 2014"
    ]
    with pytest.raises(AssertionError):
        cited_sources("Robertson 2017")  # misnamed: the source is Robertson & Wood 2017


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_source_is_a_full_citation(key):
    """Each listed source gives authors or body, title, and journal or guideline with its year."""
    citation = SOURCES[key]
    assert FULL_CITATION.match(citation), citation
    year = re.search(r"\b(19|20)\d\d\b", key)
    if year:
        assert year.group(0) in citation, key


def test_every_listed_source_is_cited():
    """No source in the table is left uncited."""
    used = {source for _, rule in RULE_LIST for source in cited_sources(rule["ref"])}
    assert used == set(SOURCES)


def test_milgrom_is_not_cited_for_the_under_5cm_rule():
    """Milgrom 2021 found fractures tender over up to 10 cm: it cannot back the <5 cm rule."""
    mtss = next(c for c in RULES["conditions"] if c["code"] == "mtss")
    under_5cm = next(f for f in mtss["features"] if f["id"] == "exam_tenderness_under_5cm")
    assert "Milgrom" not in under_5cm["ref"]
    assert "Yates & White 2004" in under_5cm["ref"]
    hop = next(
        f
        for c in RULES["conditions"]
        if c["code"] == "bone_stress_injury"
        for f in c["features"]
        if f["id"] == "exam_hop_pain"
    )
    assert hop["ref"].startswith("Milgrom 2021")
