"""`/deescalate stats`: aggregate weekly figures for the admins listed in app.yaml, never individual data."""

from __future__ import annotations

from datetime import timedelta

from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import Context, Heading, Inbound, Paragraph, Reply
from bot.store.usage import MIN_GROUP, Figure, week_of, weekly_figures

WEEKS = 8


async def stats(services: Services, inbound: Inbound, _args: str) -> list[Reply]:
    if inbound.user not in services.config.settings.admins:
        return [Reply("Usage figures are for the admins listed in app.yaml.")]
    since = week_of(services.clock.now().date()) - timedelta(weeks=WEEKS - 1)
    figures = await weekly_figures(services.store, inbound.platform, inbound.workspace, since)
    table = figures_table(figures) if figures else "No use recorded in the last 8 weeks."
    note = (
        f"Counts per week and feature; any group of fewer than {MIN_GROUP} people is shown as “<{MIN_GROUP}”."
    )
    return [
        Reply(
            f"Usage, last {WEEKS} weeks\n{table}\n{note}",
            (Heading(f"Usage, last {WEEKS} weeks"), Paragraph(f"```\n{table}\n```"), Context(note)),
        )
    ]


def figures_table(figures: list[Figure]) -> str:
    """A fixed-width table: week, feature, people, uses."""
    rows = [("week of", "feature", "people", "uses")]
    hidden = f"<{MIN_GROUP}"
    rows += [
        (
            f.week.isoformat(),
            f.feature,
            hidden if f.people is None else str(f.people),
            hidden if f.uses is None else str(f.uses),
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


COMMAND_HANDLERS: dict[str, CommandHandler] = {"stats": stats}
ACTION_HANDLERS: dict[str, ActionHandler] = {}
