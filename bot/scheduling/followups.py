"""Mediation follow-up reminders: sent to the manager once when due, through the platform's Outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.errors import DeliveryError, PermanentDeliveryError
from bot.flows import Services
from bot.model import ActionRef, Button, Choices, Context, Heading, Paragraph, Reply
from bot.ports import Outbox
from bot.store.mediation import FollowUp

log = logging.getLogger(__name__)


class FollowUpSender:
    """Claims due follow-ups in the database (once across instances) and delivers them."""

    def __init__(self, services: Services, outbox_for: Callable[[str], Outbox | None]) -> None:
        self.services = services
        self.outbox_for = outbox_for

    async def tick(self) -> int:
        """Send every due follow-up this instance can claim; return how many were sent."""
        sent = 0
        for followup in await self.services.mediation.claim_due_followups():
            sent += await self._send(followup)
        return sent

    async def _send(self, followup: FollowUp) -> int:
        outbox = self.outbox_for(followup.manager.platform)
        reply = await self.reminder(followup)
        if outbox is None or reply is None:
            await self.services.mediation.finish_followup(followup.id, sent=reply is None)
            return 0
        try:
            await outbox.send(followup.manager, reply)
        except PermanentDeliveryError:
            log.warning("a follow-up could not be delivered for good; dropping it")
            await self.services.mediation.finish_followup(followup.id, sent=True)
            return 0
        except DeliveryError:
            await self.services.mediation.finish_followup(followup.id, sent=False)
            return 0
        await self.services.mediation.finish_followup(followup.id, sent=True)
        return 1

    async def reminder(self, followup: FollowUp) -> Reply | None:
        """The check-in message for a follow-up (None when its case or guide is gone)."""
        case = await self.services.mediation.case(followup.case_id)
        guide = self.services.library.guides.get(case.guide_id) if case else None
        if case is None or guide is None:
            return None
        questions = guide.follow_up.checkin_questions
        text = (
            f"Time to follow up on the mediation ({guide.title}). Check in with each person:\n"
            + "\n".join(f"- {q}" for q in questions)
        )
        return Reply(
            text,
            (
                Heading("Mediation follow-up"),
                Paragraph(f"It's time to check in on: *{guide.title}*. Ask each person, privately:"),
                Paragraph("\n".join(f"• {q}" for q in questions)),
                Context("You asked for this reminder. Nothing about the people or the conflict is stored."),
                Choices((Button("Cancel the remaining reminders", ActionRef("mediate.cancel", case.id)),)),
            ),
            ephemeral=False,
        )
