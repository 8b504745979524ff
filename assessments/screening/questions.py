"""Screening questions and exam findings: keys, types, options and plain-language labels.

Runner-facing texts are marked with ``gettext_noop`` so they reach the assessments catalogue; the
runner's form translates them when it is built (the therapist's form keeps the English). Keys and
option values never change with the language.
"""

# The numeric answers' bounds equal the "screening.*" rows of dangpt/clinical_ranges.py (the
# engine runs without Django, so it cannot import them; tests/dangpt/test_clinical_ranges.py
# holds the two equal). Counts and weeks have no upper bound: the DESIGN.md contract.

# Hop tests are never offered to the runner, nor done by the clinician, for pain at these sites:
# a hop can displace a bone stress injury at a high-risk site (clinical.md §0 item 3; Kaeding 2005;
# Warden 2014): femoral neck, pelvis and sacrum, navicular and base of the 2nd metatarsal, anterior
# tibial cortex, base of the 5th metatarsal, medial malleolus, talus and sesamoids.
HIGH_RISK_REGIONS = frozenset(
    {
        "groin_hip",
        "dorsal_midfoot",
        "anterior_shin",
        "outer_midfoot",
        "pubic_bone",
        "buttock_sacrum",
        "medial_ankle",
        "ankle_joint",
        "under_big_toe",
    }
)
# A gentle one-finger press is not a loading test, so the runner is asked it at high-risk sites
# too, except where one cannot press one spot of one's own bone: the pubic bone and the sacrum.
NO_SELF_PRESS_REGIONS = frozenset({"pubic_bone", "buttock_sacrum"})


def gettext_noop(text: str) -> str:
    """Mark a runner-facing text for the catalogue; the runner's form translates it when shown."""
    return text


def _options(*pairs):
    """Build an options tuple from (value, label) pairs."""
    return tuple({"value": value, "label": label} for value, label in pairs)


def _yes_no(key, label, help_text="", required=False):
    """Build a boolean question."""
    return {
        "key": key,
        "type": "boolean",
        "required": required,
        "label": label,
        "help": help_text,
        "options": _options((True, gettext_noop("Yes")), (False, gettext_noop("No"))),
    }


REGION_OPTIONS = _options(
    ("anterior_knee", gettext_noop("Front of the knee, around or behind the kneecap")),
    ("lateral_knee", gettext_noop("Outside of the knee")),
    ("medial_knee", gettext_noop("Inside of the knee")),
    ("posterior_knee", gettext_noop("Back of the knee")),
    ("medial_shin", gettext_noop("Inside edge of the shin bone")),
    ("anterior_shin", gettext_noop("Front of the shin bone")),
    ("calf", gettext_noop("Calf muscle")),
    ("achilles", gettext_noop("Achilles tendon, above the heel")),
    ("posterior_heel", gettext_noop("Back of the heel, where the tendon attaches")),
    ("plantar_heel", gettext_noop("Underside of the heel")),
    ("arch", gettext_noop("Arch of the foot")),
    ("dorsal_midfoot", gettext_noop("Top of the midfoot")),
    ("outer_midfoot", gettext_noop("Outside edge of the foot, halfway along")),
    ("forefoot", gettext_noop("Front of the foot or toes")),
    ("under_big_toe", gettext_noop("Ball of the foot, under the big toe joint")),
    ("medial_ankle", gettext_noop("Inside of the ankle, on the bony bump")),
    ("ankle_joint", gettext_noop("Deep in the ankle joint, or at the front of the ankle")),
    ("groin_hip", gettext_noop("Groin or front of the hip")),
    ("pubic_bone", gettext_noop("Pubic bone, low at the front between the legs")),
    ("buttock_sacrum", gettext_noop("Buttock or the flat bone at the base of the spine")),
    ("lateral_hip", gettext_noop("Outside of the hip")),
    ("thigh", gettext_noop("Thigh")),
    ("lower_back", gettext_noop("Lower back")),
    ("other", gettext_noop("Somewhere else")),
)

TIMING_OPTIONS = _options(
    ("first_steps_morning", gettext_noop("First steps in the morning, or after sitting")),
    ("morning_stiffness", gettext_noop("Stiff in the morning")),
    ("start_of_run_eases", gettext_noop("At the start of a run, then it eases as I warm up")),
    (
        "builds_at_predictable_distance",
        gettext_noop("Comes on at about the same distance each run and builds"),
    ),
    ("during_whole_run", gettext_noop("During the whole run")),
    ("after_running", gettext_noop("After running")),
    ("next_morning", gettext_noop("The morning after a run")),
    ("with_walking", gettext_noop("When walking")),
    ("at_rest", gettext_noop("At rest, when not moving")),
    ("at_night", gettext_noop("At night")),
)

