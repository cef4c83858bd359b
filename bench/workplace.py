"""How the offline engine reads workplace drafts with no swearing: tense ones found, calm ones left alone.

    .venv/bin/python bench/workplace.py [--show] [FILE.tsv ...]

The drafts in bench/workplace/ were written for this project in batches, each run once before it was used
for fixes (the header of each file says which were held out). Per batch: tense drafts read tense (level not
calm), calm drafts read tense (false alarms), and of the tense drafts found, how many got a rewrite in the
calm style. `--show` prints each draft with its level and calm rewrite; files named on the command line are
read instead of the batches. Ends with a JSON line.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tone import ToneEngine, load_lexicon  # noqa: E402

# The batches used for fixes and for training the wording model; the others are held out (counted only)
DEVELOPMENT = (1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 15, 17, 23, 24)
HELD_OUT = (7, 8, 11, 14, 16, 18, 19, 20, 21, 22, 25)


def drafts(path: pathlib.Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def main(argv: list[str]) -> None:
    engine = ToneEngine(load_lexicon(ROOT / "playbooks" / "lexicon"))
    results: dict[str, dict[str, int]] = {}
    print(f"{'batch':<8}{'tense found':>14}{'calm flagged':>15}{'found, rewritten':>19}")
    named = [pathlib.Path(arg) for arg in argv if not arg.startswith("--")]
    for path in named or sorted((ROOT / "bench" / "workplace").glob("batch*.tsv")):
        tense = calm = found = flagged = rewritten = 0
        for label, text in drafts(path):
            report = engine.analyse(text)
            result = engine.rewrite(text) if report.level != "calm" else None
            if "--show" in argv:
                shown = result.text if result is not None and not result.unchanged else "(unchanged)"
                print(f"  {label:<6}{report.level:<7}{text}\n{'':13}-> {shown}")
            if label == "tense":
                tense += 1
                found += report.level != "calm"
                rewritten += result is not None and not result.unchanged
            else:
                calm += 1
                flagged += report.level != "calm"
        results[path.stem] = {"tense": tense, "found": found, "rewritten": rewritten, "calm": calm,
                              "flagged": flagged}
        print(f"{path.stem:<8}{found:>8} of {tense:<3}{flagged:>9} of {calm:<3}{rewritten:>12} of {found:<3}")
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
