"""Honouring a platform's 429s, and learning its send rate from them when none is configured.

Slack and Teams limit proactive sends per workspace (tenant) without publishing one exact figure. With
`lessons.sends_per_s` set, the scheduler paces at that rate and a 429 only holds the workspace for its
Retry-After. Without it, sending unpaced meets 429 after 429: each one stops the workspace for a second,
the refilled burst is spent at once, and the next 429 follows (a fan-out ran at a tenth of the limit).
So, unconfigured, a workspace is paced from its first 429 on, the way TCP finds a link's capacity:

- the rate starts at what the platform accepted in the second before that 429, and doubles every second
  (slow start) until the next 429;
- that 429 sets a ceiling: CUT times what was accepted in the second before it (or half the pace, if more:
  after a lull little was sent). That second includes the ramp up from half the pace, so this first
  ceiling reads low, and the pace climbs fast from it (ROUGH_CLIMB of it per second) to the next 429,
  met at a steady pace: its ceiling is close (`settled`), and the pace climbs slowly from that one (CLIMB),
  so a 429 costs one hold about a minute at most (each costs the workspace its whole Retry-After, a second
  or more: probing every ten seconds, as this did at first, cost a tenth of the rate; at twice CLIMB, once
  the pace was sent at in full, the platform's burst ran out and a 429 came every 20-30 s, and a second's
  hold for an instance sending alone cost more than the climb gained);
- the slots follow one another on the pace's grid (a slot a whole interval late starts a new grid: no
  burst of saved-up slots after a lull), so that a sleep that wakes late does not slow the pace;
- a 429 within a second of the last hold's end, or of the start of sending at the pace, is no measure: it
  cuts the pace to CUT of itself, and the ceiling is rough (in slow start there is none yet, and slow start
  goes on); nor is one after a lull a close measure (what went was under KEPT_UP of the pace): its ceiling
  is rough too;
- the climb runs on the time spent sending at the pace, not on the clock, and only while the sends keep
  up with it (KEPT_UP of what it was due to send over the last second, or since the last hold): idle
  time, or a process too short of CPU to use its pace, says nothing about the limit. (On the clock, an
  hour between two fan-outs grew the pace past any limit, and each fan-out began unpaced and learned the
  limit again from a burst of 429s);
- a 429 reads the sends accepted in the second before it by when they were started (spaced by the pace),
  not by when their answers came (a process short of CPU handles a bunch of answers at once);
- after FORGET_S of sending without a 429 the ceiling is dropped and slow start resumes, which finds the
  room a raised limit (or another instance that stopped) left;
- the pace is learned for the workspace as a whole: each instance sends its equal share of it (the lesson
  scheduler says how many send, `share_among`), and a 429 is read as the whole workspace's rate (what this
  instance had accepted, times the instances). So an instance that stops leaves its share to the others at
  once;
- the scheduler's heartbeat passes what each instance learned to the others (`learned`, `adopt`): the
  newest learning wins everywhere, so the instances pace as one learner. With it goes how long the pace
  has climbed from its ceiling, so the next fan-out (a new process, the next day) starts at the pace the
  platform last took, not at the ceiling again: a rough ceiling that a day's first 429 set at 74/s, climbed
  to 102/s by that day's end, held the next day's fan-out at 69-98/s (1.19 x the time the limit requires);
- a workspace that has never been paced starts from the other workspaces' settled paces (their median, PRIOR
  of it), not unpaced: a platform limits every workspace alike, so a newly installed workspace's first
  fan-out need not learn the limit again from a burst of 429s. The prior is only a guess: a 429 in its first
  second (the limit is well below it) sends the workspace to slow start as if it had never been paced, PRIOR_S
  without a 429 (the limit may be well above it) starts slow start from it, and it is not passed on to the
  other instances as learning. Learning apart, they kept whatever
  unequal split they first found (the climb is proportional to each one's own ceiling), and a survivor
  that had learned a small share sent at a fraction of the limit until its next probe.

The hold and the recent sends are per process and in memory; the paces are shared through the database
(the scheduler's heartbeat), so they outlive the process. The Slack outbox uses this; Teams sends go
through `Delivery` (adapters/teams/outbox.py), which paces each conversation and retries 429s itself.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.ports import LearnedPace

log = logging.getLogger(__name__)  # workspace ids and rates only (`server.log_level: info` shows them)

MAX_RETRY_AFTER_S = 60.0
WINDOW_S = 1.0  # accepted sends are counted over the last second before a 429
CUT = 0.95  # the ceiling: this share of what the platform accepted just before refusing
CLIMB = 0.001  # from a ceiling, the pace grows by this share of it per second (see the docstring)
ROUGH_CLIMB = 0.05  # the same from a ceiling slow start found (not `settled`)
PRIOR_CLIMB = 0.02  # the same from the others' pace (see `_seed`): close to a limit they all share
EARLY_DOUBLINGS = 4  # 429s straight after their holds cut CUT, CUT**2, CUT**4...: this many doublings at most
KEPT_UP = 0.8  # what went in the second before a 429 is a fair measure if it was this share of the pace
DOUBLING_S = 1.0  # slow start doubles the pace this often
FORGET_S = 60.0  # a ceiling is dropped after this long sending at the pace without a 429
PRIOR = 0.95  # a never-paced workspace starts at this share of the median settled pace of the others
PRIOR_S = 10.0  # ...and looks for more room (slow start) after this long at it without a 429
SAME_S = 0.001  # `since`s this close are one learning, converted between clocks (learned() rounds to it)
MIN_RATE = 1.0  # sends per second: never slower than this
MAX_RATE = 10_000.0  # beyond this the pace is no pace at all


@dataclass
class _Workspace:
    held_until: float = 0.0
    next_start: float = 0.0
    rate: float | None = None  # sends/s of all instances when `since` was set; None: unpaced (no 429 yet)
    ceiling: float | None = None  # set by a 429 during the climb; None: slow start
    settled: bool = False  # the ceiling was set by a 429 met climbing, not in slow start
    since: float = 0.0  # when `rate` was set (the end of the hold that set it), on this process's clock
    paced_s: float = 0.0  # time spent sending at the pace since then: what the pace grows with
    last_start: float = -math.inf  # when the last send took its slot
    sending_since: float = -math.inf  # when this instance began sending at the pace (after a lull)
    prior: bool = False  # the pace is the others' (see `_seed`), not learned here: a guess until a 429
    early_cuts: int = 0  # 429s in a row that each came within a second of the last one's hold
    # when the sends accepted within the last WINDOW_S took their slots, in order (see `accepted`)
    accepted: list[float] = field(default_factory=list)


class RateLimits:
    """Per workspace: the Retry-After hold, and (with `learn`) the pace learned from 429s."""

    def __init__(
        self,
        *,
        learn: bool,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.learn = learn
        self._clock = clock
        self._wall = wall  # Unix time: what the instances share (`learned`) is dated on it
        self._workspaces: dict[str, _Workspace] = {}
        self._senders = 1

    def share_among(self, senders: int) -> None:
        """`senders` instances send to these workspaces now (this one included): each paces at its share."""
        self._senders = max(1, senders)

    def learned(self) -> dict[str, LearnedPace]:
        """What this instance learned, per paced workspace, for the other instances (see `adopt`)."""
        if not self.learn:
            return {}
        now = self._clock()
        to_wall = self._wall() - now
        return {  # a pace that has grown past any limit (long without a 429) is no longer news
            workspace: LearnedPace(
                state.rate, state.ceiling, round(state.since + to_wall, 3), state.settled, _climbed(state)
            )
            for workspace, state in self._workspaces.items()
            if state.rate is not None and not state.prior and self._rate(state) is not None
        }

    def adopt(self, paces: Mapping[str, LearnedPace]) -> None:
        """Take another instance's learning where it is newer than ours (or we have none): a 429 there
        says as much about the workspace's limit as one here."""
        if not self.learn:
            return
        to_clock, latest = self._clock() - self._wall(), self._clock() + MAX_RETRY_AFTER_S
        for workspace, pace in paces.items():
            state = self._state(workspace)
            since = min(pace.since + to_clock, latest)  # a clock far ahead must not freeze the pace
            newer = since > state.since + SAME_S
            same = not newer and since >= state.since - SAME_S
            if state.rate is None or state.prior or newer or (same and pace.rate > state.rate):
                # (Two instances refused in the same moment, as when both start sending into a full
                # workspace, learn apart at the same time: the higher rate wins, as what went is a lower
                # bound. Each keeping its own, one sent at 1/s, doubling, while the other read its own
                # sends times two as the workspace's, twice the limit.)
                state.rate, state.ceiling, state.since = pace.rate, pace.ceiling, since
                state.settled, state.prior, state.paced_s = pace.settled, False, pace.climbed_s
                log.debug("workspace %s: another instance's pace taken: %.1f/s, %s", workspace, *_said(state))
            elif same:  # the same learning: its pace climbed as far as either did
                state.paced_s = max(state.paced_s, pace.climbed_s)

    async def wait(self, workspace: str) -> float:
        """Sleep until `workspace` may take another send (held, or paced), take the slot, and return when
        (on this clock): pass it to `accepted` once the platform took the send."""
        delay = self.delay(workspace)
        while delay > 0:
            await asyncio.sleep(delay)
            delay = self.delay(workspace)  # held again meanwhile, or the slot went to another send
        return self._clock()

    async def ready(self, workspace: str) -> None:
        """Sleep until `workspace` would take a send at once (neither held nor waiting for its pace)."""
        delay = self._delay(workspace, take=False)
        if delay > 0:
            await asyncio.sleep(delay)
            await self.ready(workspace)  # held again meanwhile

    def delay(self, workspace: str) -> float:
        """Seconds to wait before the next send; 0 means go now (the slot is then taken)."""
        return self._delay(workspace, take=True)

    def _delay(self, workspace: str, *, take: bool) -> float:
        now, state = self._clock(), self._state(workspace)
        if state.held_until > now:
            return state.held_until - now
        if state.rate is None and state.last_start == -math.inf and self.learn:
            self._seed(workspace, state, now)
        rate = self._rate(state)
        if rate is None:
            return 0.0
        if state.next_start > now:
            return state.next_start - now
        if take:
            interval = self._senders / rate
            if now - state.last_start <= 2 * interval:  # sending at the pace, not after a lull or a hold
                if self._keeping_up(state, now, rate):
                    state.paced_s += now - state.last_start
            else:
                state.sending_since = now
            state.last_start = now
            # The next slot follows this one's on the pace's grid, so that waking late (each sleep overshoots
            # a little) does not slow the pace: timed from each wake-up, 50 sends a second went at 46-47.
            # Late by a whole interval (a lull, a hold), the grid starts again from now: no burst of
            # saved-up slots.
            on_grid = now - state.next_start < interval
            state.next_start = (state.next_start if on_grid else now) + interval
        return 0.0

    def _keeping_up(self, state: _Workspace, now: float, rate: float) -> bool:
        """Whether this instance sent at least KEPT_UP of its share of the pace in the last second. Only then
        is the pace what holds sending back, and only then does time at it count for its climb: a process
        short of CPU sends in bunches, each at the pace but well under it on the whole, and its pace doubled
        in slow start and climbed on far past the limit (the fan-out with two other processes taking the CPU
        learned 300-460/s for a limit of 100/s and spent the next day between 429s: 4.5x the floor). (Only a
        learning instance has a pace, so `accepted` holds its sends.)"""
        _forget_before(state.accepted, now - WINDOW_S)
        return len(state.accepted) + 1 >= KEPT_UP * _sends_due(state, now, rate / self._senders)

    def rate(self, workspace: str) -> float | None:
        """This instance's pace in sends per second (its share of the workspace's), or None when unpaced."""
        rate = self._rate(self._state(workspace))
        return None if rate is None else rate / self._senders

    @staticmethod
    def _rate(state: _Workspace) -> float | None:
        if state.rate is None:
            return None
        elapsed = state.paced_s  # idle time says nothing new about the limit, so the pace keeps
        forget = PRIOR_S if state.prior else FORGET_S  # the others' pace may be far below this one's limit
        if state.ceiling is None:
            rate = state.rate * 2.0 ** (elapsed / DOUBLING_S)
        else:
            rate = state.rate + _climb(state.ceiling, state) * min(elapsed, forget)
            if elapsed > forget:  # no 429 for a while: look for more room, from where the climb got to
                rate *= 2.0 ** ((elapsed - forget) / DOUBLING_S)
        return None if rate >= MAX_RATE else rate

    def accepted(self, workspace: str, started: float | None = None) -> None:
        """A send went through; `started` is when it took its slot (`wait`'s answer), else now.

        A 429 reads the limit from the sends accepted in the second before it, counted by when they were
        started: those are spaced by the pace. Counted by when their answers came, a process short of CPU
        read a second's answers that had piled up as one second's sends (the fan-out with the CPU taken by
        other work learned 270-280/s for a limit of 100/s, and spent the day between 429s).
        """
        if self.learn:
            now, state = self._clock(), self._state(workspace)
            bisect.insort(state.accepted, now if started is None else min(started, now))
            _forget_before(state.accepted, now - WINDOW_S)

    def refused(self, workspace: str, retry_after: float) -> None:
        """A 429: hold the workspace for `retry_after` seconds and (learning) slow down."""
        now, state = self._clock(), self._state(workspace)
        already_held = state.held_until > now
        # When the last hold ended: this instance's, or the one whose 429 set the pace. While another
        # instance was held, this one's sends times the instances read high (in a first day's storm, one
        # instance's 87 sends in that second read as 174/s for a limit of 100/s, and the pace went there).
        held_until = max(state.held_until, state.since)
        sending_for = now - max(state.sending_since, held_until)
        after_hold = now - held_until < WINDOW_S  # within a second of the last hold's end
        state.held_until = max(state.held_until, now + min(max(retry_after, 0.0), MAX_RETRY_AFTER_S))
        if not self.learn or already_held:  # the other sends in flight meet the same 429: cut once
            return
        _forget_before(state.accepted, now - WINDOW_S)
        measured = len(state.accepted) / WINDOW_S * self._senders  # the others sent their equal shares
        pace = self._rate(state)
        early_cuts, state.early_cuts = state.early_cuts, 0  # (counted on below only by another such 429)
        if pace is None or (state.prior and sending_for < WINDOW_S):
            # the first 429, or the pace had grown past any limit, or the others' pace was far above this
            # workspace's limit: start over from what went
            state.rate, state.ceiling = max(MIN_RATE, measured), None
        elif sending_for < WINDOW_S:
            # Not sending for all of that second (held, or it began within it), so what went in it says
            # little: the pace was too high, by an unknown amount. (Read as a measure, it halved the pace:
            # the next day's fan-out began there, or with the instances' overlap as they started.)
            state.settled = False
            # One such 429 says little, but each that follows its hold at once says the pace is far too
            # high: the cut doubles with each (5%, 10%, 19%, 34%...). At 5% each, a pace twice the limit
            # took fourteen holds, a 429 and a second's wait every second, to come down.
            state.early_cuts = early_cuts + 1 if after_hold else 1
            # In slow start it stays slow start: a ceiling set at its first second's pace (a few sends a
            # second) held a workspace there for a minute, climbing 2% of it a second.
            state.rate = max(MIN_RATE, CUT ** (2 ** min(state.early_cuts - 1, EARLY_DOUBLINGS)) * pace)
            if state.ceiling is not None:
                state.ceiling = state.rate
        else:  # what went is a fair measure when sends kept up with the pace; after a lull, half the pace is
            # (and then, as after slow start, the ceiling is rough: climbing slowly from a low one lost
            # most of a minute's sends)
            state.settled = state.ceiling is not None and measured >= KEPT_UP * pace
            state.ceiling = state.rate = max(MIN_RATE, CUT * measured, pace / 2)
        state.since, state.paced_s, state.prior = state.held_until, 0.0, False
        log.info(
            "workspace %s: 429 %s (%.0f went in the second before); now %.1f/s, %s",
            workspace, "unpaced" if pace is None else f"at {pace:.1f} sends/s", measured, *_said(state),
        )  # fmt: skip

    def _seed(self, workspace: str, state: _Workspace, now: float) -> None:
        """Start a never-paced workspace at PRIOR of the median settled pace of the others (if any)."""
        paces = sorted(
            rate
            for other in self._workspaces.values()
            if other.settled and not other.prior and (rate := self._rate(other)) is not None
        )
        if paces:
            state.rate = state.ceiling = max(MIN_RATE, PRIOR * paces[len(paces) // 2])
            state.settled, state.prior, state.since, state.paced_s = False, True, now, 0.0
            log.info("workspace %s: never paced; starts at %.1f/s, %s", workspace, *_said(state))

    def _state(self, workspace: str) -> _Workspace:
        state = self._workspaces.get(workspace)
        if state is None:
            state = self._workspaces[workspace] = _Workspace()
        return state


def _climb(ceiling: float, state: _Workspace) -> float:
    """Sends per second gained per second from `ceiling`. One that slow start found is rough: what went
    in the second before its 429 includes the ramp up from half the pace, so it reads low (by 5-15% in the
    fan-out benchmark, and by half where the other instance had sent more than its share), and the pace
    climbs fast from it to a 429 met at a steady pace, which reads close. (At 2% a second, a 47.5/s ceiling
    under a 100/s limit climbed 1/s: 71/s when that day's fan-out ended; the next day's ended 3 s late.)"""
    share = CLIMB if state.settled else PRIOR_CLIMB if state.prior else ROUGH_CLIMB
    return share * ceiling


def _climbed(state: _Workspace) -> float:
    """How long the pace has climbed from its ceiling, for the next process to go on from (see `learned`).
    Not past FORGET_S: beyond it the pace is searching for room, not one the platform took. Slow start's
    doubling is not passed on either: it is a search too, and goes on from its start."""
    return 0.0 if state.ceiling is None else round(min(state.paced_s, FORGET_S), 3)


def _said(state: _Workspace) -> tuple[float, str]:
    """The pace's rate and what it is doing next, for the log."""
    doing = (
        "slow start" if state.ceiling is None
        else "the others' pace" if state.prior
        else "climbing slowly from a settled ceiling" if state.settled
        else "climbing fast from a rough ceiling"
    )  # fmt: skip
    return state.rate or 0.0, doing


def _sends_due(state: _Workspace, now: float, pace: float) -> float:
    """How many sends went in the last second at `pace` (this instance's, now), counted from the last hold's
    end if that was within it: right after a hold, none went yet. In slow start the pace doubled over that
    time, so fewer were due (0.72 of a second at the pace now). Held to a second at the pace, a hold stopped
    the climb for most of the next second, and slow start doubled every 1.7 s, not every second."""
    span = min(WINDOW_S, now - state.held_until)
    if span <= 0.0:
        return 0.0
    if state.ceiling is not None:
        return pace * span
    return pace * DOUBLING_S / math.log(2.0) * (1.0 - math.pow(0.5, span / DOUBLING_S))


def _forget_before(times: list[float], cutoff: float) -> None:
    """Drop the times at or before `cutoff` (they are in order)."""
    del times[: bisect.bisect_right(times, cutoff)]
