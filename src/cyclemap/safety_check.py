"""The private safety check: a few questions each partner answers alone.

The questions are cyclemap's own wording (not a published instrument) and ask
about fear, injury, threats and control. Any "yes" means the pursue-withdraw
frame may not fit: what happens may not be a shared dance, and couple
exercises (softening, opening up more) are not the right next step. The result
then says so plainly and lists help resources; it never suggests softening.

One person's answers, one result: nothing here takes or combines two people's
answers, and a result holds no answers, only which areas were raised, so it
is safe to show to the person who answered and to no one else.

Library use (the web app asks the same questions)::

    from cyclemap.safety_check import QUESTIONS, evaluate
    result = evaluate({"afraid": "no", "hurt": "yes"}, country="GB")
    result.concern, result.areas, result.message, result.resources
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from .errors import UsageError
from .resources import help_resources


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    PREFER_NOT = "prefer_not_to_say"


#: The areas a question can raise, in the order results list them.
AREAS = ("fear", "injury", "threats", "control")


@dataclass(frozen=True)
class Question:
    id: str
    area: str
    text: str
    #: A "yes" means danger may be close now: the result puts emergency help first.
    urgent: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question("afraid", "fear", "In the last year, has a partner made you afraid for your safety?"),
    Question("afraid_now", "fear",
             "Right now, are you afraid that you could be hurt when you next see a partner?",
             urgent=True),
    Question("hurt", "injury",
             "In the last year, has a partner pushed, hit, kicked, choked or otherwise physically hurt you?"),
    Question("forced", "injury", "Has a partner ever forced or pressured you into sexual acts you did not want?"),
    Question("threatened", "threats",
             "Has a partner threatened to hurt you, someone you love, a pet, or themselves, "
             "to make you do something or to stop you from doing it?"),
    Question("watched", "control",
             "Does a partner check your phone or messages, track where you go, or keep you from your own money "
             "without your agreement?"),
    Question("cut_off", "control",
             "Does a partner stop you, or try to stop you, from seeing friends or family, working or studying?"),
)

_BY_ID = {q.id: q for q in QUESTIONS}

CONCERN_MESSAGE = (
    "Some of your answers are about {areas}. When that is part of a relationship, what happens between "
    "you may not be a shared dance that both of you keep going, and couple exercises (such as softening, "
    "or opening up more in the moment) are not the right next step. You deserve to be safe. Consider "
    "talking, on your own, with one of the services below, a doctor, or someone you trust. Your answers "
    "are yours: cyclemap never shows them to a partner."
)
URGENT_MESSAGE = "If you may be in danger now, contact emergency services first. "
CLEAR_MESSAGE = (
    "Nothing you answered points to fear, injury, threats or control. If that changes, or if something "
    "here was hard to answer, the services below are there for you, and your answers stay yours."
)
SKIPPED_NOTE = " You chose not to answer some questions; that is fine, and it stays private."


@dataclass(frozen=True)
class SafetyCheckResult:
    """What one person's answers mean: whether there is a concern, which areas, what to read, where to turn."""

    concern: bool
    areas: tuple[str, ...]
    message: str
    resources: tuple[dict[str, str], ...]
    urgent: bool = False
    answered: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["areas"], data["resources"] = list(self.areas), [dict(r) for r in self.resources]
        return data


def parse_answer(question_id: str, value: Answer | str | bool | None) -> Answer:
    """An answer from a form, a file or a prompt: yes/no/prefer_not_to_say (or y/n/s, True/False, None)."""
    if isinstance(value, Answer):
        return value
    if value is None:
        return Answer.PREFER_NOT
    if isinstance(value, bool):
        return Answer.YES if value else Answer.NO
    word = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if word in ("yes", "y"):
        return Answer.YES
    if word in ("no", "n"):
        return Answer.NO
    if word in ("prefer_not_to_say", "prefer_not", "skip", "s", ""):
        return Answer.PREFER_NOT
    raise UsageError(f"answer {value!r} to question {question_id!r} is not yes, no or prefer_not_to_say")


def evaluate(answers: Mapping[str, Answer | str | bool | None], country: str | None = None) -> SafetyCheckResult:
    """One person's answers (question id -> answer; missing means not answered) -> the result to show them."""
    unknown = sorted(set(answers) - set(_BY_ID))
    if unknown:
        raise UsageError(f"unknown safety-check question(s): {', '.join(unknown)}",
                         hint=f"the questions are {', '.join(_BY_ID)}")
    given = {q.id: parse_answer(q.id, answers.get(q.id)) for q in QUESTIONS}
    raised = [q for q in QUESTIONS if given[q.id] is Answer.YES]
    areas = tuple(a for a in AREAS if any(q.area == a for q in raised))
    skipped = sum(1 for a in given.values() if a is Answer.PREFER_NOT)
    urgent = any(q.urgent for q in raised)
    if raised:
        named = ", ".join(areas[:-1]) + (" and " if len(areas) > 1 else "") + areas[-1]
        message = (URGENT_MESSAGE if urgent else "") + CONCERN_MESSAGE.format(areas=named)
    else:
        message = CLEAR_MESSAGE
    if skipped:
        message += SKIPPED_NOTE
    resources = tuple(help_resources(country))
    return SafetyCheckResult(bool(raised), areas, message, resources, urgent, len(QUESTIONS) - skipped, skipped)


def save(answers: Mapping[str, Answer | str | bool | None], result: SafetyCheckResult, *,
         person: str | None = None, relationship: str | None = None) -> str:
    """Keep one person's answers and result in the data folder (sealed if it is encrypted); the record id."""
    from .privacy.records import save_record

    payload = {
        "answers": {q.id: parse_answer(q.id, answers.get(q.id)).value for q in QUESTIONS},
        "questions": {q.id: q.text for q in QUESTIONS},
        "result": result.to_json(),
    }
    return save_record("safety-check", payload, person=person, relationship=relationship).id


__all__ = ["AREAS", "Answer", "QUESTIONS", "Question", "SafetyCheckResult", "evaluate", "parse_answer", "save"]
