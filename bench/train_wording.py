"""Train the wording model (bot/tone/wording.py) and write playbooks/lexicon/wording.json.

    .venv/bin/pip install scikit-learn && .venv/bin/python bench/train_wording.py   # sklearn: bench only

Training text, all written for this project (never ../shared/eval, which stays for checking):
- the development workplace batches (bench/workplace/batch*.tsv, not the held-out ones): tense or calm;
- the development request sets (bench/requests/*_dev.tsv): impolite community requests and level 1-2 emails
  as tense, polite ones and level 4-5 emails as calm (level 3 left out);
- bench/wording/calm_*.txt and tense_*.txt: one message per line, in other registers (personal, online,
  service), so the model learns tension rather than what a workplace draft looks like.
- the offline rewriter's calm rewrites of those tense texts that the phrase rules could rewrite (the rules
  alone, no model), as calm: a rewrite keeps what the message is about, so the model learns that the topic
  is not the tension ("I need you to fix the build by Friday" beside "You need to fix the build by Friday").
  (So a change to the rules or the rewriter changes this training text: retrain, and commit the file with
  the change. The training is deterministic: the same inputs write the same file. That needs one BLAS
  thread, set below: with two, the order of a sum could change from run to run, and with it the last digit
  of a check row's probability.)
Each text is masked as the analyser masks it. Features are `features()` from the runtime module itself, so
training and inference cannot tokenise differently. The file keeps every weight unrounded, and check rows
whose probabilities come from scikit-learn: loading recomputes them (bot/tone/wording.py).
Prints the counts per source and the training fit; the held-out figures come from bench/workplace.py,
bench/requests.py and the eval sets, as for every other change to the analyser.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import sys

for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # before numpy loads its BLAS (see the docstring)

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from requests import rows  # noqa: E402
from workplace import DEVELOPMENT, drafts  # noqa: E402

from bot.tone import ToneEngine, load_lexicon  # noqa: E402
from bot.tone.analyse import masked_for_analysis  # noqa: E402
from bot.tone.wording import features  # noqa: E402

C = 1.0  # inverse regularisation strength
THRESHOLD = 0.93  # the probability from which the analyser raises a signal
OUT = ROOT / "playbooks" / "lexicon" / "wording.json"


def request_rows() -> tuple[list[str], list[bool]]:
    """The development request sets as labelled rows (see the module docstring)."""
    texts, labels = [], []
    for path in sorted((ROOT / "bench" / "requests").glob("*_dev.tsv")):
        for row in rows(path):
            if path.name.startswith("emails"):
                if row[1] == "3":
                    continue
                labels.append(row[1] in ("1", "2"))
            else:
                labels.append(row[0] == "impolite")
            texts.append(row[-1])
    return texts, labels


def sources() -> dict[str, tuple[list[str], list[bool]]]:
    found: dict[str, tuple[list[str], list[bool]]] = {}
    for n in DEVELOPMENT:
        labelled = drafts(ROOT / "bench" / "workplace" / f"batch{n}.tsv")
        found[f"workplace batch {n}"] = ([t for _, t in labelled], [mark == "tense" for mark, _ in labelled])
    found["requests (dev)"] = request_rows()
    for path in sorted((ROOT / "bench" / "wording").glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        found[path.name] = (lines, [path.name.startswith("tense")] * len(lines))
    rules = ToneEngine(dataclasses.replace(load_lexicon(ROOT / "playbooks" / "lexicon"), wording=None))
    tense = [text for texts, marks in found.values() for text, mark in zip(texts, marks, strict=True) if mark]
    rewrites = [result.text for result in map(rules.rewrite, tense) if not result.unchanged]
    found["rewrites of the tense"] = (rewrites, [False] * len(rewrites))
    return found


def main() -> None:
    texts: list[str] = []
    labels: list[bool] = []
    for name, (some, marks) in sources().items():
        print(f"{name:<24} {sum(marks):>5} tense {len(marks) - sum(marks):>5} calm")
        texts += [masked_for_analysis(t) for t in some]
        labels += marks
    vectorizer = CountVectorizer(analyzer=features, binary=True, min_df=2)
    x = vectorizer.fit_transform(texts)
    y = np.array(labels)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    sure = p >= THRESHOLD
    print(f"{len(texts)} texts, {x.shape[1]} features; training fit: tense found "
          f"{(sure & y).sum()}/{y.sum()}, calm flagged {(sure & ~y).sum()}/{(~y).sum()}")
    picked = sorted(np.random.default_rng(0).choice(len(texts), 12, replace=False))
    checks = [{"text": texts[i], "probability": float(p[i])} for i in picked]
    weights = dict(zip(vectorizer.get_feature_names_out().tolist(), model.coef_[0].tolist(), strict=True))
    OUT.write_text(json.dumps({
        "about": f"Logistic regression on words and word pairs (bench/train_wording.py, C={C}, min_df=2, "
                 f"balanced classes), trained on {len(texts)} texts written for this project.",
        "intercept": float(model.intercept_[0]), "threshold": THRESHOLD,
        "weights": dict(sorted(weights.items())), "checks": checks}, ensure_ascii=False, indent=0) + "\n",
        encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
