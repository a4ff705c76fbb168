"""Reading people's names as council systems write them: titles, initials, "SURNAME, Given", "G SURNAME",
"SURNAME G M" and joint billing names ("N & D WILKINSON", "John and Mary Smith").

Plain functions, no Django: the importer calls them for every row, and the council-style test town uses them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Titles written before a name. Compared after dots are dropped and case folded ("Mrs." is "mrs").
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "master",
        "dr",
        "prof",
        "professor",
        "rev",
        "revd",
        "reverend",
        "fr",
        "father",
        "sr",
        "sister",
        "sir",
        "dame",
        "lady",
        "lord",
        "capt",
        "captain",
        "col",
        "colonel",
        "maj",
        "major",
        "lt",
        "cllr",
        "councillor",
        "hon",
        "rt",
        "judge",
    ]
)
# Honorifics and generations written after a name. "Jnr" and "Snr" matter: a father and son share the rest.
SUFFIXES = frozenset(
    [
        "jnr",
        "jr",
        "junior",
        "snr",
        "sr",
        "senior",
        "esq",
        "obe",
        "mbe",
        "cbe",
        "kbe",
        "dbe",
        "jp",
        "qc",
        "kc",
        "mp",
        "phd",
        "ii",
        "iii",
        "iv",
    ]
)
_WORD_SUFFIXES = frozenset(["jnr", "jr", "junior", "snr", "sr", "senior", "esq"])
# Words that begin a family name of more than one word ("van der Berg", "De Souza").
PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "st", "bin", "ap"]
)
_JOINERS = re.compile(r"\s*(?:&|\+|\band\b)\s*", re.IGNORECASE)
_DOTTED = re.compile(r"(?<=\w)\.")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PersonName:
    """One person's name: title (with any honorifics after the name), given names (initials kept as single
    letters, first then middle) and family name."""

    title: str = ""
    given: str = ""
    family: str = ""

    def __str__(self) -> str:
        return " ".join(part for part in (self.title, self.given, self.family) if part)


def _key(token: str) -> str:
    return token.casefold().strip(".")


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


def _tokens(text: str) -> list[str]:
    # "N.G." is two initials; "Mrs." is "Mrs".
    text = _DOTTED.sub(" ", text)
    return [token for token in _SPACES.split(text.strip()) if token]


def _peel_titles(tokens: list[str], *, keep_one: bool = True) -> tuple[list[str], list[str], list[str]]:
    """(titles before, the name, honorifics after). With keep_one a lone word stays a name: "MAJOR, John" is
    Mr Major, not a major; a part of a joint name ("Mr & Mrs J Smith") may be a title alone."""
    before: list[str] = []
    while tokens and _key(tokens[0]) in TITLES and (len(tokens) > 1 or not keep_one):
        before.append(tokens.pop(0))
    after: list[str] = []
    while tokens and _key(tokens[-1]) in SUFFIXES and len(tokens) > 1:
        after.insert(0, tokens.pop())
    return before, tokens, after


def _title(before: list[str], after: list[str]) -> str:
    """Titles in capitals read as "Mr"; post-nominal letters ("OBE") stay in capitals."""
    words = [
        token.capitalize() if (token.isupper() and len(token) > 3) or _key(token) in TITLES else token
        for token in before
    ]
    words += [token.capitalize() if token.isupper() and _key(token) in _WORD_SUFFIXES else token for token in after]
    return " ".join(words)


def _shouted(token: str) -> bool:
    return len(token) > 1 and token.isupper()


def _split_words(tokens: list[str]) -> tuple[str, str]:
    """(given, family) from the words of one name without a comma."""
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    # "SURNAME G M": a word followed only by initials.
    if not _is_initial(tokens[0]) and all(_is_initial(token) for token in tokens[1:]):
        return " ".join(tokens[1:]), tokens[0]
    # "Given SURNAME" or "SURNAME Given": in mixed case, the words in capitals are the family name.
    words = [token for token in tokens if not _is_initial(token)]
    if any(_shouted(token) for token in words) and not all(_shouted(token) for token in words):
        if _shouted(tokens[0]) and not _shouted(tokens[-1]):
            cut = next(i for i, token in enumerate(tokens) if not _shouted(token))
            return " ".join(tokens[cut:]), " ".join(tokens[:cut])
        if _shouted(tokens[-1]):
            cut = max(i for i, token in enumerate(tokens) if not _shouted(token)) + 1
            return " ".join(tokens[:cut]), " ".join(tokens[cut:])
    # "Given Middle Family", with a family name's particles kept with it ("Anna de Souza").
    cut = len(tokens) - 1
    while cut > 1 and _key(tokens[cut - 1]) in PARTICLES:
        cut -= 1
    return " ".join(tokens[:cut]), " ".join(tokens[cut:])


def _one(text: str) -> PersonName:
    if "," in text:
        family_text, _, given_text = text.partition(",")
        before_f, family_tokens, after_f = _peel_titles(_tokens(family_text))
        before_g, given_tokens, after_g = _peel_titles(_tokens(given_text.replace(",", " ")))
        if not family_tokens:
            return PersonName(_title([*before_f, *before_g], [*after_g, *after_f]), "", " ".join(given_tokens))
        return PersonName(
            _title([*before_f, *before_g], [*after_g, *after_f]), " ".join(given_tokens), " ".join(family_tokens)
        )
    before, tokens, after = _peel_titles(_tokens(text))
    given, family = _split_words(tokens)
    return PersonName(_title(before, after), given, family)


def _shares_family(segment: str) -> bool:
    """An earlier part of a joint name that has no family name of its own: "N", "N G", "Mr", "John" (but not
    "M Redbourne", an initial and a family name)."""
    _, tokens, _ = _peel_titles(_tokens(segment), keep_one=False)
    names = [token for token in tokens if not _is_initial(token)]
    return not names or (len(names) == 1 and len(tokens) == 1)


def parse_name(text: str) -> list[PersonName]:
    """The people a name field holds, in order: usually one, two or more for a joint billing name.

    "MR N G WILKINSON" -> Mr / N G / WILKINSON; "WILKINSON, N.G." -> N G / WILKINSON; "N & D WILKINSON" -> N
    WILKINSON and D WILKINSON; "John and Mary Smith" -> John Smith and Mary Smith; "Mr & Mrs J Smith" -> Mr J
    Smith and Mrs Smith; "John Smith & Mary Jones" -> both, each with their own family name. Case is kept as
    written (the importer tidies capitals); an empty text gives no people."""
    text = _SPACES.sub(" ", text or "").strip(" ,")
    if not text:
        return []
    if "," in text and not _JOINERS.search(text.partition(",")[0]):
        # "WILKINSON, N & D": one family name, given names joined.
        family_text, _, rest = text.partition(",")
        parts = [part for part in _JOINERS.split(rest) if part.strip()]
        if len(parts) > 1:
            return [_one(f"{family_text}, {part}") for part in parts]
        return [_one(text)]
    parts = [part for part in _JOINERS.split(text) if part.strip()]
    if len(parts) <= 1:
        return [_one(text)] if _tokens(text) else []
    last = _one(parts[-1])
    people: list[PersonName] = []
    for part in parts[:-1]:
        if _shares_family(part) and last.family:
            before, tokens, after = _peel_titles(_tokens(part), keep_one=False)
            if not tokens and last.given:
                # "Mr & Mrs J Smith": the given name is the first-named person's.
                people.append(PersonName(_title(before, after), last.given, last.family))
                last = PersonName(last.title, "", last.family)
            else:
                people.append(PersonName(_title(before, after), " ".join(tokens), last.family))
        else:
            people.append(_one(part))
    return [*people, last]


def parse_given(given: str, family: str) -> list[PersonName]:
    """Names from separate given-name and family-name columns: a title written in the given-name column ("Mr N")
    goes to the title, and joint given names ("N & D") give one person each."""
    parts = [part for part in _JOINERS.split(given or "") if part.strip()] or [""]
    people = []
    for part in parts:
        before, tokens, after = _peel_titles(_tokens(part), keep_one=False)
        people.append(PersonName(_title(before, after), " ".join(tokens), _SPACES.sub(" ", family or "").strip()))
    return people
