"""The exercise library and program templates: complete, linked, illustrated and safe."""

import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from programs.rules.progression import Tissue
from programs.rules.walkrun import STAGES

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = ROOT / "programs" / "library"
STATIC = ROOT / "static"
EXERCISES = json.loads((LIBRARY / "exercises.json").read_text(encoding="utf-8"))["exercises"]
BY_SLUG = {exercise["slug"]: exercise for exercise in EXERCISES}
TEMPLATES = json.loads((LIBRARY / "templates.json").read_text(encoding="utf-8"))["templates"]
PROGRAMS = [t for t in TEMPLATES if t["kind"] == "program"]

CONDITIONS = {
    "pfps",
    "mtss",
    "achilles_tendinopathy",
    "plantar_fasciitis",
    "itbs",
    "bone_stress_injury",
}
CATEGORIES = {"strength", "mobility", "core", "plyometric", "isometric", "running", "balance"}
REGIONS = {"hip", "knee", "shin", "ankle", "foot", "core"}
TISSUES = {t.value for t in Tissue}
TAGS = {
    "impact",
    "deep_knee_flexion",
    "end_range_dorsiflexion",
    "running",
    "tendon_load",
    "hip_load",
}
DOSAGE_KEYS = {"sets", "reps", "hold_seconds", "load", "tempo", "times_per_week", "side"}
SIDES = {"both", "each", "affected"}
FIELDS = {
    "slug",
    "name",
    "category",
    "regions",
    "conditions",
    "tissue",
    "instructions",
    "cues",
    "target",
    "default_dosage",
    "progression",
    "regression",
    "contraindication_tags",
    "illustration",
    "video_url",
    "reference",
}
# Sources cited in reference/clinical.md that the library may name.
REFERENCES = {
    "clinic guide",
    "Alfredson 1998",
    "Beers 2008",
    "Beyer 2015",
    "Crossley 2016",
    "DiGiovanni 2003",
    "Ferber 2015",
    "Fredericson 2000",
    "Garber 2011",
    "George 2024",
    "Hébert-Losier 2017",
    "Jonsson 2008",
    "Moen 2012",
    "Powden 2015",
    "Powers 2014",
    "Rathleff 2015",
    "Ratamess 2009",
    "Silbernagel 2007",
    "Taddei 2020",
    "Warden 2021",
}


def test_library_is_large_enough_with_unique_slugs():
    """At least 40 exercises, each slug unique and URL-safe."""
    slugs = [exercise["slug"] for exercise in EXERCISES]
    assert len(slugs) >= 40
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9_]+", slug) for slug in slugs)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e["slug"])
def test_exercise_fields(exercise):
    """Every exercise has every field, with values from the fixed vocabularies."""
    assert set(exercise) == FIELDS
    assert exercise["name"].strip()
    assert exercise["category"] in CATEGORIES
    assert exercise["regions"] and set(exercise["regions"]) <= REGIONS
    assert exercise["conditions"] and set(exercise["conditions"]) <= CONDITIONS
    assert exercise["tissue"] in TISSUES
    assert 2 <= len(re.findall(r"[.!?](?:\s|$)", exercise["instructions"])) <= 4
    assert exercise["cues"] and all(isinstance(cue, str) and cue for cue in exercise["cues"])
    assert exercise["target"].strip()
    assert set(exercise["contraindication_tags"]) <= TAGS
    assert exercise["illustration"] == f"programs/exercises/{exercise['slug']}.svg"
    assert exercise["video_url"] is None
    assert exercise["reference"] in REFERENCES


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e["slug"])
def test_default_dosage(exercise):
    """A dosage names sets, what to count (reps or a hold), how often and which side."""
    dosage = exercise["default_dosage"]
    assert set(dosage) == DOSAGE_KEYS
    assert isinstance(dosage["sets"], int) and dosage["sets"] >= 1
    assert dosage["reps"] is not None or dosage["hold_seconds"] is not None
    for key in ("reps", "hold_seconds"):
        assert dosage[key] is None or (isinstance(dosage[key], int) and dosage[key] >= 1)
    assert isinstance(dosage["times_per_week"], int) and 1 <= dosage["times_per_week"] <= 21
    assert isinstance(dosage["load"], str) and dosage["load"]
    assert dosage["tempo"] is None or isinstance(dosage["tempo"], str)
    assert dosage["side"] in SIDES


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e["slug"])
def test_progression_links_resolve_without_loops(exercise):
    """Progressions and regressions name existing exercises and end somewhere."""
    for key in ("progression", "regression"):
        seen = {exercise["slug"]}
        slug = exercise[key]
        while slug is not None:
            assert slug in BY_SLUG, f"{exercise['slug']}.{key} → unknown {slug}"
            assert slug not in seen, f"{key} loop through {slug}"
            seen.add(slug)
            slug = BY_SLUG[slug][key]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e["slug"])
