"""Would a model trained on the workplace drafts find what the lexicon misses? A probe, not shipped.

    .venv/bin/pip install scikit-learn && .venv/bin/python bench/workplace_probe.py   # sklearn: bench only
        [--train 1,2,...] [--test 7,8,...] [--clean-negatives N]

Trains a logistic regression on word 1-2 grams of the development batches (default: every batch written for
fixes) and scores it on the held-out ones (default: HELD_OUT, all of them), alone and together with the
offline analyser (tense if either says so); then counts how many of the 6,648 clean and 6,648 toxic detox dev
sentences it flags, to see whether it learned tension or only what our drafts look like, and how it ranks
the request sets of bench/requests.py (a different kind of text). With
--clean-negatives N, the first N clean detox sentences join the training set as calm (the rest are counted).
Prints one line per setting; no draft text.
"""

from __future__ import annotations

import dataclasses
import pathlib
import sys

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = pathlib.Path(__file__).resolve().parents[1]
DETOX = ROOT.parent / "shared" / "eval" / "data" / "detox_emnlp2021"
sys.path.insert(0, str(ROOT))

from requests import rows  # noqa: E402
from workplace import DEVELOPMENT, HELD_OUT, drafts  # noqa: E402

from bot.tone import ToneEngine, load_lexicon  # noqa: E402


def batches(numbers: range | tuple[int, ...]) -> tuple[list[str], np.ndarray]:
    rows = [row for n in numbers for row in drafts(ROOT / "bench" / "workplace" / f"batch{n}.tsv")]
    return [text for _, text in rows], np.array([label == "tense" for label, _ in rows])


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> None:
    # the phrase rules alone: the shipped wording model (bench/train_wording.py) grew out of this probe
    engine = ToneEngine(dataclasses.replace(load_lexicon(ROOT / "playbooks" / "lexicon"), wording=None))
    numbers = [int(n) for n in _option(argv, "--train", ",".join(map(str, DEVELOPMENT))).split(",")]
    train, y_train = batches(tuple(numbers))
    held_out = _option(argv, "--test", ",".join(map(str, HELD_OUT)))
    test, y_test = batches(tuple(int(n) for n in held_out.split(",")))
    lexicon = np.array([engine.analyse(t).level != "calm" for t in test])
    clean = (DETOX / "dev_normal.txt").read_text(encoding="utf-8").splitlines()
    toxic = (DETOX / "dev_toxic.txt").read_text(encoding="utf-8").splitlines()
    negatives = int(_option(argv, "--clean-negatives", "0"))
    if negatives:
        train, y_train = train + clean[:negatives], np.concatenate([y_train, np.zeros(negatives, bool)])
        clean = clean[negatives:]
    tense, calm = y_test.sum(), (~y_test).sum()
    print(f"lexicon alone: held-out tense found {(lexicon & y_test).sum()}/{tense}, "
          f"calm flagged {(lexicon & ~y_test).sum()}/{calm}")
    words = CountVectorizer(ngram_range=(1, 2), binary=True, min_df=2)
    x_train = words.fit_transform(train)
    for c in (0.5, 2.0):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x_train, y_train)
        p = model.predict_proba(words.transform(test))[:, 1]
        p_clean = model.predict_proba(words.transform(clean))[:, 1]
        p_toxic = model.predict_proba(words.transform(toxic))[:, 1]
        for cut in (0.7, 0.8):
            both = (p >= cut) | lexicon
            print(f"C={c} p>={cut}: held-out AUC {roc_auc_score(y_test, p):.3f}; model found "
                  f"{((p >= cut) & y_test).sum()}/{tense}, flagged {((p >= cut) & ~y_test).sum()}/{calm}; "
                  f"with the lexicon {(both & y_test).sum()}/{tense}, {(both & ~y_test).sum()}/{calm}; "
                  f"detox clean flagged {(p_clean >= cut).sum()}/{len(clean)}, "
                  f"toxic {(p_toxic >= cut).sum()}/{len(toxic)}")
        _requests(engine, model, words, c)


def _requests(engine: ToneEngine, model: LogisticRegression, words: CountVectorizer, c: float) -> None:
    """AUC on the request sets (bench/requests/): impolite vs polite, and level 1 vs level 5 emails, for the
    model, the analyser's tension, and their sum (tension + 0.3 x the model's probability)."""
    for path in sorted((ROOT / "bench" / "requests").glob("*.tsv")):
        found = rows(path)
        if path.name.startswith("emails"):
            found = [row for row in found if row[1] in ("1", "5")]
            labels = [row[1] == "1" for row in found]
        else:
            labels = [row[0] == "impolite" for row in found]
        texts = [row[-1] for row in found]
        p = model.predict_proba(words.transform(texts))[:, 1]
        tension = np.array([engine.analyse(t).tension for t in texts])
        print(f"C={c} {path.stem}: AUC model {roc_auc_score(labels, p):.3f}, analyser "
              f"{roc_auc_score(labels, tension):.3f}, both {roc_auc_score(labels, tension + 0.3 * p):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
