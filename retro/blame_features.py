"""What the blame nudge's model reads in a text: its words, the letters inside them, and who does what.

The phone's JavaScript (``server/static/js/blame_model.js``) does exactly the same, step by step, so both
sides give the same score. The steps:

1. Normalise: Unicode NFKC, then curly and other apostrophes become ``'``.
2. Split into tokens: a run of word characters (``is_word_char``) is a token; apostrophes at either end are
   dropped; a token ending in ``'s`` becomes the stem and ``'s`` (unless the stem is one of ``CONTRACTED``,
   "there's", "it's", "he's"...). A token starts a sentence when it comes
   first or after one of ``.!?;:`` or a line break. Tokens are then lowercased.
3. Features, each a string:
   - ``w:<token>`` for every token, ``b:<token> <token>`` for every pair of neighbours;
   - ``c:<gram>`` for every 3- and 4-letter slice of ``<token>`` (code points, not bytes);
   - a category (``person``, ``role``, ``group``, ``negverb``...) when a token or phrase of its lexicon is
     present (a phrase marks every token it covers); ``person`` also when a capitalised token in
     mid-sentence is no known word; ``agent`` on a token of any category that names who did something,
     and ``noagent`` when no token is one;
   - ``A>B`` when a token of category B comes within ``window`` tokens after one of category A ("Maria
     skipped", "pharmacy lost"), and ``A+B`` when both are anywhere in the text.
4. Hashed features go to bucket ``fnv1a32(utf8(feature)) & (2**bits - 1)``; FNV-1a 32-bit with offset
   basis 0x811C9DC5 and prime 0x01000193, over UTF-8 bytes (a lone surrogate is encoded as its three bytes).
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
SENTENCE_ENDS = frozenset(".!?;:\n")
POSSESSIVE = "'s"
CONTRACTED = frozenset(("it", "that", "there", "here", "what", "who", "where", "how", "he", "she", "let"))
"""Words whose ``'s`` means "is", "has" or "us": "there's" stays one token, not a possessive."""
FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
CHAR_GRAMS = (4,)
SUFFIXED_LENGTH = 5
"""A word after a sentence opener must have at least this many letters for its ending to count."""
AGENT = "agent"
PERSON = "person"
SUBJECT = "subject"
"""A person found by shape alone at the start of a sentence (also ``person``)."""
NO_AGENT = "noagent"
NO_CUE = "nocue"
"""No word of any category that says how someone acted (``cues``): "the weekend team had three admissions"."""

# Punctuation and symbol blocks above Latin-1 that separate words: general punctuation, arrows to
# dingbats, CJK punctuation, small and fullwidth forms, emoji.
_SEPARATOR_BLOCKS = (
    (0x2000, 0x206F),
    (0x2190, 0x2BFF),
    (0x3000, 0x303F),
    (0xFE30, 0xFE6F),
    (0xFF00, 0xFF0F),
    (0x1F000, 0x1FAFF),
)


def is_word_char(code: int) -> bool:
    """ASCII letters, digits and ``'``; any code point from U+00C0 up except ×, ÷ and the blocks above."""
    if code < 0xC0:
        return 0x61 <= code <= 0x7A or 0x41 <= code <= 0x5A or 0x30 <= code <= 0x39 or code == 0x27
    if code in (0xD7, 0xF7):
        return False
    return not any(low <= code <= high for low, high in _SEPARATOR_BLOCKS)


def fnv1a32(text: str) -> int:
    value = FNV_OFFSET
    for byte in text.encode("utf-8", errors="surrogatepass"):
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


@dataclass(frozen=True)
class Token:
    text: str
    """Lowercased."""
    capitalised: bool
    """Begins with A-Z in mid-sentence."""
    opens: bool = False
    """Comes first in its sentence."""
    opens_capitalised: bool = False
    """Comes first in its sentence and begins with A-Z."""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(APOSTROPHES)


def _emit(raw: str, starts_sentence: bool, out: list[Token]) -> None:
    word = raw.strip("'")
    if not word:
        return
    lowered = word.lower()
    upper = "A" <= word[0] <= "Z"
    first = Token("", not starts_sentence and upper, starts_sentence, starts_sentence and upper)
    stem = lowered[: -len(POSSESSIVE)]
    if lowered.endswith(POSSESSIVE) and stem and stem not in CONTRACTED:
        out.append(replace(first, text=stem))
        out.append(Token(POSSESSIVE, False))
    else:
        out.append(replace(first, text=lowered))


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    current: list[str] = []
    starts_sentence = True
    for char in normalise(text) + " ":
        if is_word_char(ord(char)):
            current.append(char)
            continue
        if current:
            _emit("".join(current), starts_sentence, tokens)
            starts_sentence = False
            current = []
        if char in SENTENCE_ENDS:
            starts_sentence = True
    return tokens


