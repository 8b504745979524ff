"""The structured examination of an evaluation: ROM, strength and special tests (clinical.md §2).

Stored on ``Evaluation.exam`` as ``{"rom": {key: {"left": n, "right": n}}, "strength": {...},
"special_tests": {key: "positive" | "negative"}}``; keys that were not measured are left out.
"""

ROM = (
    ("knee_to_wall_cm", "Ankle dorsiflexion, knee-to-wall (cm)"),
    ("hip_internal_rotation_deg", "Hip internal rotation (°)"),
    ("hip_extension_deg", "Hip extension (°)"),
    ("knee_flexion_deg", "Knee flexion (°)"),
    ("first_mtp_extension_deg", "1st MTP extension (°)"),
)

STRENGTH = (
    ("hip_abduction", "Hip abduction (kg, dynamometer)"),
    ("hip_extension", "Hip extension (kg, dynamometer)"),
    ("knee_extension", "Knee extension (kg, dynamometer)"),
    ("single_leg_heel_raise_reps", "Single-leg heel raises (reps)"),
    ("single_leg_squat_reps", "Single-leg squats without pain (reps)"),
)

# The therapist findings the screening engine reads (DESIGN.md, screening "exam").
SPECIAL_TESTS = (
    ("patellar_palpation_pain", "Patellar facet palpation pain"),
    ("resisted_knee_extension_pain", "Pain on resisted knee extension"),
    ("squat_pain", "Pain on squatting"),
    ("tenderness_over_5cm", "Posteromedial tibial tenderness over ≥5 cm"),
    ("noble_compression", "Noble compression test"),
    ("lateral_epicondyle_tenderness", "Lateral femoral epicondyle tenderness"),
    ("achilles_palpation_pain", "Achilles palpation pain"),
    ("royal_london_hospital", "Royal London Hospital test"),
    ("thompson_positive", "Thompson test positive"),
    ("medial_calcaneal_tubercle_tenderness", "Medial calcaneal tubercle tenderness"),
    ("windlass_positive", "Windlass test positive"),
    ("calcaneal_squeeze_pain", "Calcaneal squeeze pain"),
    ("hop_pain", "Pain on hopping"),
    ("hip_internal_rotation_pain", "Pain on hip internal rotation"),
    ("n_spot_tenderness", "N-spot tenderness (navicular)"),
)

TEST_RESULTS = (("positive", "Positive"), ("negative", "Negative"))
SIDES = ("left", "right")
RESULT_LABELS = dict(TEST_RESULTS)


def exam_rows(exam: dict) -> dict[str, list[dict]]:
    """Rows for display: each measured ROM/strength value per side, and each test result."""
    exam = exam or {}
    rows: dict[str, list[dict]] = {"rom": [], "strength": [], "special_tests": []}
    for group, fields in (("rom", ROM), ("strength", STRENGTH)):
        for key, label in fields:
            value = (exam.get(group) or {}).get(key)
            if value:
                rows[group].append(
                    {"label": label, "left": value.get("left"), "right": value.get("right")}
                )
    for key, label in SPECIAL_TESTS:
        result = (exam.get("special_tests") or {}).get(key)
        if result:
            rows["special_tests"].append(
                {"label": label, "result": RESULT_LABELS.get(result, result)}
            )
    return rows
