"""Benchmark the offline tone engine against VADER on the same messages, in the same run.

    .venv/bin/pip install vaderSentiment      # bench-only; never imported from bot/
    .venv/bin/python bench/engine.py [--quick]

Prints a table, then one JSON line with every figure. The timing starts after `settle_heap()`, as in the
server: what start-up loaded (the compiled lexicon, VADER's) is exempt from garbage collection, whose full
passes over it would otherwise land in the p99.
"""

from __future__ import annotations

import json
import pathlib
import random
import sys
import time
from collections.abc import Callable

ROUNDS = 5  # turns each system gets per size in `rate`

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.server import settle_heap  # noqa: E402
from bot.tone import ToneEngine, load_lexicon  # noqa: E402

PHRASES = [
    "Per my last email, the numbers for Q3 are final", "you always change the plan at the last minute",
    "could you take a look at PROJ-421 when you have a moment", "this is a ridiculous way to run a project",
    "thanks for the quick turnaround on the review", "WHY IS THIS STILL NOT MERGED", "fix it by 5pm or else",
    "I think we should move the release to Friday", "calm down, it's just a small delay",
    "the dashboard at https://example.com/d/42 shows the error rate", "@dana can you join the 3pm call",
    "honestly not sure why this is so hard!!!", "great work on the migration, it went smoothly",
    "we need the $1,200 invoice approved before the end of the month", "you're overreacting about the budget",
    "let's kill the process and restart the worker", "the tests in `test_api.py` fail on main",
]


def message(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        out.extend(rng.choice(PHRASES).split())
        out[-1] += rng.choice([".", ".", "?", "!", ","])
    return " ".join(out[:words])


def rate(systems: dict[str, Callable[[str], object]], msgs: list[str], seconds: float) -> dict[str, float]:
    """Messages per second for each system, on the same messages (each runs for `seconds` in all).

    The systems take turns, round after round, so a burst of load on a shared machine hits all of them
    alike; each system's figure is its best round (the least disturbed one), after one warm-up pass.
    """
    for fn in systems.values():
        for m in msgs:
            fn(m)
    best = dict.fromkeys(systems, 0.0)
    for _ in range(ROUNDS):
        for name, fn in systems.items():
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds / ROUNDS:
                for m in msgs:
                    fn(m)
                n += len(msgs)
            best[name] = max(best[name], n / (time.perf_counter() - t0))
    return best


def min_time(fn: Callable[[str], object], text: str, repeat: int) -> float:
    """The least time of `repeat` calls: the cost of the code itself, without other processes' noise."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def growth(fn: Callable[[str], object], bases: list[str], repeat: int) -> float:
    """t(10x length) / t(1x): summed least times over several messages, 1x and 10x measured in turn."""
    short = long = 0.0
    for base in bases:
        tenfold = " ".join([base] * 10)
        fn(base), fn(tenfold)  # warm-up
        for _ in range(3):
            short += min_time(fn, base, repeat * 10)
            long += min_time(fn, tenfold, repeat)
    return long / short


def per_call(fn: Callable[[str], object], text: str, repeat: int) -> list[float]:
    fn(text)  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str]) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    quick = "--quick" in argv
    seconds = 0.3 if quick else 1.0
    rng = random.Random(7)
    engine = ToneEngine(load_lexicon(ROOT / "playbooks" / "lexicon"))
    vader = SentimentIntensityAnalyzer()
    settle_heap()  # as `deescalate serve` does once it has loaded: the collector then skips the lexicon

    def both(text: str) -> object:
        engine.analyse(text)
        return engine.rewrite(text)

    systems: dict[str, Callable[[str], object]] = {
        "analyse": engine.analyse, "analyse+rewrite": both, "vader": vader.polarity_scores}
    results: dict[str, dict[str, float]] = {}
    print(f"{'size':<8}{'words':>6}  " + "".join(f"{k:>17}" for k in systems) + f"{'analyse/vader':>15}"
          f"{'a+r/vader':>11}")
    for name, words in (("short", 15), ("medium", 60), ("long", 300)):
        msgs = [message(rng, words) for _ in range(200 if words < 300 else 50)]
        row = rate(systems, msgs, 3 * seconds)
        row["analyse_vs_vader"] = row["analyse"] / row["vader"]
        row["both_vs_vader"] = row["analyse+rewrite"] / row["vader"]
        results[name] = row
        print(f"{name:<8}{words:>6}  " + "".join(f"{row[k]:>13,.0f}/s  " for k in systems)
              + f"{row['analyse_vs_vader']:>13.2f}x{row['both_vs_vader']:>10.2f}x")

    bases = [message(rng, 60) for _ in range(5 if quick else 10)]
    ratio = growth(engine.analyse, bases, 5 if quick else 10)
    vader_ratio = growth(vader.polarity_scores, bases[:3], 3)
    text2k = message(rng, 400)[:2000]
    p99, p50 = {}, {}
    for key, fn in (("analyse", engine.analyse), ("rewrite", engine.rewrite), ("analyse+rewrite", both)):
        times = sorted(per_call(fn, text2k, 300 if quick else 1000))
        p99[key] = times[int(len(times) * 0.99) - 1] * 1000
        p50[key] = times[len(times) // 2] * 1000
    print(f"\nt(10x)/t(1x) for analyse: {ratio:.2f}   (vader: {vader_ratio:.2f})")
    print("p99 on a 2,000-char message: " + ", ".join(f"{k} {v:.2f} ms" for k, v in p99.items()))
    print("p50 on a 2,000-char message: " + ", ".join(f"{k} {v:.2f} ms" for k, v in p50.items()))
    summary = {
        "msgs_per_s": {k: {s: round(v) for s, v in r.items() if "vs" not in s} for k, r in results.items()},
        "analyse_vs_vader": {k: round(r["analyse_vs_vader"], 2) for k, r in results.items()},
        "analyse_rewrite_vs_vader": {k: round(r["both_vs_vader"], 2) for k, r in results.items()},
        "ratio_10x_length": round(ratio, 2), "vader_ratio_10x_length": round(vader_ratio, 2),
        "p99_ms_2000_chars": {k: round(v, 3) for k, v in p99.items()},
        "p50_ms_2000_chars": {k: round(v, 3) for k, v in p50.items()},
        "chars_2000": len(text2k),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
