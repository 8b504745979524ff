"""The manager's clinical reports: outcome change per condition and measure, and how often the
screening engine's top condition matched the therapist's final working diagnosis.

Selectors only (rows for a ``ReportQuery``). A location filter means patients whose home
location it is.
"""

from collections import Counter, defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, FloatField, Func, Max, Min

from assessments.models import Evaluation, EvaluationStatus, OutcomeResult, Screening
from assessments.proms import INSTRUMENTS, describe_change
from dangpt.conditions import CONDITION_CODES, Diagnosis
from dangpt.reports import INT, NUMBER, PERCENT, Column, ReportQuery, median_of, percent

NO_CONDITION = "Not linked to a condition"
DIAGNOSIS_NAMES = dict(Diagnosis.choices)


def measure_name(code: str) -> str:
    """The measure's name as a therapist knows it ("... (FAAM ADL)"), never its code."""
    instrument = INSTRUMENTS.get(code)
    return instrument.name if instrument else code.replace("_", " ").upper()


# --- Outcomes ---------------------------------------------------------------------------------
OUTCOME_COLUMNS = [
    Column("condition", "Condition"),
    Column("measure", "Measure"),
    Column("patients", "Patients with a baseline and a later score", INT),
    Column("reached_mcid", "Reached the MCID", INT),
    Column("mcid_rate", "Share reaching the MCID", PERCENT),
    Column("median_change", "Median improvement (points)", NUMBER),
]


def _first(array) -> Func:
    """The first element of an ordered ARRAY_AGG: one number per row, not the whole array."""
    return Func(array, template="(%(expressions)s)[1]", output_field=FloatField())


def _improvement(code: str, baseline: float, latest: float) -> float:
    change = latest - baseline
    return -change if INSTRUMENTS[code].direction == "lower_better" else change


def outcome_rows(query: ReportQuery) -> list[dict]:
    """Per condition and measure: patients whose latest score in the period follows an earlier
    baseline; how many improved by at least the MCID (``describe_change`` says "improved"), and
    the median improvement in points (positive is better, whichever way the measure runs)."""
    results = OutcomeResult.objects.filter(
        complete=True,
        score__isnull=False,
        taken_at__lt=query.end,
        instrument__in=list(INSTRUMENTS),
    ).order_by()
    if query.location_id:
        results = results.filter(patient__preferred_location_id=query.location_id)
    # Only the patients scored in the period: their whole series, not the clinic's history.
    scored = results.filter(taken_at__gte=query.start).values("patient_id")
    series = (
        results.filter(patient_id__in=scored)
        .values("patient_id", "schedule__condition", "instrument")
        .annotate(
            baseline=_first(ArrayAgg("score", order_by=("taken_at", "id"))),
            latest=_first(ArrayAgg("score", order_by=("-taken_at", "-id"))),
            n=Count("pk"),
            latest_at=Max("taken_at"),
            # Weeks between the first and the last score, worked out in SQL: fetching two
            # datetimes a row costs more than the query at a year of a large clinic.
            weeks=Func(
                Max("taken_at") - Min("taken_at"),
                template="EXTRACT(EPOCH FROM %(expressions)s) / 604800.0",
                output_field=FloatField(),
            ),
        )
        .filter(n__gte=2, latest_at__gte=query.start)
        .values_list("instrument", "schedule__condition", "baseline", "latest", "weeks")
    )
    groups: dict[tuple, list[tuple[float, bool]]] = defaultdict(list)
    for code, condition, baseline, latest, weeks in series:
        reached = describe_change(code, baseline, latest, weeks=weeks).code == "improved"
        groups[(condition, code)].append((_improvement(code, baseline, latest), reached))
    rows = []
    for (condition, code), changes in groups.items():
        reached = sum(1 for _, ok in changes if ok)
        rows.append(
            {
                "condition": DIAGNOSIS_NAMES.get(condition, NO_CONDITION),
                "measure": measure_name(code),
                "patients": len(changes),
                "reached_mcid": reached,
                "mcid_rate": percent(reached, len(changes)),
                "median_change": median_of([change for change, _ in changes]),
            }
        )
    return sorted(rows, key=lambda r: (r["condition"], r["measure"]))


def outcome_chart(rows: list[dict]) -> dict:
    return {
        "type": "bar",
        "labels": [f"{r['condition']}: {r['measure']}" for r in rows],
        "unit": "%",
        "datasets": [{"label": "Share reaching the MCID", "data": [r["mcid_rate"] for r in rows]}],
    }


# --- Screening agreement ----------------------------------------------------------------------
AGREEMENT_COLUMNS = [
    Column("ruleset", "Ruleset version"),
    Column("engine", "Engine's top condition"),
    Column("compared", "Screenings compared", INT),
    Column("agreed", "Final diagnosis agreed", INT),
    Column("agreement", "Agreement", PERCENT),
    Column("diagnoses", "Final working diagnoses"),
]


ENGINE_TOP = "screening__result__conditions__0__code"


def signed_evaluations(query: ReportQuery | None = None):
    """Signed evaluations that follow a screening and name a working diagnosis, signed in the
    period (and of patients at the location) when a query is given."""
    evaluations = Evaluation.objects.filter(
        status=EvaluationStatus.SIGNED, screening__isnull=False
    ).exclude(working_diagnosis="")
    if query is not None:
        evaluations = evaluations.filter(signed_at__gte=query.start, signed_at__lt=query.end)
        if query.location_id:
            evaluations = evaluations.filter(patient__preferred_location_id=query.location_id)
    return evaluations.order_by()


def reviewed_diagnosis_pairs() -> list[tuple[str, str]]:
    """(engine's top condition, final diagnosis recorded on the reviewed screening)."""
    return list(
        Screening.objects.exclude(final_diagnosis="")
        .order_by()
        .values_list("result__conditions__0__code", "final_diagnosis")
    )


def agreement_rows(query: ReportQuery) -> list[dict]:
    """Per ruleset version and engine top condition: screenings compared with the final working
    diagnosis of the signed evaluation, how many agreed, and what the therapists found."""
    grouped = (
        signed_evaluations(query)
        .values("screening__ruleset_version", ENGINE_TOP, "working_diagnosis")
        .annotate(n=Count("pk"))
        .values_list("screening__ruleset_version", ENGINE_TOP, "working_diagnosis", "n")
    )
    by_engine: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for version, engine, final, n in grouped:
        by_engine[(version, engine)][final] += n
    rows = []
    order = {code: i for i, code in enumerate(CONDITION_CODES)}
    for (version, engine), finals in sorted(
        by_engine.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
    ):
        compared = sum(finals.values())
        rows.append(
            {
                "ruleset": version,
                "engine": DIAGNOSIS_NAMES.get(engine, engine),
                "compared": compared,
                "agreed": finals[engine],
                "agreement": percent(finals[engine], compared),
                "diagnoses": "; ".join(
                    f"{DIAGNOSIS_NAMES.get(code, code)}: {n}" for code, n in finals.most_common()
                ),
            }
        )
    return rows


def agreement_chart(rows: list[dict]) -> dict:
    """Agreement per ruleset version (all conditions together)."""
    versions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        versions[row["ruleset"]][0] += row["agreed"]
        versions[row["ruleset"]][1] += row["compared"]
    labels = sorted(versions)
    return {
        "type": "bar",
        "labels": labels,
        "unit": "%",
        "datasets": [
            {"label": "Agreement", "data": [percent(*versions[v]) for v in labels]},
        ],
    }
