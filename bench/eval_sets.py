"""Score the offline rewriter on every rewrite-shaped set in ../shared/eval, next to the delete floor.

Run it with the judges' venv (see ../shared/eval/README.md); it calls the project's venv to rewrite:

    .venv-eval/bin/python bench/eval_sets.py /tmp/evalsets [--style calm] [--sets paradetox-dev,appdia-dev]
        [--max-rows N]    # every k-th row of a larger set, so that at most N are scored (embedding is slow)

Sets: paradetox-dev and paradetox-train (crowd references), appdia-dev and appdia-train (one human reference),
detox-manual (the 200 sentences of Dale et al.'s human evaluation; references are the rewrites people judged
good, where there are any), detox-dev-toxic (no references) and detox-dev-normal (clean sentences: a good
rewriter leaves them alone, so "changed" there is the rate of needless edits).  Per set: STA (share the
toxicity judge calls non-toxic), SIM (MiniLM cosine to the input), chrF against the references, unchanged,
J (STA x SIM per row), mean VADER compound, for the engine and for "delete every word on a swear list".
Embeddings are cached by text hash (in the output folder, or the file $EVAL_CACHE names), so a rerun only
encodes rewrites that changed.
Prints a table and a final JSON line; no message text is printed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pathlib
import pickle
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
KIT = pathlib.Path(os.environ.get("EVAL_KIT", ROOT.parent / "shared" / "eval" / "tools"))
sys.path.insert(0, str(KIT))

import kit  # type: ignore[import-not-found]  # noqa: E402
import numpy as np  # noqa: E402

ALL = ("paradetox-dev", "paradetox-train", "appdia-dev", "appdia-train", "detox-manual",
       "detox-dev-toxic", "detox-dev-normal")


def load(name: str) -> list[dict[str, object]]:
    if name.startswith("paradetox-"):
        return kit.load_paradetox(name.split("-", 1)[1])  # type: ignore[no-any-return]
    if name.startswith("appdia-"):
        return kit.load_appdia(name.split("-", 1)[1])  # type: ignore[no-any-return]
    if name == "detox-manual":
        good: dict[str, list[str]] = {}
        for r in kit.load_detox_manual():
            refs = good.setdefault(r["original"], [])
            if r["style"] >= 0.99 and r["meaning"] >= 0.99 and r["fluency"] >= 0.99:
                refs.append(r["rewritten"].strip().strip('"').strip())
        return [dict(toxic=t, refs=refs) for t, refs in good.items()]
    if name in ("detox-dev-toxic", "detox-dev-normal"):
        label = 1 if name.endswith("toxic") else 0
        return [dict(toxic=t, refs=[]) for t, lab in kit.load_detox_toxic_vs_normal("dev") if lab == label]
    raise SystemExit(f"unknown set {name}")


class Cache:
    """MiniLM embeddings keyed by sha1 of the text."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.vec: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.model: kit.Embedder | None = None
        self.dirty = False

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vec}.items(),
                      key=lambda kv: len(kv[1]))
        if todo:
            self.model = self.model or kit.Embedder()
            for i in range(0, len(todo), 2048):
                chunk = todo[i : i + 2048]
                for (k, _), v in zip(chunk, self.model.encode([t for _, t in chunk]), strict=True):
                    self.vec[k] = v.astype(np.float32)
            self.dirty = True
        return np.stack([self.vec[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        if self.dirty:
            self.path.write_bytes(pickle.dumps(self.vec))


def score(inp: list[str], out: list[str], refs: list[list[str]], tox: kit.ToxJudge, vad: kit.Vader,
          cache: Cache) -> dict[str, float | None]:
    p = tox.prob(out)
    sta = [1.0 if x < 0.5 else 0.0 for x in p]
    sim = (cache.encode(inp) * cache.encode(out)).sum(1)
    with_refs = [i for i, r in enumerate(refs) if r]
    chrf = kit.chrf_bleu([out[i] for i in with_refs], [refs[i] for i in with_refs])[0] if with_refs else None
    return dict(STA=float(np.mean(sta)), SIM=float(np.mean(sim)), chrF=chrf,
                unchanged=float(np.mean([a.strip() == b.strip() for a, b in zip(inp, out, strict=True)])),
                J=float(np.mean(np.array(sta) * sim)), vader=float(np.mean(vad.compound(out))))


def main(argv: list[str]) -> None:
    if not argv or argv[0].startswith("-"):
        raise SystemExit(__doc__)
    out_dir = pathlib.Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    style = argv[argv.index("--style") + 1] if "--style" in argv else "calm"
    sets = argv[argv.index("--sets") + 1].split(",") if "--sets" in argv else list(ALL)
    cap = int(argv[argv.index("--max-rows") + 1]) if "--max-rows" in argv else 0
    cache = Cache(pathlib.Path(os.environ.get("EVAL_CACHE", out_dir / "embeddings.pkl")))
    tox, vad = kit.ToxJudge(), kit.Vader()
    words = kit.load_wordlist("better_profanity") | kit.load_wordlist("condbert")
    results: dict[str, dict[str, object]] = {}
    head = ("set", "n", "system", "STA", "SIM", "chrF", "unch", "J", "vader")
    print("{:18} {:>6}  {:8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}".format(*head))
    for name in sets:
        rows = load(name)
        if cap and len(rows) > cap:
            rows = rows[:: -(-len(rows) // cap)]  # every k-th row, the same rows on every run
        inp = [str(r["toxic"]) for r in rows]
        refs = [list(r["refs"]) for r in rows]  # type: ignore[call-overload]
        src, dst = out_dir / f"{name}.in.jsonl", out_dir / f"{name}.{style}.jsonl"
        src.write_text("".join(json.dumps({"i": i, "text": t}, ensure_ascii=False) + "\n"
                               for i, t in enumerate(inp)), encoding="utf-8")
        rewrite = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bench" / "eval_tone.py"), "rewrite"]
        subprocess.run([*rewrite, str(src), str(dst), "--style", style], check=True)
        got = {d["i"]: d["text"] for d in map(json.loads, dst.read_text(encoding="utf-8").splitlines())}
        hyp = [got[i] for i in range(len(inp))]
        res = {"engine": score(inp, hyp, refs, tox, vad, cache),
               "floor": score(inp, [kit.delete_baseline(t, words) for t in inp], refs, tox, vad, cache)}
        results[name] = {"n": len(rows), **res}
        for system, m in res.items():
            chrf = f"{m['chrF']:6.2f}" if m["chrF"] is not None else "     -"
            print(f"{name:18} {len(rows):6}  {system:8} {m['STA']:6.3f} {m['SIM']:6.3f} {chrf} "
                  f"{m['unchanged']:6.3f} {m['J']:6.3f} {m['vader']:6.3f}", flush=True)
        cache.save()
    print(json.dumps({"style": style, "sets": results}))


if __name__ == "__main__":
    csv.field_size_limit(10**9)
    main(sys.argv[1:])