def test_impact_and_running_are_tagged(exercise):
    """Hops and running carry the tags that block them while a bone stress injury is open."""
    tags = set(exercise["contraindication_tags"])
    if exercise["category"] == "plyometric":
        assert "impact" in tags
    if exercise["category"] == "running":
        assert {"impact", "running"} <= tags
    if "running" in tags:
        assert "impact" in tags


@pytest.mark.parametrize(
    ("guide_says", "slugs"),
    [
        ("squats", ["bodyweight_squat", "box_squat", "goblet_squat"]),
        ("lunges", ["split_squat", "reverse_lunge", "forward_lunge", "walking_lunge"]),
        ("bridges", ["glute_bridge", "single_leg_bridge"]),
        ("planks", ["front_plank", "side_plank"]),
        ("dead bugs", ["dead_bug"]),
        ("rotational exercises", ["pallof_press", "band_woodchop"]),
        ("calf raises", ["double_leg_calf_raise", "single_leg_calf_raise"]),
        ("toe exercises", ["toe_yoga", "toe_spreading", "towel_curl", "short_foot_seated"]),
        ("ankle dorsiflexion", ["knee_to_wall_mobilisation", "gastrocnemius_wall_stretch"]),
        ("hip flexibility", ["half_kneeling_hip_flexor_stretch"]),
    ],
)
def test_clinic_guide_exercises_present(guide_says, slugs):
    """Every exercise the clinic's guide names is in the library."""
    assert set(slugs) <= set(BY_SLUG), guide_says


@pytest.mark.parametrize(
    ("slug", "reference", "checks"),
    [
        ("eccentric_heel_drop_straight_knee", "Alfredson 1998", {"sets": 3, "reps": 15}),
        ("eccentric_heel_drop_bent_knee", "Alfredson 1998", {"times_per_week": 14}),
        ("hsr_seated_heel_raise", "Beyer 2015", {"tempo": "3 s up, 3 s down"}),
        ("hsr_standing_heel_raise", "Beyer 2015", {"load": "15RM"}),
        ("hsr_leg_press_heel_raise", "Beyer 2015", {"sets": 3}),
        ("rathleff_towel_heel_raise", "Rathleff 2015", {"sets": 3, "reps": 12, "load": "12RM"}),
        ("plantar_fascia_stretch", "DiGiovanni 2003", {"reps": 10, "hold_seconds": 10}),
        ("side_lying_hip_abduction", "Fredericson 2000", {}),
        ("pelvic_drop", "Fredericson 2000", {"sets": 3, "reps": 15}),
        ("floor_eccentric_heel_drop", "Jonsson 2008", {}),
        ("clamshell", None, {"reps": 15}),
        ("forward_step_down", None, {"reps": 10}),
        ("lateral_step_down", None, {"reps": 10}),
        ("side_plank", None, {}),
        ("wall_sit", None, {}),
        ("banded_inversion", None, {"sets": 3, "reps": 15}),
        ("pogo_hops", None, {"reps": 20}),
        ("walk_run", None, {}),
        ("isometric_heel_raise_hold", None, {}),
        ("spanish_squat_isometric", None, {}),
    ],
)
def test_condition_protocols_present(slug, reference, checks):
    """The reference's named protocols are in the library with their trial dosing."""
    exercise = BY_SLUG[slug]
    if reference:
        assert exercise["reference"] == reference
    for key, value in checks.items():
        assert exercise["default_dosage"][key] == value