AGGRAVATOR_OPTIONS = _options(
    ("squatting", gettext_noop("Squatting")),
    ("stairs_down", gettext_noop("Going down stairs")),
    ("stairs_up", gettext_noop("Going up stairs")),
    ("prolonged_sitting", gettext_noop("Sitting for a long time with bent knees")),
    ("downhill", gettext_noop("Running downhill")),
    ("uphill", gettext_noop("Running uphill")),
    ("hopping", gettext_noop("Hopping or jumping")),
    ("prolonged_standing", gettext_noop("Standing for a long time")),
    ("heel_raise", gettext_noop("Rising up on my toes")),
    ("speed_work", gettext_noop("Fast running or intervals")),
    ("barefoot", gettext_noop("Walking barefoot")),
)

QUESTIONS = (
    {
        "key": "regions",
        "type": "multi_choice",
        "required": True,
        "min_items": 1,
        "label": gettext_noop("Where does it hurt?"),
        "help": gettext_noop("Choose every area that hurts."),
        "options": REGION_OPTIONS,
    },
    {
        "key": "side",
        "type": "choice",
        "required": True,
        "label": gettext_noop("Which side?"),
        "help": "",
        "options": _options(
            ("left", gettext_noop("Left")),
            ("right", gettext_noop("Right")),
            ("both", gettext_noop("Both sides")),
        ),
    },
    {
        "key": "onset",
        "type": "choice",
        "required": True,
        "label": gettext_noop("How did it start?"),
        "help": "",
        "options": _options(
            ("gradual", gettext_noop("Gradually, over days or weeks")),
            ("sudden", gettext_noop("Suddenly, during a run or activity")),
            ("trauma", gettext_noop("With a fall, twist, knock or other injury")),
        ),
    },
    _yes_no("onset_pop", gettext_noop("Did you feel or hear a pop when it started?")),
    _yes_no(
        "weak_push_off",
        gettext_noop(
            "Since it started, is pushing off or rising onto your toes on that leg alone weak "
            "or impossible?"
        ),
    ),
    {
        "key": "duration_weeks",
        "type": "number",
        "required": False,
        "min": 0,
        "label": gettext_noop("How many weeks ago did it start?"),
        "help": gettext_noop("An estimate is fine."),
        "options": (),
    },
    {
        "key": "pain_now",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": gettext_noop("How bad is the pain right now?"),
        "help": gettext_noop("0 is no pain, 10 is the worst pain imaginable."),
        "options": (),
    },
    {
        "key": "pain_worst_24h",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": gettext_noop("How bad was the pain at its worst in the last 24 hours?"),
        "help": gettext_noop("0 is no pain, 10 is the worst pain imaginable."),
        "options": (),
    },
    {
        "key": "pain_running",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": gettext_noop("How bad was the pain during or after your last run?"),
        "help": gettext_noop("0 is no pain, 10 is the worst pain imaginable."),
        "options": (),
    },
    {
        "key": "timing",
        "type": "multi_choice",
        "required": False,
        "label": gettext_noop("When does it hurt?"),
        "help": gettext_noop("Choose all that apply, or none."),
        "options": TIMING_OPTIONS,
    },
    {
        "key": "aggravators",
        "type": "multi_choice",
        "required": False,
        "label": gettext_noop("What makes it worse?"),
        "help": gettext_noop("Choose all that apply, or none."),
        "options": AGGRAVATOR_OPTIONS,
    },
    {
        "key": "focal_bone_tenderness",
        "type": "choice",
        "required": False,
        "label": gettext_noop(
            "Can you point to one spot on the bone that hurts when you press it?"
        ),
        "help": gettext_noop("Press gently with one finger. Do not hop to test it."),
        # "unsure" is an answer, but it tells the engine nothing either way.
        "options": (
            {"value": "yes", "label": gettext_noop("Yes")},
            {"value": "no", "label": gettext_noop("No")},
            {"value": "unsure", "label": gettext_noop("Not sure"), "unknown": True},
        ),
    },
    {
        "key": "swelling",
        "type": "choice",
        "required": False,
        "label": gettext_noop("Is there any swelling?"),
        "help": "",
        "options": _options(
            ("none", gettext_noop("No swelling")),
            ("local", gettext_noop("Swelling in one spot")),
            ("joint", gettext_noop("The whole joint is swollen")),
        ),
    },
    _yes_no(
        "locking_or_giving_way", gettext_noop("Does the knee lock, catch or give way under you?")
    ),
    _yes_no(
        "tendon_thickening",
        gettext_noop("Is the tendon thicker or lumpier than on the other side?"),
    ),
    _yes_no(
        "exertional_burning_tightness",
        gettext_noop(
            "During runs, do you get burning, tightness or numbness that stops soon after you stop?"
        ),
    ),
    _yes_no(
        "numbness_tingling", gettext_noop("Do you have numbness, tingling or pins and needles?")
    ),
    _yes_no("calf_swelling_warmth", gettext_noop("Is your calf swollen, warm or red?")),
    _yes_no("fever_or_unwell", gettext_noop("Do you have a fever or feel generally unwell?")),
    _yes_no("unexplained_weight_loss", gettext_noop("Have you lost weight without trying?")),
    _yes_no("history_of_cancer", gettext_noop("Have you ever had cancer?")),
    _yes_no(
        "unable_to_bear_weight",
        gettext_noop("Is it impossible to stand on that leg or take a few steps on it?"),
    ),
    _yes_no("limp", gettext_noop("Are you limping?")),
    _yes_no(
        "recent_load_increase",
        gettext_noop("Did you recently increase how far, how often or how fast you run?"),
    ),
    _yes_no(
        "new_shoes_or_surface", gettext_noop("Did you recently change shoes or running surface?")
    ),
    _yes_no("previous_bone_stress_injury", gettext_noop("Have you had a stress fracture before?")),
    _yes_no(
        "recent_fluoroquinolone",
        gettext_noop(
            "Have you taken a quinolone antibiotic (such as ciprofloxacin) in the last few months?"
        ),
    ),
    _yes_no(
        "missed_periods_3_months",
        gettext_noop("Have you gone 3 months or more in a row without a period?"),
        gettext_noop(
            "Answer if you have ever had periods, even if they have stopped. Hormonal "
            "contraception can hide missed periods."
        ),
    ),
    _yes_no(
        "periods_never_started_by_15",
        gettext_noop("Did your first period come after you turned 15, or has it not come yet?"),
        gettext_noop("Only if you were born female and are 15 or older."),
    ),
    {
        "key": "bone_stress_injuries_2y",
        "type": "integer",
        "required": False,
        "min": 0,
        "max": None,
        "label": (
            gettext_noop(
                "How many stress fractures or stress reactions have you had in the last two years?"
            )
        ),
        "help": gettext_noop("Count each one a doctor told you about. 0 if none."),
        "options": (),
    },
    _yes_no(
        "bone_stress_injury_hip_pelvis_2y",
        (
            gettext_noop(
                "Was any stress fracture or stress reaction in the last two years in the hip, the "
                "pelvis or the bone at the base of the spine?"
            )
        ),
        gettext_noop("Only if you have had one in the last two years."),
    ),
    _yes_no(
        "low_libido_or_morning_erections",
        gettext_noop(
            "For men: have you had less interest in sex, or fewer morning erections, than usual?"
        ),
        gettext_noop(
            "Only if it applies to you. It can be a sign that your body is short of energy for "
            "training."
        ),
    ),
    _yes_no(
        "restrictive_eating_or_weight_loss",
        gettext_noop(
            "Do you restrict what you eat, worry about gaining weight, or have you lost weight "
            "lately?"
        ),
    ),
    # Extra questions beyond the minimum set in DESIGN.md, for red flags of clinical.md §2.1 and §3.
    {
        "key": "age_years",
        "type": "integer",
        "required": False,
        "min": 0,
        "max": 120,
        "label": gettext_noop("How old are you?"),
        "help": "",
        "options": (),
    },
    _yes_no(
        "inflammatory_features",
        gettext_noop(
            "Do you have psoriasis, inflammatory bowel disease, uveitis, or back pain with long "
            "morning stiffness?"
        ),
    ),
    _yes_no(
        "foot_cold_pale_or_weak",
        gettext_noop(
            "Has the foot turned cold or pale, or does it slap or drag because it is weak?"
        ),
    ),
    {
        "key": "exam",
        "type": "exam",
        "required": False,
        "label": "Therapist examination findings",
        "help": "Filled in by the therapist. Leave a finding out if it was not tested.",
        "options": (),
    },
)

