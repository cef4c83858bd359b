"""Render playbook items as readable plain text, for the CLI and as the fallback text of a card.

Each item renders as a list of sections (a heading block, then one section per phase or part). The
`*_sections` functions return that list, so a chat adapter can put each section in its own block and stay
within the per-block text limit; the `*_text` functions join the sections with blank lines for a console.
`coverage_table` prints which checklist serves each setting and situation, and how the lessons spread
over skills, settings and levels. Everything here is pure: no I/O, no global state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from bot.playbooks import (
    Catalog,
    Checklist,
    GuidePhase,
    Lesson,
    Library,
    MediationGuide,
    Step,
)

Item = Checklist | Lesson | MediationGuide

_PHASE_TITLES = {"before": "Before", "during": "During", "after": "After"}
_GUIDE_PHASE_TITLES = {
    "assess": "1. Assess",
    "prepare": "2. Prepare",
    "separate": "3. Separate conversations",
    "joint": "4. Joint session",
    "agreement": "5. Agreement",
    "follow_up": "6. Follow-up",
}
_LEVELS = ("foundation", "practice", "advanced")


# ---- shared helpers -------------------------------------------------------------------------------------


def _bullets(lines: Iterable[str], mark: str = "-") -> list[str]:
    return [f"  {mark} {line}" for line in lines]


def _numbered(lines: Iterable[str]) -> list[str]:
    return [f"  {i}. {line}" for i, line in enumerate(lines, start=1)]


def _frameworks(names: Sequence[str]) -> str:
    return "Draws on: " + "; ".join(names) + "."


def _join(sections: Iterable[str]) -> str:
    return "\n\n".join(s for s in sections if s)


# ---- checklists -----------------------------------------------------------------------------------------


def _checklist_heading(c: Checklist, catalog: Catalog) -> str:
    situation = catalog.name("situations", c.situation)
    setting = catalog.name("settings", c.setting)
    return "\n".join(
        [c.title, f"Situation: {situation} | Setting: {setting}", c.summary, _frameworks(c.frameworks)]
    )


def _step_lines(number: int, step: Step, catalog: Catalog, setting: str | None) -> list[str]:
    say = step.say_by_setting.get(setting, step.say) if setting else step.say
    lines = [f"{number}. {step.action}", f"   Say: {say}"]
    if setting is None:
        for other, text in step.say_by_setting.items():
            lines.append(f"   In {catalog.name('settings', other).lower()}: {text}")
    lines += [f"   Avoid: {step.avoid}", f"   Why: {step.why}"]
    return lines


def _phase_section(c: Checklist, phase: str, catalog: Catalog, setting: str | None) -> str:
    numbered = [(i, s) for i, s in enumerate(c.steps, start=1) if s.phase == phase]
    if not numbered:
        return ""
    lines = [_PHASE_TITLES[phase]]
    for number, step in numbered:
        lines += _step_lines(number, step, catalog, setting)
    return "\n".join(lines)


def checklist_sections(c: Checklist, catalog: Catalog, setting: str | None = None) -> list[str]:
    """Heading, one section per phase (before, during, after), then the closing reflection.

    With `setting`, each step shows that setting's "say this" when it has one; without, every
    setting-specific example is listed under the general one.
    """
    phases = [_phase_section(c, phase, catalog, setting) for phase in _PHASE_TITLES]
    reflection = f"Afterwards, ask yourself: {c.reflection}"
    return [_checklist_heading(c, catalog), *(p for p in phases if p), reflection]


def checklist_text(c: Checklist, catalog: Catalog, setting: str | None = None) -> str:
    """A checklist as plain text."""
    return _join(checklist_sections(c, catalog, setting))


# ---- lessons --------------------------------------------------------------------------------------------


def _lesson_heading(lesson: Lesson, catalog: Catalog) -> str:
    setting = "any setting" if lesson.setting == "any" else catalog.name("settings", lesson.setting)
    tags = f"{catalog.name('skills', lesson.skill)} | {setting} | {lesson.level}"
    lines = [f"Lesson {lesson.order}: {lesson.title}", tags]
    if lesson.prerequisites:
        lines.append("Builds on: " + ", ".join(lesson.prerequisites))
    return "\n".join(lines)


def _quiz_section(lesson: Lesson) -> str:
    letters = "ABCD"
    options = [f"  {letters[i]}. {o.text}" for i, o in enumerate(lesson.quiz.options)]
    return "\n".join([f"Quiz: {lesson.quiz.question}", *options])


def _answers_section(lesson: Lesson) -> str:
    letters = "ABCD"
    lines = [f"Answer: {letters[lesson.quiz.answer]}"]
    for i, option in enumerate(lesson.quiz.options):
        mark = "right" if option.correct else "not quite"
        lines.append(f"  {letters[i]} ({mark}): {option.feedback}")
    return "\n".join(lines)


def lesson_sections(lesson: Lesson, catalog: Catalog, with_answers: bool = True) -> list[str]:
    """Heading, the idea, the before/after example, one thing to try, the quiz and (optionally) answers."""
    sections = [
        _lesson_heading(lesson, catalog),
        lesson.idea,
        f"Before: {lesson.before}\nAfter:  {lesson.after}",
        f"Try today: {lesson.try_today}",
        _quiz_section(lesson),
    ]
    if with_answers:
        sections.append(_answers_section(lesson))
    sections.append(_frameworks(lesson.frameworks))
    return sections


def lesson_text(lesson: Lesson, catalog: Catalog, with_answers: bool = True) -> str:
    """A lesson as plain text."""
    return _join(lesson_sections(lesson, catalog, with_answers))


# ---- mediation guides -----------------------------------------------------------------------------------


def _guide_heading(g: MediationGuide, catalog: Catalog) -> str:
    conflict = catalog.name("conflict_types", g.conflict_type)
    return "\n".join([g.title, f"Conflict type: {conflict}", g.summary, _frameworks(g.frameworks)])


def _guide_steps(phase: GuidePhase) -> list[str]:
    return [f"  - {s.action} ({s.why})" for s in phase.steps]


def _guide_extras(g: MediationGuide, name: str) -> list[str]:
    if name == "assess":
        return ["Do not mediate; go to HR (or security) instead when:", *_bullets(g.assess.refer_when)]
    if name == "separate":
        return ["Ask each person, privately:", *_bullets(g.separate.questions)]
    if name == "joint":
        return _joint_extras(g)
    if name == "agreement":
        return ["Agreement template:", *_bullets(g.agreement.template)]
    if name == "follow_up":
        days = ", ".join(f"day {d}" for d in g.follow_up.schedule_days)
        return [f"Check in on: {days}", "Check-in questions:", *_bullets(g.follow_up.checkin_questions)]
    return []


def _joint_extras(g: MediationGuide) -> list[str]:
    scripts = g.joint.scripts
    return [
        "Agenda:",
        *_numbered(g.joint.agenda),
        "Ground rules:",
        *_bullets(g.joint.ground_rules),
        f'Opening: "{scripts.opening}"',
        "From positions to interests:",
        *_bullets(f'"{line}"' for line in scripts.interests),
        f'If someone loses their temper: "{scripts.outburst}"',
    ]


def guide_sections(g: MediationGuide, catalog: Catalog) -> list[str]:
    """Heading, then one section per phase: assess, prepare, separate, joint, agreement, follow-up."""
    sections = [_guide_heading(g, catalog)]
    for name, phase in g.phases():
        lines = [_GUIDE_PHASE_TITLES[name], *_guide_steps(phase), *_guide_extras(g, name)]
        sections.append("\n".join(lines))
    return sections


def guide_text(g: MediationGuide, catalog: Catalog) -> str:
    """A mediation guide as plain text."""
    return _join(guide_sections(g, catalog))


# ---- any item -------------------------------------------------------------------------------------------


def item_sections(item: Item, catalog: Catalog) -> list[str]:
    """The sections of any playbook item."""
    if isinstance(item, Checklist):
        return checklist_sections(item, catalog)
    if isinstance(item, Lesson):
        return lesson_sections(item, catalog)
    return guide_sections(item, catalog)


def item_text(item: Item, catalog: Catalog) -> str:
    """Any playbook item as plain text."""
    return _join(item_sections(item, catalog))


# ---- coverage -------------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _cell(library: Library, situation: str, setting: str) -> str:
    checklist = library.checklist_for(situation, setting)
    if checklist is None:
        return "MISSING"
    return "own" if checklist.setting == setting else "general"


def _situation_table(library: Library) -> str:
    catalog = library.catalog
    settings = [s.id for s in catalog.settings]
    rows = [
        [situation.name, *(_cell(library, situation.id, setting) for setting in settings)]
        for situation in catalog.situations
    ]
    return _table(["situation \\ setting", *settings], rows)


def _lesson_table(library: Library) -> str:
    catalog = library.catalog
    columns = ["any", *(s.id for s in catalog.settings)]
    counts = Counter((lesson.skill, lesson.setting) for lesson in library.lessons)
    rows = [
        [skill.id, *(str(counts[(skill.id, col)]) for col in columns), str(_skill_total(library, skill.id))]
        for skill in catalog.skills
    ]
    per_setting = Counter(lesson.setting for lesson in library.lessons)
    rows.append(["total", *(str(per_setting[col]) for col in columns), str(len(library.lessons))])
    return _table(["skill \\ setting", *columns, "total"], rows)


def _skill_total(library: Library, skill: str) -> int:
    return sum(1 for lesson in library.lessons if lesson.skill == skill)


def _level_line(library: Library) -> str:
    levels: Counter[str] = Counter(lesson.level for lesson in library.lessons)
    return "Lessons by level: " + ", ".join(f"{level} {levels[level]}" for level in _LEVELS)


def _guide_line(library: Library) -> str:
    catalog = library.catalog
    covered = {g.conflict_type for g in library.guides.values()}
    missing = [c.id for c in catalog.conflict_types if c.id not in covered]
    tail = f"; missing: {', '.join(missing)}" if missing else "; every conflict type covered"
    return f"Mediation guides: {len(library.guides)}{tail}"


def coverage_table(library: Library) -> str:
    """Which checklist serves each situation in each setting; how lessons spread over skills and settings."""
    checklists = len(library.checklists)
    variants = sum(1 for c in library.checklists.values() if c.setting != library.catalog.default_setting)
    return _join(
        [
            f"Checklists: {checklists} ({checklists - variants} general, {variants} setting variants)\n"
            "own = written for that setting (for workplace, the general checklist itself); "
            "general = the general checklist, with that setting's examples where it has them\n"
            + _situation_table(library),
            f"Lessons: {len(library.lessons)}\n" + _lesson_table(library) + "\n" + _level_line(library),
            _guide_line(library),
        ]
    )