@pytest.mark.parametrize(
    "chain",
    [
        ["glute_bridge", "single_leg_bridge", "hip_thrust"],
        ["double_leg_calf_raise", "single_leg_calf_raise", "weighted_single_leg_calf_raise"],
        ["box_squat", "bodyweight_squat", "goblet_squat"],
        ["lateral_step_down", "forward_step_down", "single_leg_squat"],
        ["knee_plank", "front_plank", "plank_shoulder_tap"],
        ["skipping", "pogo_hops", "single_leg_hops", "forward_hops", "bounding"],
    ],
)
def test_progression_chains(chain):
    """Sensible steps up, each undone by its regression."""
    for easier, harder in zip(chain, chain[1:], strict=False):
        assert BY_SLUG[easier]["progression"] == harder
        assert BY_SLUG[harder]["regression"] == easier


def _load_illustrator():
    spec = importlib.util.spec_from_file_location(
        "make_illustrations", LIBRARY / "make_illustrations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ILLUSTRATOR = _load_illustrator()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e["slug"])
def test_illustration_is_a_small_safe_svg(exercise):
    """Each illustration exists, is under 2 KB, self-contained and drawn in the allowed colours."""
    path = STATIC / exercise["illustration"]
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) < 2048
    root = ET.fromstring(text)  # noqa: S314 - the repository's own files
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 200 150"
    lowered = text.lower()
    for forbidden in ("<script", "href", "url(", "<image", "<foreignobject", "@import"):
        assert forbidden not in lowered
    assert not any(name.startswith("on") for el in root.iter() for name in el.attrib)
    assert set(re.findall(r'(?:stroke|fill)="([^"]+)"', text)) <= {
        "currentColor",
        "#0d6efd",
        "none",
    }


def test_illustrations_are_current_and_distinct():
    """The files match the generator, and no two exercises share a drawing."""
    drawings = {}
    for exercise in EXERCISES:
        pose, props, accents = ILLUSTRATOR.DRAWINGS[exercise["slug"]]
        expected = ILLUSTRATOR.svg(exercise["name"], pose, props, accents)
        assert (STATIC / exercise["illustration"]).read_text(encoding="utf-8") == expected
        drawings[exercise["slug"]] = re.sub(
            r"<title>.*</title>|aria-label=\"[^\"]*\"", "", expected
        )
    assert len(set(drawings.values())) == len(drawings)


def test_movement_families_use_different_figures():
    """Squat, lunge, bridge, plank, calf raise, hop, stretch and side-lying poses differ."""
    families = {
        "bodyweight_squat": "squat",
        "forward_lunge": "lunge",
        "glute_bridge": "bridge",
        "front_plank": "plank",
        "double_leg_calf_raise": "toes",
        "pogo_hops": "hop",
        "gastrocnemius_wall_stretch": "wall_lean",
        "side_lying_hip_abduction": "side_lying",
        "side_plank": "side_plank",
        "walk_run": "run",
        "plantar_fascia_stretch": "foot",
    }
    figures = {ILLUSTRATOR.figure(ILLUSTRATOR.DRAWINGS[slug][0]) for slug in families}
    assert len(figures) == len(families)
    assert all(ILLUSTRATOR.DRAWINGS[slug][0] == pose for slug, pose in families.items())


def test_every_condition_has_a_program_template():
    """Each of the six conditions has at least one phased program template."""
    assert {t["condition"] for t in PROGRAMS} >= CONDITIONS
    slugs = [t["slug"] for t in TEMPLATES]
    assert len(set(slugs)) == len(slugs)


@pytest.mark.parametrize("template", PROGRAMS, ids=lambda t: t["slug"])
def test_program_template_shape(template):
    """Phases are numbered from 1, name criteria, and reference existing exercises."""
    assert template["condition"] in CONDITIONS | {None}
    assert template["tissue"] in TISSUES
    assert template["reference"] in REFERENCES
    assert [phase["phase"] for phase in template["phases"]] == list(
        range(1, len(template["phases"]) + 1)
    )
    for phase in template["phases"]:
        assert phase["name"] and phase["criteria_to_progress"]
        assert phase["items"]
        for item in phase["items"]:
            assert item["exercise"] in BY_SLUG
            assert set(item["dosage"]) <= DOSAGE_KEYS