EXAM_FINDINGS = (
    {"key": "patellar_palpation_pain", "label": "Pain on palpation of the patellar facets"},
    {"key": "resisted_knee_extension_pain", "label": "Pain on resisted knee extension"},
    {"key": "squat_pain", "label": "Pain on squatting"},
    {
        "key": "tenderness_over_5cm",
        "label": "Shin tenderness over 5 cm or more of the posteromedial tibial border",
    },
    {"key": "noble_compression", "label": "Positive Noble compression test"},
    {
        "key": "lateral_epicondyle_tenderness",
        "label": "Tenderness over the lateral femoral epicondyle",
    },
    {"key": "achilles_palpation_pain", "label": "Pain on palpation of the Achilles tendon"},
    {"key": "royal_london_hospital", "label": "Positive Royal London Hospital test"},
    {"key": "thompson_positive", "label": "Positive Thompson (calf squeeze) test"},
    {
        "key": "medial_calcaneal_tubercle_tenderness",
        "label": "Tenderness at the medial calcaneal tubercle",
    },
    {"key": "windlass_positive", "label": "Positive windlass test"},
    {"key": "calcaneal_squeeze_pain", "label": "Pain on calcaneal squeeze"},
    {"key": "hop_pain", "label": "Pain on single-leg hop (clinician test, not at high-risk sites)"},
    {
        "key": "hip_internal_rotation_pain",
        "label": "Pain or limit at end-range hip internal rotation",
    },
    {"key": "n_spot_tenderness", "label": "Tenderness at the N-spot (proximal dorsal navicular)"},
    {
        "key": "clinician_bone_tenderness",
        "label": "Focal bony tenderness on the therapist's palpation",
    },
)

QUESTIONS_BY_KEY = {question["key"]: question for question in QUESTIONS}
EXAM_KEYS = tuple(finding["key"] for finding in EXAM_FINDINGS)
