"""Screening questions and exam findings: keys, types, options and plain-language labels."""

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
        "options": _options((True, "Yes"), (False, "No")),
    }


REGION_OPTIONS = _options(
    ("anterior_knee", "Front of the knee, around or behind the kneecap"),
    ("lateral_knee", "Outside of the knee"),
    ("medial_knee", "Inside of the knee"),
    ("posterior_knee", "Back of the knee"),
    ("medial_shin", "Inside edge of the shin bone"),
    ("anterior_shin", "Front of the shin bone"),
    ("calf", "Calf muscle"),
    ("achilles", "Achilles tendon, above the heel"),
    ("posterior_heel", "Back of the heel, where the tendon attaches"),
    ("plantar_heel", "Underside of the heel"),
    ("arch", "Arch of the foot"),
    ("dorsal_midfoot", "Top of the midfoot"),
    ("outer_midfoot", "Outside edge of the foot, halfway along"),
    ("forefoot", "Front of the foot or toes"),
    ("under_big_toe", "Ball of the foot, under the big toe joint"),
    ("medial_ankle", "Inside of the ankle, on the bony bump"),
    ("ankle_joint", "Deep in the ankle joint, or at the front of the ankle"),
    ("groin_hip", "Groin or front of the hip"),
    ("pubic_bone", "Pubic bone, low at the front between the legs"),
    ("buttock_sacrum", "Buttock or the flat bone at the base of the spine"),
    ("lateral_hip", "Outside of the hip"),
    ("thigh", "Thigh"),
    ("lower_back", "Lower back"),
    ("other", "Somewhere else"),
)

TIMING_OPTIONS = _options(
    ("first_steps_morning", "First steps in the morning, or after sitting"),
    ("morning_stiffness", "Stiff in the morning"),
    ("start_of_run_eases", "At the start of a run, then it eases as I warm up"),
    ("builds_at_predictable_distance", "Comes on at about the same distance each run and builds"),
    ("during_whole_run", "During the whole run"),
    ("after_running", "After running"),
    ("next_morning", "The morning after a run"),
    ("with_walking", "When walking"),
    ("at_rest", "At rest, when not moving"),
    ("at_night", "At night"),
)

AGGRAVATOR_OPTIONS = _options(
    ("squatting", "Squatting"),
    ("stairs_down", "Going down stairs"),
    ("stairs_up", "Going up stairs"),
    ("prolonged_sitting", "Sitting for a long time with bent knees"),
    ("downhill", "Running downhill"),
    ("uphill", "Running uphill"),
    ("hopping", "Hopping or jumping"),
    ("prolonged_standing", "Standing for a long time"),
    ("heel_raise", "Rising up on my toes"),
    ("speed_work", "Fast running or intervals"),
    ("barefoot", "Walking barefoot"),
)