@dataclass(frozen=True)
class Lexicons:
    """Each category's words and phrases (a phrase is several tokens, separated by single spaces)."""

    categories: Mapping[str, Sequence[str]]
    known_capitals: frozenset[str]
    """Lowercased words that are capitalised without naming anyone (days, months, places, products)."""
    agents: frozenset[str]
    """The categories that name who did something: a token of any of them is also an ``agent``."""
    near: Sequence[tuple[str, str]]
    together: Sequence[tuple[str, str]]
    window: int
    subject_next: frozenset[str] = frozenset()
    """Categories of the word after an unknown capitalised sentence opener that make it a subject."""
    subject_suffixes: tuple[str, ...] = ()
    """Endings of that next word that do the same ("-ed", "-ly")."""
    cues: frozenset[str] = frozenset()
    """Categories that say how someone acted (negative verbs, judgements...): ``nocue`` when none is."""

    @cached_property
    def by_first_word(self) -> dict[str, list[tuple[str, list[str]]]]:
        index: dict[str, list[tuple[str, list[str]]]] = {}
        for category, entries in self.categories.items():
            for entry in entries:
                parts = entry.split(" ")
                index.setdefault(parts[0], []).append((category, parts))
        return index

    @cached_property
    def known_words(self) -> frozenset[str]:
        every_word = (
            part for entries in self.categories.values() for entry in entries for part in entry.split(" ")
        )
        return frozenset(every_word) | self.known_capitals


def _is_subject(tokens: Sequence[Token], found: Sequence[set[str]], index: int, lexicons: Lexicons) -> bool:
    """An unknown capitalised word opening a sentence, followed in that sentence by a word that says what
    someone does ("Bartek didn't", "Ilse flatly refuses", "Oksana's"): a name acting as the subject."""
    after = index + 1
    if after >= len(tokens) or tokens[after].opens:
        return False
    following = tokens[after].text
    return not found[after].isdisjoint(lexicons.subject_next) or (
        len(following) >= SUFFIXED_LENGTH and following.endswith(lexicons.subject_suffixes)
    )


def categories_at(tokens: Sequence[Token], lexicons: Lexicons) -> list[set[str]]:
    """For each token, the categories of the lexicon entries that start at it."""
    words = [token.text for token in tokens]
    found: list[set[str]] = [set() for _ in tokens]
    for start, word in enumerate(words):
        for category, parts in lexicons.by_first_word.get(word, ()):
            if words[start : start + len(parts)] == parts:
                for spanned in found[start : start + len(parts)]:
                    spanned.add(category)
    people = [
        token.text not in lexicons.known_words
        and (token.capitalised or (token.opens_capitalised and _is_subject(tokens, found, index, lexicons)))
        for index, token in enumerate(tokens)
    ]
    for index, person in enumerate(people):
        if person:
            found[index].add(PERSON)
            if tokens[index].opens:
                found[index].add(SUBJECT)
    for here in found:
        if not here.isdisjoint(lexicons.agents):
            here.add(AGENT)
    return found


def named_features(tokens: Sequence[Token], lexicons: Lexicons) -> set[str]:
    at = categories_at(tokens, lexicons)
    present: set[str] = set().union(*at)
    if AGENT not in present:
        present.add(NO_AGENT)
    if present.isdisjoint(lexicons.cues):
        present.add(NO_CUE)
    names = set(present)
    for first, second in lexicons.together:
        if first in present and second in present:
            names.add(f"{first}+{second}")
    for first, second in lexicons.near:
        for index, here in enumerate(at):
            if first in here and any(
                second in after for after in at[index + 1 : index + 1 + lexicons.window]
            ):
                names.add(f"{first}>{second}")
                break
    return names


def hashed_features(tokens: Sequence[Token]) -> set[str]:
    words = [token.text for token in tokens]
    features = {f"w:{word}" for word in words}
    features.update(f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False))
    for word in words:
        padded = f"<{word}>"
        for size in CHAR_GRAMS:
            features.update(f"c:{padded[start : start + size]}" for start in range(len(padded) - size + 1))
    return features