@pytest.mark.parametrize(
    ("condition", "tissue"),
    [
        ("pfps", "soft_tissue"),
        ("mtss", "soft_tissue"),
        ("achilles_tendinopathy", "tendon"),
        ("plantar_fasciitis", "soft_tissue"),
        ("itbs", "soft_tissue"),
        ("bone_stress_injury", "bone"),
    ],
)
def test_template_pain_rule_matches_tissue(condition, tissue):
    """Each condition's templates use its tissue's pain rule."""
    assert {t["tissue"] for t in PROGRAMS if t["condition"] == condition} == {tissue}


def _impact_items(phase):
    return [
        item["exercise"]
        for item in phase["items"]
        if {"impact", "running"} & set(BY_SLUG[item["exercise"]]["contraindication_tags"])
    ]


BSI_TEMPLATES = [t for t in PROGRAMS if t["condition"] == "bone_stress_injury"]


@pytest.mark.parametrize("bsi", BSI_TEMPLATES, ids=lambda t: t["slug"])
def test_bsi_early_phases_have_no_impact(bsi):
    """Bone stress injury: no hopping or running before the phase that needs clearance."""
    cleared = [p["phase"] for p in bsi["phases"] if p["clearance_required"]]
    assert cleared, "the impact phase must require clearance"
    for phase in bsi["phases"]:
        if phase["phase"] < cleared[0]:
            assert _impact_items(phase) == [], phase["name"]
    assert _impact_items(bsi["phases"][-1])


def test_hip_pelvis_bsi_phase_one_does_not_load_the_hip():
    """A femoral-neck, pelvic or sacral BSI starts with no hip-centred loading."""
    # Robertson & Wood 2017; George 2024: no phase-1 exercise works the hip, or the core that
    # pulls on the pelvis.
    (hip,) = [t for t in BSI_TEMPLATES if t["slug"] == "bsi_hip_pelvis_return"]
    first = hip["phases"][0]["items"]
    assert first
    for item in first:
        regions = set(BY_SLUG[item["exercise"]]["regions"])
        assert not regions & {"hip", "core"}, item["exercise"]


def test_heavy_or_eccentric_tendon_loading_is_tagged():
    """Heel drops, heavy slow resistance and plyometrics carry the tag a rupture flag blocks."""
    for slug in (
        "eccentric_heel_drop_straight_knee",
        "floor_eccentric_heel_drop",
        "hsr_standing_heel_raise",
        "weighted_single_leg_calf_raise",
        "pogo_hops",
    ):
        assert "tendon_load" in BY_SLUG[slug]["contraindication_tags"], slug


def test_calf_raises_and_calf_stretches_are_tendon_and_calf_loading():
    """Every calf raise and every end-range calf stretch is blocked under a possible rupture or DVT:
    stretching a torn Achilles risks lengthening it."""
    for slug, exercise in BY_SLUG.items():
        if "end_range_dorsiflexion" in exercise["contraindication_tags"]:
            assert "tendon_load" in exercise["contraindication_tags"], slug
    for slug in (
        "seated_calf_raise",
        "double_leg_calf_raise",
        "bent_knee_calf_raise",
        "towel_heel_raise_double_leg",
        "gastrocnemius_wall_stretch",
        "soleus_wall_stretch",
        "knee_to_wall_mobilisation",
    ):
        assert "tendon_load" in BY_SLUG[slug]["contraindication_tags"], slug


def test_hip_centred_exercises_carry_the_hip_loading_tag():
    """Bridges, hip thrusts, hip abduction, planks, squats and lunges load the hip and pelvis."""
    for slug in (
        "glute_bridge",
        "hip_thrust",
        "side_lying_hip_abduction",
        "front_plank",
        "single_leg_squat",
        "forward_lunge",
        "split_squat",
    ):
        assert "hip_load" in BY_SLUG[slug]["contraindication_tags"], slug
    assert "hip_load" not in BY_SLUG["seated_calf_raise"]["contraindication_tags"]


