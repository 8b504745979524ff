"""Benchmark: screen N random valid answer sets in-process and print the rate as JSON."""

import argparse
import json
import random
import time

from .engine import screen
from .questions import EXAM_KEYS, QUESTIONS


def random_answers(rng, optional_rate=0.7):
    """Return one random answer set that passes validation."""
    answers = {}
    for question in QUESTIONS:
        if not question["required"] and rng.random() > optional_rate:
            continue
        answers[question["key"]] = _random_value(rng, question)
    return answers


def _random_value(rng, question):
    """Return a random valid value for one question."""
    kind = question["type"]
    values = [option["value"] for option in question["options"]]
    if kind in ("boolean", "choice"):
        return rng.choice(values)
    if kind == "multi_choice":
        low = question.get("min_items", 0)
        return rng.sample(values, rng.randint(low, min(len(values), 4)))
    if kind == "integer":
        high = question["max"] if question["max"] is not None else question["min"] + 5
        return rng.randint(question["min"], high)
    if kind == "number":
        return round(rng.uniform(0, 52), 1)
    return {key: rng.random() < 0.5 for key in EXAM_KEYS if rng.random() < 0.5}


def run(count, seed=0):
    """Screen count random answer sets and return the timing summary."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    answer_sets = [random_answers(rng) for _ in range(count)]
    started = time.perf_counter()
    for answers in answer_sets:
        screen(answers)
    seconds = time.perf_counter() - started
    return {
        "answer_sets": count,
        "seconds": round(seconds, 4),
        "per_second": round(count / seconds) if seconds else None,
    }


def main(argv=None):
    """Parse --n and print the benchmark result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000, help="number of answer sets")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be 1 or more")
    print(json.dumps(run(args.n, args.seed)))


if __name__ == "__main__":
    main()
