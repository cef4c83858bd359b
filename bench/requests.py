"""How the analyser ranks requests by politeness: blunt above courteous, on text nobody here tuned to.

    .venv/bin/python bench/requests.py [--show] [FILE.tsv ...]

bench/requests/ holds requests written for this project by helpers who saw no other data (each file's
header says whether it is a development set or held out; held-out files are only counted):
- community_*.tsv: `label<TAB>text`, impolite or polite requests between members of online communities.
  Scored as the ROC AUC of tension, impolite against polite (0.5: no better than chance).
- emails_*.tsv: `topic<TAB>level<TAB>text`, one workplace request per topic written at five levels, 1 the
  most blunt and 5 the most polite. Scored as the AUC of level 1 against level 5, Spearman's rho between
  tension and level (negative: blunter reads tenser), and how many of each level read tense.
`--show` prints each development request with its tension. Ends with a JSON line.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tone import ToneEngine, load_lexicon  # noqa: E402


def rows(path: pathlib.Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def held_out(path: pathlib.Path) -> bool:
    return "HELD OUT" in path.read_text(encoding="utf-8").splitlines()[0]


def auc(scores: list[float], labels: list[int]) -> float:
    """The chance that a positive scores above a negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    var = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return cov / var if var else 0.0


def main(argv: list[str]) -> None:
    engine = ToneEngine(load_lexicon(ROOT / "playbooks" / "lexicon"))
    show = "--show" in argv
    named = [pathlib.Path(arg) for arg in argv if not arg.startswith("--")]
    results: dict[str, dict[str, object]] = {}
    for path in named or sorted((ROOT / "bench" / "requests").glob("*.tsv")):
        data = rows(path)
        reports = [engine.analyse(row[-1]) for row in data]
        tension = [r.tension for r in reports]
        if len(data[0]) == 2:  # label, text
            labels = [int(row[0] == "impolite") for row in data]
            figures: dict[str, object] = {
                "n": len(data),
                "auc_impolite_vs_polite": round(auc(tension, labels), 3),
                "impolite_tense": sum(r.level != "calm" for r, y in zip(reports, labels, strict=True) if y),
                "polite_tense": sum(r.level != "calm" for r, y in zip(reports, labels, strict=True) if not y),
            }
        else:  # topic, level, text
            levels = [int(row[1]) for row in data]
            ends = [k for k, lv in enumerate(levels) if lv in (1, 5)]
            blunt = [int(levels[k] == 1) for k in ends]
            figures = {
                "n": len(data),
                "auc_level1_vs_level5": round(auc([tension[k] for k in ends], blunt), 3),
                "spearman_tension_level": round(spearman(tension, [float(lv) for lv in levels]), 3),
                "tense_by_level": [
                    sum(r.level != "calm" for r, lv in zip(reports, levels, strict=True) if lv == level)
                    for level in range(1, 6)
                ],
            }
        results[path.stem] = figures
        print(f"{path.stem:<22} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
        if show and not held_out(path):
            for row, report in zip(data, reports, strict=True):
                kinds = ",".join(s.kind for s in report.signals)
                print(f"  {report.tension:.3f} {'/'.join(row[:-1]):<10} {kinds:<28} {row[-1]}")
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
