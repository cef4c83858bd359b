"""ToneEngine: analyse a message and rewrite it calmly, offline, with the guard applied to every rewrite."""

from __future__ import annotations

from bot.tone.analyse import Analyzer, Hit, check_length
from bot.tone.compose import Edit
from bot.tone.guard import guard_reasons
from bot.tone.lexicon import Lexicon
from bot.tone.protect import spans_remembered
from bot.tone.rewrite import Rewriter
from bot.tone.types import MAX_CHARS, STYLES, Change, RewriteResult, Style, ToneReport

READS_FINE = "This reads fine: nothing in it is likely to raise tension."
SAFETY_NOTE = "This message needs a person, not a rewrite: see the support resources."
KEPT_NOTE = "No safe automatic rewrite was found; the notes list what to change by hand."
_COURTESY_TAIL = " Thanks."


class ToneEngine:
    """Offline tone analysis and rewriting; pure, synchronous, CPU-only."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.analyzer = Analyzer(lexicon)
        self._rewriter = Rewriter(self.analyzer)
        # The last text analysed, with its hits and report: the flows rewrite the draft they have just
        # analysed (to show what made it tense beside the rewrite), and the rewrite takes that scan instead
        # of doing it again. It is held in memory only, until the next analyse or rewrite.
        self._last: tuple[str, list[Hit], ToneReport] | None = None

    def _scan(self, text: str) -> tuple[list[Hit], ToneReport]:
        last, self._last = self._last, None  # (taken, so the hits list is no one else's)
        if last is not None and last[0] == text:
            return last[1], last[2]
        check_length(text)
        return self._fresh(text)

    def _fresh(self, text: str) -> tuple[list[Hit], ToneReport]:
        hits, safety = self.analyzer.scan(text)
        return hits, self.analyzer.report(text, hits, safety)

    def analyse(self, text: str) -> ToneReport:
        """How tense `text` reads, with explained signals and any safety hit."""
        if len(text) > MAX_CHARS:  # (the check is inline: this is the hot path)
            check_length(text)
        hits, safety = self.analyzer.scan(text)
        report = self.analyzer.report(text, hits, safety)
        self._last = (text, hits, report)
        return report

    def rewrite(self, text: str, style: Style = "calm") -> RewriteResult:
        """A calmer version of `text` in `style`, guarded so meaning, requests and protected text survive."""
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
        with spans_remembered():  # (the rewriter and the guard mask the same texts)
            return self._rewrite(text, style)

    def _rewrite(self, text: str, style: Style) -> RewriteResult:
        hits, before = self._scan(text)
        if before.safety is not None:
            return self._unchanged(text, style, before, (SAFETY_NOTE,))
        if before.level == "calm":
            return self._unchanged(text, style, before, (READS_FINE,))
        notes = self._notes(before) if style == "coach" else ()
        hits = [hit for hit in hits if hit.kind != "wording"]  # (no edit for it: it stays in the notes)
        for attempt in (style, "coach") if style != "coach" else ("coach",):
            result = self._attempt(text, hits, before, style, attempt, notes)
            if result is None and attempt != "coach":
                # without the jab sentences dropped: what is left may say too little on its own
                kept = [hit for hit in hits if self._rewriter.dropped_sentence(text, hit) is None]
                if len(kept) < len(hits):
                    result = self._attempt(text, kept, before, style, attempt, notes)
            if result is not None:
                return result
        if style == "coach":
            return self._unchanged(text, style, before, notes)
        return self._unchanged(text, style, before, (KEPT_NOTE, *self._notes(before)))

    def _attempt(
        self,
        text: str,
        hits: list[Hit],
        before: ToneReport,
        style: Style,
        attempt: Style,
        notes: tuple[str, ...],
    ) -> RewriteResult | None:
        candidate, edits, source = self._rewriter.candidate(text, hits, attempt)
        if attempt == "warm" and edits and not self._has_courtesy(candidate) and self._asks(candidate):
            candidate = candidate.rstrip()
            candidate += ("" if candidate.endswith((".", "!", "?")) else ".") + _COURTESY_TAIL
        if candidate == text:
            return None
        _, after = self._fresh(candidate)
        if guard_reasons(text, candidate, before, after, self.analyzer):
            return None
        changes = self._changes(text, source, edits, hits)
        return RewriteResult(
            text=candidate,
            style=style,
            engine="offline",
            tension_before=before.tension,
            tension_after=after.tension,
            changes=changes,
            safety=None,
            unchanged=False,
            notes=notes,
        )

    def _asks(self, text: str) -> bool:
        """Whether `text` asks something (a question or a request): thanks after a statement ("The answer is
        no. Thanks.") reads as a brush-off, not warmth."""
        return "?" in text or self.analyzer.count_phrases(text)["ask"] > 0

    def _has_courtesy(self, text: str) -> bool:
        lowered = text.lower()
        return any(w in lowered for w in ("thank", "please", "appreciate", "cheers"))

    @staticmethod
    def _changes(text: str, source: str, edits: list[Edit], hits: list[Hit]) -> tuple[Change, ...]:
        changes = [
            Change(
                text[h.start : h.end],
                source[h.start : h.end],
                "Capitals read as shouting; changed to sentence case.",
            )
            for h in hits
            if h.kind == "shouting" and text[h.start : h.end] != source[h.start : h.end]
        ]
        changes += [Change(source[e.start : e.end], e.after, e.why) for e in edits]
        return tuple(changes)

    @staticmethod
    def _notes(report: ToneReport) -> tuple[str, ...]:
        return tuple(f'"{s.text}" ({s.kind.replace("_", " ")}): {s.suggestion}' for s in report.signals)

    @staticmethod
    def _unchanged(text: str, style: Style, report: ToneReport, notes: tuple[str, ...]) -> RewriteResult:
        return RewriteResult(
            text=text,
            style=style,
            engine="offline",
            tension_before=report.tension,
            tension_after=report.tension,
            changes=(),
            safety=report.safety,
            unchanged=True,
            notes=notes,
        )

