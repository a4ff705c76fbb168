"""The errors and habits of real council data: typos, nicknames, swapped day and month, missing values, and the
many ways one address or phone number is written.

A Noise object belongs to one source system's extract and draws from that system's random stream. It notes each
change it makes to the current record, so the ground truth can say why two records of one person differ.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from .model import REFERENCE_DATE, Address
from .names import STREET_ABBREVIATIONS
from .people import ascii_fold

KEYBOARD_NEIGHBOURS = {
    "a": "qsz", "b": "vgn", "c": "xdv", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht", "h": "gjy", "i": "uok",
    "j": "hku", "k": "jli", "l": "kop", "m": "nj", "n": "bmh", "o": "ipl", "p": "ol", "q": "wa", "r": "etf",
    "s": "adw", "t": "ryg", "u": "yij", "v": "cbf", "w": "qes", "x": "zcs", "y": "tuh", "z": "xa",
}  # fmt: skip


class Noise:
    """Seeded damage to values, with a note of what was done to the record being rendered."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.notes: list[str] = []

    def start(self) -> None:
        self.notes = []

    def note(self, what: str) -> None:
        if what not in self.notes:
            self.notes.append(what)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    # -- names ---------------------------------------------------------------------------------------------------

    def typo(self, text: str, label: str) -> str:
        """One slip of the keyboard: two letters swapped, one dropped, one doubled, or a neighbouring key."""
        rng = self.rng
        letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
        if len(letters) < 2:
            return text
        i = rng.choice(letters[:-1])
        kind = rng.randrange(4)
        if kind == 0 and text[i + 1].isalpha() and text[i] != text[i + 1]:
            result = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind == 1:
            result = text[:i] + text[i + 1 :]
        elif kind == 2:
            result = text[:i] + text[i] + text[i:]
        else:
            lower = text[i].lower()
            swap = rng.choice(KEYBOARD_NEIGHBOURS.get(lower, lower))
            result = text[:i] + (swap.upper() if text[i].isupper() else swap) + text[i + 1 :]
        if result != text:
            self.note(f"typo_{label}")
        return result

    def surname(self, text: str, *, typo: float, ascii_only: bool = False) -> str:
        """How a system spells a surname: punctuation and accents are where systems disagree most."""
        rng = self.rng
        original = text
        if "'" in text and rng.random() < 0.35:
            text = text.replace("'", rng.choice(("", " ")))
        if "-" in text and rng.random() < 0.35:
            text = rng.choice((text.replace("-", " "), text.split("-")[-1]))
        if " " in text and text.startswith(("Van ", "Van der")) and rng.random() < 0.4:
            text = text.replace(" ", "")
        if ascii_only or rng.random() < 0.3:
            text = ascii_fold(text)
        if text != original:
            self.note("surname_spelling")
        if rng.random() < typo:
            text = self.typo(text, "last_name")
        return text

    def first_name(self, formal: str, nickname: str, *, informal: float, typo: float, ascii_only: bool = False) -> str:
        text = formal
        if nickname and self.rng.random() < informal:
            text = nickname
            self.note("nickname")
        if ascii_only or self.rng.random() < 0.3:
            folded = ascii_fold(text)
            if folded != text:
                self.note("accent_dropped")
                text = folded
        if self.rng.random() < typo:
            text = self.typo(text, "first_name")
        return text

    # -- dates ---------------------------------------------------------------------------------------------------

    def date_of_birth(self, dob: dt.date, *, missing: float, transposed: float, wrong_year: float) -> dt.date | None:
        rng = self.rng
        roll = rng.random()
        if roll < missing:
            self.note("dob_missing")
            return None
        roll -= missing
        if roll < transposed and dob.day <= 12 and dob.day != dob.month:
            self.note("dob_day_month_swapped")
            return dob.replace(day=dob.month, month=dob.day)
        roll -= transposed
        if roll < wrong_year:
            self.note("dob_wrong_year")
            delta = rng.choice((-10, -1, 1, 10))
            wrong = dob.replace(year=dob.year + delta, day=min(dob.day, 28))
            # A year in the future would be refused at import; a clerk's slip there is caught on the form.
            return wrong if wrong < REFERENCE_DATE else dob.replace(year=dob.year - abs(delta), day=min(dob.day, 28))
        return dob

    # -- addresses and contact details ---------------------------------------------------------------------------

    def address_line(self, address: Address, *, abbreviate: float, locality: float, typo: float) -> str:
        rng = self.rng
        lines = list(address.lines)
        if lines and lines[0].startswith("Flat ") and len(lines) == 2 and rng.random() < 0.3:
            flat = lines[0].removeprefix("Flat ")
            lines = [f"{flat}/{lines[1]}"] if rng.random() < 0.6 else [lines[1]]
            self.note("flat_written_differently" if "/" in lines[0] else "flat_missing")
        text = ", ".join(lines)
        if rng.random() < abbreviate:
            for word, short in STREET_ABBREVIATIONS.items():
                shorter = re.sub(rf"\b{word}\b", short, text)
                if shorter != text:
                    text = shorter
                    self.note("street_abbreviated")
                    break
        if rng.random() < 0.05:
            text = re.sub(r"^(\d+) ", r"\1, ", text)
        if address.locality and rng.random() < locality:
            text = f"{text}, {address.locality}"
        if rng.random() < typo:
            text = self.typo(text, "address")
        return text

    def postcode(self, postcode: str, *, missing: float, squashed: float = 0.08, typo: float = 0.01) -> str:
        rng = self.rng
        if not postcode:
            return ""
        if rng.random() < missing:
            self.note("postcode_missing")
            return ""
        text = postcode
        if rng.random() < typo:
            inward = text[-3:]
            digit = str((int(inward[0]) % 9) + 1)
            text = f"{text[:-3]}{digit}{inward[1:]}"
            self.note("postcode_wrong")
        if rng.random() < squashed:
            text = text.replace(" ", "")
        if rng.random() < 0.03:
            text = text.lower()
        return text

    def phone(self, number: str, *, missing: float) -> str:
        rng = self.rng
        if not number or rng.random() < missing:
            return ""
        digits = number.replace(" ", "")
        style = rng.random()
        if style < 0.5:
            return number
        if style < 0.8:
            return digits
        if style < 0.95:
            return f"+44 {digits[1:]}"
        self.note("phone_typo")
        i = rng.randrange(4, len(digits) - 1)
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]

    def email(self, email: str, *, missing: float) -> str:
        rng = self.rng
        if not email or rng.random() < missing:
            return ""
        if rng.random() < 0.05:
            return email[:1].upper() + email[1:]
        if rng.random() < 0.015:
            local, _, domain = email.partition("@")
            return f"{self.typo(local, 'email')}@{domain}"
        return email