def test_walk_run_bone_prerequisites_match_the_rules_and_name_hops():
    """Stage 0 after a BSI lists pain-free hopping (George 2024), as the walk-run rules do."""
    from programs.rules.walkrun import prerequisites

    (walk_run,) = [t for t in TEMPLATES if t["kind"] == "walk_run"]
    bone = walk_run["stages"][0]["prerequisites"]["bone"]
    assert tuple(bone) == prerequisites(tissue="bone")
    assert any("hops" in line for line in bone)
    assert walk_run["tissue_by_condition"]["bone_stress_injury"] == "bone"


def test_bone_checklists_put_imaging_before_any_hop_test():
    """No hop test at a suspected high-risk site before imaging or a physician (clinical.md §0.3),
    and George 2024's contributing factors are on every bone checklist."""
    from programs.rules.walkrun import prerequisites

    checklists = [list(prerequisites(tissue="bone"))]
    for template in TEMPLATES:
        for part in template.get("phases", []) + template.get("stages", []):
            bone = (part.get("prerequisites") or {}).get("bone")
            if bone:
                checklists.append(bone)
            lines = part.get("criteria_to_progress") or []
            if (
                any("hops" in line for line in lines)
                and template.get("condition") == "bone_stress_injury"
            ):
                checklists.append(lines)
    assert len(checklists) >= 4
    for lines in checklists:
        imaging = next(i for i, line in enumerate(lines) if "imaging" in line)
        hops = next(i for i, line in enumerate(lines) if "hops" in line)
        assert imaging < hops, lines
        assert any("What led to the injury" in line for line in lines), lines


def test_impact_only_in_late_phases():
    """No template starts with hops or running in its first phase."""
    for template in PROGRAMS:
        assert _impact_items(template["phases"][0]) == [], template["slug"]


def test_insertional_achilles_avoids_end_range_dorsiflexion():
    """Insertional Achilles work stays off the step edge (Jonsson 2008)."""
    (template,) = [t for t in PROGRAMS if t["slug"] == "achilles_insertional"]
    for phase in template["phases"]:
        for item in phase["items"]:
            tags = BY_SLUG[item["exercise"]]["contraindication_tags"]
            assert "end_range_dorsiflexion" not in tags, item["exercise"]


@pytest.mark.parametrize(
    ("slug", "exercise", "doses"),
    [
        ("achilles_hsr", "hsr_seated_heel_raise", [(3, 15), (3, 12), (4, 10), (4, 8), (4, 6)]),
        ("plantar_heel_rathleff", "rathleff_towel_heel_raise", [(3, 12), (4, 10), (5, 8)]),
    ],
)
def test_trial_progressions(slug, exercise, doses):
    """Beyer 2015 and Rathleff 2015 step their sets and reps phase by phase."""
    (template,) = [t for t in PROGRAMS if t["slug"] == slug]
    found = [
        (item["dosage"]["sets"], item["dosage"]["reps"])
        for phase in template["phases"]
        for item in phase["items"]
        if item["exercise"] == exercise
    ]
    assert found == doses


def test_walk_run_template_matches_stage_table():
    """The walk-run template has the §7.5 stages of programs.rules.walkrun."""
    (walk_run,) = [t for t in TEMPLATES if t["kind"] == "walk_run"]
    stages = walk_run["stages"]
    assert [s["stage"] for s in stages] == [s.number for s in STAGES]
    assert [s["session"] for s in stages] == [s.session for s in STAGES]
    for data, stage in zip(stages, STAGES, strict=True):
        if stage.repeats:
            (item,) = data["items"]
            assert item["exercise"] == "walk_run"
            assert item["dosage"]["sets"] == stage.repeats
            assert item["dosage"]["hold_seconds"] == stage.run_minutes * 60
    assert set(walk_run["tissue_by_condition"]) == CONDITIONS
    assert set(walk_run["tissue_by_condition"].values()) <= TISSUES
    assert walk_run["tissue_by_condition"]["bone_stress_injury"] == "bone"