QUESTIONS = (
    {
        "key": "regions",
        "type": "multi_choice",
        "required": True,
        "min_items": 1,
        "label": "Where does it hurt?",
        "help": "Choose every area that hurts.",
        "options": REGION_OPTIONS,
    },
    {
        "key": "side",
        "type": "choice",
        "required": True,
        "label": "Which side?",
        "help": "",
        "options": _options(("left", "Left"), ("right", "Right"), ("both", "Both sides")),
    },
    {
        "key": "onset",
        "type": "choice",
        "required": True,
        "label": "How did it start?",
        "help": "",
        "options": _options(
            ("gradual", "Gradually, over days or weeks"),
            ("sudden", "Suddenly, during a run or activity"),
            ("trauma", "With a fall, twist, knock or other injury"),
        ),
    },
    _yes_no("onset_pop", "Did you feel or hear a pop when it started?"),
    _yes_no(
        "weak_push_off",
        (
            "Since it started, is pushing off or rising onto your toes on that leg alone weak or "
            "impossible?"
        ),
    ),
    {
        "key": "duration_weeks",
        "type": "number",
        "required": False,
        "min": 0,
        "label": "How many weeks ago did it start?",
        "help": "An estimate is fine.",
        "options": (),
    },
    {
        "key": "pain_now",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": "How bad is the pain right now?",
        "help": "0 is no pain, 10 is the worst pain imaginable.",
        "options": (),
    },
    {
        "key": "pain_worst_24h",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": "How bad was the pain at its worst in the last 24 hours?",
        "help": "0 is no pain, 10 is the worst pain imaginable.",
        "options": (),
    },
    {
        "key": "pain_running",
        "type": "integer",
        "required": True,
        "min": 0,
        "max": 10,
        "label": "How bad was the pain during or after your last run?",
        "help": "0 is no pain, 10 is the worst pain imaginable.",
        "options": (),
    },
    {
        "key": "timing",
        "type": "multi_choice",
        "required": False,
        "label": "When does it hurt?",
        "help": "Choose all that apply, or none.",
        "options": TIMING_OPTIONS,
    },
    {
        "key": "aggravators",
        "type": "multi_choice",
        "required": False,
        "label": "What makes it worse?",
        "help": "Choose all that apply, or none.",
        "options": AGGRAVATOR_OPTIONS,
    },
    {
        "key": "focal_bone_tenderness",
        "type": "choice",
        "required": False,
        "label": "Can you point to one spot on the bone that hurts when you press it?",
        "help": "Press gently with one finger. Do not hop to test it.",
        # "unsure" is an answer, but it tells the engine nothing either way.
        "options": (
            {"value": "yes", "label": "Yes"},
            {"value": "no", "label": "No"},
            {"value": "unsure", "label": "Not sure", "unknown": True},
        ),
    },
    {
        "key": "swelling",
        "type": "choice",
        "required": False,
        "label": "Is there any swelling?",
        "help": "",
        "options": _options(
            ("none", "No swelling"),
            ("local", "Swelling in one spot"),
            ("joint", "The whole joint is swollen"),
        ),
    },
    _yes_no("locking_or_giving_way", "Does the knee lock, catch or give way under you?"),
    _yes_no("tendon_thickening", "Is the tendon thicker or lumpier than on the other side?"),
    _yes_no(
        "exertional_burning_tightness",
        "During runs, do you get burning, tightness or numbness that stops soon after you stop?",
    ),
    _yes_no("numbness_tingling", "Do you have numbness, tingling or pins and needles?"),
    _yes_no("calf_swelling_warmth", "Is your calf swollen, warm or red?"),
    _yes_no("fever_or_unwell", "Do you have a fever or feel generally unwell?"),
    _yes_no("unexplained_weight_loss", "Have you lost weight without trying?"),
    _yes_no("history_of_cancer", "Have you ever had cancer?"),
    _yes_no("unable_to_bear_weight", "Are you unable to put weight on the leg?"),
    _yes_no("limp", "Are you limping?"),
    _yes_no(
        "recent_load_increase",
        "Did you recently increase how far, how often or how fast you run?",
    ),
    _yes_no("new_shoes_or_surface", "Did you recently change shoes or running surface?"),
    _yes_no("previous_bone_stress_injury", "Have you had a stress fracture before?"),
    _yes_no(
        "recent_fluoroquinolone",
        "Have you taken a quinolone antibiotic (such as ciprofloxacin) in the last few months?",
    ),
    _yes_no(
        "missed_periods_3_months",
        "Have you missed your period for 3 months or more?",
        "Only if you have periods. Hormonal contraception can hide missed periods.",
    ),
    _yes_no(
        "periods_never_started_by_15",
        "Had your periods still not started by the age of 15?",
        "Only if you were born female and are 15 or older.",
    ),
    {
        "key": "bone_stress_injuries_2y",
        "type": "integer",
        "required": False,
        "min": 0,
        "max": None,
        "label": (
            "How many stress fractures or stress reactions have you had in the last two years?"
        ),
        "help": "Count each one a doctor told you about. 0 if none.",
        "options": (),
    },
    _yes_no(
        "bone_stress_injury_hip_pelvis_2y",
        (
            "Was any stress fracture or stress reaction in the last two years in the hip, the "
            "pelvis or the bone at the base of the spine?"
        ),
        "Only if you have had one in the last two years.",
    ),
    _yes_no(
        "low_libido_or_morning_erections",
        "For men: have you had less interest in sex, or fewer morning erections, than usual?",
        "Only if it applies to you. It can be a sign that your body is short of energy for "
        "training.",
    ),
    _yes_no(
        "restrictive_eating_or_weight_loss",
        "Do you restrict what you eat, worry about gaining weight, or have you lost weight lately?",
    ),
    # Extra questions beyond the minimum set in DESIGN.md, for red flags of clinical.md §2.1 and §3.
    {
        "key": "age_years",
        "type": "integer",
        "required": False,
        "min": 0,
        "max": 120,
        "label": "How old are you?",
        "help": "",
        "options": (),
    },
    _yes_no(
        "inflammatory_features",
        "Do you have psoriasis, inflammatory bowel disease, uveitis, or back pain with long "
        "morning stiffness?",
    ),
    _yes_no(
        "foot_cold_pale_or_weak",
        "Has the foot turned cold or pale, or does it slap or drag because it is weak?",
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
