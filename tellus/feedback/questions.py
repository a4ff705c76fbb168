"""The survey's wording: questions.toml beside this module, or the council's own copy named by
TELLUS_SURVEY_QUESTIONS. The keys are fixed (the A-11 drivers); the words are the council's."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import QUESTION_KEYS

DEFAULT = Path(__file__).with_name("questions.toml")


@dataclass(frozen=True)
class Question:
    key: str
    driver: str
    text: str


@dataclass(frozen=True)
class Survey:
    intro: str
    questions: tuple[Question, ...]

    def driver(self, key: str) -> str:
        return next(q.driver for q in self.questions if q.key == key)


@cache
def _load(path: str) -> Survey:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    given = data.get("questions", {})
    missing = [key for key in QUESTION_KEYS if key not in given]
    if missing or set(given) - set(QUESTION_KEYS):
        raise ImproperlyConfigured(f"{path} must word exactly these questions: {', '.join(QUESTION_KEYS)}")
    questions = tuple(Question(key, str(given[key]["driver"]), str(given[key]["text"])) for key in QUESTION_KEYS)
    return Survey(intro=str(data.get("intro", "")), questions=questions)


def survey() -> Survey:
    return _load(str(getattr(settings, "TELLUS_SURVEY_QUESTIONS", "") or DEFAULT))
