"""Write prediction files for the external evaluation kit (../shared/eval) by importing the offline engine.

    .venv-eval/bin/python ../shared/eval/tools/evaluate.py inputs davidson > /tmp/in.jsonl
    .venv/bin/python bench/eval_tone.py tone /tmp/in.jsonl /tmp/preds.jsonl
    .venv-eval/bin/python ../shared/eval/tools/evaluate.py inputs paradetox-dev > /tmp/in.jsonl
    .venv/bin/python bench/eval_tone.py rewrite /tmp/in.jsonl /tmp/preds.jsonl [--style calm]

tone: {"i", "score"} with score = tension (higher = more tense); rewrite: {"i", "text"}.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tone import MAX_CHARS, ToneEngine, load_lexicon  # noqa: E402


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in ("tone", "rewrite"):
        raise SystemExit(__doc__)
    task, src, dst = argv[0], pathlib.Path(argv[1]), pathlib.Path(argv[2])
    style = argv[argv.index("--style") + 1] if "--style" in argv else "calm"
    engine = ToneEngine(load_lexicon(ROOT / "playbooks" / "lexicon"))
    with src.open(encoding="utf-8") as inp, dst.open("w", encoding="utf-8") as out:
        for line in inp:
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"][:MAX_CHARS]
            if task == "tone":
                pred: dict[str, object] = {"i": row["i"], "score": engine.analyse(text).tension}
            else:
                pred = {"i": row["i"], "text": engine.rewrite(text, style).text}  # type: ignore[arg-type]
            out.write(json.dumps(pred, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
