"""Generate synthetic UK-style person records with known duplicates, households and twins.

For tests, the benchmark and demonstrations only: every name, address and NHS number is
made up (NHS numbers are drawn at random and given a valid check digit). Each household
shares a family name, an address and a postcode; some households have twins, who also
share a date of birth. A fraction of people appear twice, the second record written by
another agency: typos, nicknames, day and month swapped, an old address, another date
format, a missing NHS number.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import jellyfish
import numpy as np
import pandas as pd

from safeguard.records.linkage.cleaning import nickname_table

BOYS = (
    "William James Thomas Oliver Harry George Charles Henry Edward Alexander Benjamin Samuel "
    "Daniel Joseph Matthew Michael David Robert Richard Christopher Joshua Nathan Noah "
    "Muhammad Arthur Alfie Archie Oscar Isaac Ethan Mason Logan Dylan Riley Finley Reuben "
    "Harrison Sebastian Zachary Tobias Adam Ryan Tyler Kai Elijah Ibrahim Yusuf Aarav Rory "
    "Callum Connor Owen Caleb Albie Stanley Hugo Elliot Jude Jenson Roman Ezra Hunter Harvey "
    "Frederick Patrick Kenneth Simon Peter Anthony Vincent Lawrence Gabriel Felix Jasper"
).split()
GIRLS = (
    "Olivia Amelia Isla Ava Ivy Lily Isabella Rosie Sophia Grace Freya Evie Florence Poppy "
    "Charlotte Willow Sienna Ella Emily Daisy Matilda Phoebe Harper Alice Ruby Evelyn Jessica "
    "Lucy Hannah Chloe Megan Holly Lauren Rebecca Elizabeth Sarah Victoria Abigail Eleanor "
    "Margaret Catherine Georgina Zara Aisha Maryam Fatima Layla Esme Maya Harriet Penelope "
    "Beatrice Imogen Jasmine Scarlett Naomi Leah Bethany Keira Paige Niamh Erin Caitlin "
    "Jennifer Natalie Samantha Stephanie Patricia Josephine Frances Julia Madeleine Violet"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
    "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham "
    "Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders "
    "Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson "
    "Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
    "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn "
    "Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver "
    "Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess "
    "Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton "
    "Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins "
    "Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston "
    "Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis "
    "Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber "
    "Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch "
    "Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood"
).split()
#: How names are spread in the population the generator draws from: ``"realistic"`` (the
#: default) follows published shares for England and Wales; ``"narrow"`` is the generator
#: until 30 November 2026 (the 78 given names of each sex drawn evenly, and 250 family
#: names with Smith on one household in eleven), kept to reproduce earlier measurements.
NAME_SPREADS = ("realistic", "narrow")

# Realistic spreads (docs/linkage.md, "Names as common as they really are"):
# - Family names: Smith is held by 1.2 to 1.4% of people in England and Wales, Jones by
#   0.9 to 1.1%, the tenth name by about 0.35% and the twentieth by about 0.28%
#   (surnamestudies.org.uk, "Comparative table of 300 leading surnames", registers of
#   1853 to 1996); Britain has about 45,000 family names held by a hundred people or more
#   (Oxford Dictionary of Family Names in Britain and Ireland, University of the West of
#   England, 2016). The 250 names above take 1.2% times the rank to the power -0.5 (36%
#   of people together); 20,000 made-up names share the rest, ever rarer.
# - Given names: in 2012 the 729,674 babies born in England and Wales were given more
#   than 28,000 different boys' names and 36,000 girls' names, and the top ten names were
#   13% of all (Office for National Statistics, baby names 2012); since 2017 the top
#   hundred names are under half of all babies (ONS, baby names 2017). The names above come
#   first, at shares falling as a power of the rank fitted to those two figures, then
#   12,000 made-up names of each sex share the rest.
_FAMILY_TOP_SHARE = 0.012
_FAMILY_EXPONENT = 0.5
_FAMILY_TAIL = 20_000
_GIVEN_TOP_TEN_SHARE = 0.13
_GIVEN_TOP_HUNDRED_SHARE = 0.50
_GIVEN_TAIL = 12_000

_SURNAME_STARTS = tuple(
    dict.fromkeys(
        (
            "Ash Ayles Bar Black Brad Bram Brook Brom Bur Cal Car Chad Chap Chil Clay Cold "
            "Cran Crom Dar Dun East Eld Elm Fair Far Fen Fern Gold Gran Hal Ham Har Hart Hay "
            "Hazel Heath Hen Hol Horn Hux Kel Ken Kings Kirk Lang Lat Lea Lin Lock Mar Mel Mid "
            "Mill Mor Nor Oak Old Pem Pen Pick Rad Rams Raven Red Rid Rud Rush Sal Sand Shel "
            "Staf Stan Stock Strat Sud Swin Tal Thorn Tod Wal War Wat Wel Whit Wick Wil Win "
            "Wor Wy Ack Ald Alt Ard Bas Bel Bil Bos Bot Brack Bran Bris Cam Cas Chel Cle Cod "
            "Cot Cul Dal Dean Den Dod Dray Dur Ed Eg Em Ev Fal Fel Fish Fol Ful Gar Gil Glad "
            "Glen Gos Had Hag Hamp Haw Hed Hep Hig Hod Hud Ing Kim Kin Knap Lad Lax Led Lid "
            "Lud Lyn Man Mat Med Mer Mol Mos Nap Net New Nut Od Os Ott Pad Par Pel Pil Pol "
            "Pot Pres Pud Quen Rav Rock Row Rox Ryl Sax Scar Sed Sel Shar Sher Skel Slad Sned "
            "Sop Stav Sten Stow Sym Tad Tam Tet Thur Tib Tol Tot Trel Tun Ux Ver Wad Wak Wen "
            "Wes Wim"
        ).split()
    )
)
_SURNAME_ENDS = (
    "ley ton ford field worth by ham well wood more stead hurst combe den dale bury bridge "
    "brook wick land cott gate hill ridge shaw thorpe low er man son ington en all ock et "
    "way ing stone leigh"
).split()
_GAELIC_STEMS = (
    "Alister Allan Andrew Arthur Aulay Bain Bean Bride Cabe Cann Carthy Cord Crae Cready "
    "Culloch Dermott Dougall Dowell Duff Ewan Fadden Farlane Gill Gillivray Gowan Grath "
    "Guire Hugh Innes Intyre Iver Kay Keever Kendrick Kenna Kenzie Kinnon Laren Lean Leod "
    "Lachlan Mahon Manus Millan Nab Nair Namara Neil Nulty Pherson Quade Queen Rae Robbie "
    "Shane Sweeney Taggart Tavish Vey Whirter"
).split()
_SYLLABLE_STARTS = "B Br C D Dr F G H J K L M N P R S T Tr V W Z Ad Ok Ol Ab Ez Ib Ud".split()
_SYLLABLE_VOWELS = "a e i o u ay ee".split()
_SYLLABLE_MIDDLES = "b d k l m n r s t v z".split()
_SURNAME_SYLLABLE_ENDS = "a e i o u ani eri owski ak enko elli ado ova ez ian".split()
_BOY_ENDS = "an en on o ius ley ton iel ar is".split()
_GIRL_ENDS = "a ia elle ine ey ina ara isha yn ette".split()


def _made_up(ends: list[str], count: int, rng: random.Random, taken: set[str]) -> list[str]:
    """``count`` distinct made-up names of syllables ending in ``ends``, none in ``taken``."""
    combinations = [
        f"{start}{vowel}{middle}{end}"
        for start in _SYLLABLE_STARTS
        for vowel in _SYLLABLE_VOWELS
        for middle in _SYLLABLE_MIDDLES
        for end in ends
    ]
    rng.shuffle(combinations)
    return [name for name in dict.fromkeys(combinations) if name not in taken][:count]


def _power_tail(head: np.ndarray, total: int) -> np.ndarray:
    """Shares for the ranks after ``head`` up to ``total``.

    A power of the rank, continuing from the head's last share, steep enough that all
    shares add up to 1.
    """
    ranks = np.arange(len(head) + 1, total + 1) / len(head)
    left = 1.0 - head.sum()
    low, high = 0.01, 6.0
    for _ in range(60):
        exponent = (low + high) / 2
        if (head[-1] * ranks**-exponent).sum() > left:
            low = exponent
        else:
            high = exponent
    tail = head[-1] * ranks**-exponent
    return tail * (left / tail.sum())


def _given_head_shares() -> np.ndarray:
    """Shares of the 100 commonest given names of one sex.

    The share is a constant times the rank to the power -b, with the top ten at 13% and
    the top hundred at 50%.
    """
    ranks = np.arange(1, 101)
    low, high = 0.05, 2.0
    target = _GIVEN_TOP_HUNDRED_SHARE / _GIVEN_TOP_TEN_SHARE
    for _ in range(60):
        exponent = (low + high) / 2
        shares = ranks**-exponent
        if shares.sum() / shares[:10].sum() > target:
            low = exponent
        else:
            high = exponent
    shares = ranks**-exponent
    return shares * (_GIVEN_TOP_TEN_SHARE / shares[:10].sum())


@functools.cache
def name_pools(spread: str = "realistic") -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For ``"boys"``, ``"girls"`` and ``"family"``: the names and each one's share."""
    if spread not in NAME_SPREADS:
        raise ValueError(f"Unknown name spread {spread!r}: use one of {', '.join(NAME_SPREADS)}.")
    if spread == "narrow":
        weights = 1 / np.arange(1, len(SURNAMES) + 1) ** 0.8
        return {
            "boys": (np.array(BOYS, dtype=object), np.full(len(BOYS), 1 / len(BOYS))),
            "girls": (np.array(GIRLS, dtype=object), np.full(len(GIRLS), 1 / len(GIRLS))),
            "family": (np.array(SURNAMES, dtype=object), weights / weights.sum()),
        }
    rng = random.Random(20261201)  # noqa: S311 - made-up test data
    taken = set(SURNAMES)
    english = [f"{start}{end}" for start in _SURNAME_STARTS for end in _SURNAME_ENDS]
    gaelic = [f"{prefix}{stem}" for prefix in ("Mac", "Mc") for stem in _GAELIC_STEMS]
    gaelic += [f"O'{stem}" for stem in _GAELIC_STEMS[:30]]
    tail = [name for name in dict.fromkeys(english + gaelic) if name not in taken]
    taken.update(tail)
    tail += _made_up(_SURNAME_SYLLABLE_ENDS, _FAMILY_TAIL - len(tail), rng, taken)
    rng.shuffle(tail)
    family_head = _FAMILY_TOP_SHARE * np.arange(1, len(SURNAMES) + 1) ** -_FAMILY_EXPONENT
    family = np.array(list(SURNAMES) + tail[:_FAMILY_TAIL], dtype=object)
    pools = {
        "family": (family, np.concatenate([family_head, _power_tail(family_head, len(family))]))
    }
    given_taken = set(BOYS) | set(GIRLS)
    given_head = _given_head_shares()
    for sex, real, ends in (("boys", BOYS, _BOY_ENDS), ("girls", GIRLS, _GIRL_ENDS)):
        made_up = _made_up(ends, _GIVEN_TAIL, rng, given_taken)
        given_taken.update(made_up)
        # The real names first; made-up ones continue the fitted curve to the hundredth
        # rank, then a steeper tail takes the rest.
        names = np.array(list(real) + made_up, dtype=object)
        pools[sex] = (names, np.concatenate([given_head, _power_tail(given_head, len(names))]))
    return pools


STREETS = (
    "High Street|Station Road|Church Lane|Park Avenue|Victoria Road|Green Lane|Manor Road|"
    "Mill Lane|School Lane|Queens Road|New Road|Grange Road|Kings Road|North Street|"
    "Springfield Road|Chapel Street|Albert Road|Windsor Close|Oak Drive|Elm Grove|"
    "Beech Crescent|Meadow Way|Orchard Close|York Road|London Road|Main Street|Cedar Avenue"
).split("|")
TOWNS = "Leeds|Bradford|Wakefield|Halifax|Huddersfield|Harrogate|York|Sheffield".split("|")
AREAS = ("LS", "BD", "WF", "HX", "HD", "HG", "YO", "S")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%d %b %Y", "%Y%m%d", "%d-%m-%Y")


@dataclass(frozen=True)
class SyntheticOptions:
    """How many people and how messy their records are."""

    people: int = 1000
    duplicate_rate: float = 0.10
    twin_rate: float = 0.03
    nhs_known_rate: float = 0.7
    #: Of the second records written after a move, the share that also hold the
    #: previous postcode (an address history, as a GP or the person's record keeps).
    previous_postcode_rate: float = 0.0
    #: Of the second records, the share whose date of birth was typed with one digit
    #: wrong, and the share with two neighbouring digits swapped (``20121403`` for
    #: ``20121304``): the data-entry errors besides day and month swapped and a year out.
    dob_digit_slip_rate: float = 0.02
    dob_transposition_rate: float = 0.02
    #: Of the people who moved house, the share who moved within their postcode
    #: district, and the share who moved to another district of the same postcode area;
    #: the rest moved anywhere. Most moves are short: 34% of moves in England and Wales
    #: stayed within the postcode district and 68% within the postcode area
    #: (Consumer Data Research Centre, "Household Mobility - Where and how far do we
    #: move?", property transactions of 2014).
    move_within_district_rate: float = 0.34
    move_within_area_rate: float = 0.34
    #: How names are spread: ``"realistic"`` or ``"narrow"`` (see :data:`NAME_SPREADS`).
    names: str = "realistic"
    #: Of the second records, the share written under another given name the person is
    #: known by (a middle name, a chosen name, a name used at school), and whether the
    #: person's first record holds that name in ``other_names``, as the product fills it
    #: from the person's record.
    other_name_rate: float = 0.0
    other_names_on_record: bool = True
    seed: int = 1


def _short_forms() -> dict[str, list[str]]:
    """For each formal name, the short forms that stand only for it or include it."""
    forms: dict[str, list[str]] = {}
    for short, formals in nickname_table().items():
        for formal in formals:
            if short != formal:
                forms.setdefault(formal, []).append(short.title())
    return forms


@functools.lru_cache(maxsize=200_000)
def _names_clash(first: str, second: str) -> bool:
    """Whether two given names are close enough that siblings would not be given both."""
    a, b = first.upper(), second.upper()
    if a == b or jellyfish.jaro_winkler_similarity(a, b) >= 0.85:
        return True
    if jellyfish.levenshtein_distance(a, b) <= 1:
        return True
    if jellyfish.metaphone(a) == jellyfish.metaphone(b):
        return True
    table = nickname_table()
    return bool(set(table.get(a, (a,))) & set(table.get(b, (b,))))


def _clash(first: str, second: str) -> bool:
    """:func:`_names_clash` in either order (one cache entry per pair of names)."""
    return _names_clash(min(first, second), max(first, second))


@functools.cache
def _given_name_draws(spread: str) -> dict[str, tuple[list[str], list[float]]]:
    """For each sex ("M", "F"): the given names and their cumulative shares, to redraw one."""
    pools = name_pools(spread)
    return {
        sex: (list(pools[pool][0]), list(np.cumsum(pools[pool][1])))
        for sex, pool in (("M", "boys"), ("F", "girls"))
    }


def _valid_nhs_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    digits = rng.integers(0, 10, size=(count * 2, 9))
    weights = np.arange(10, 1, -1)
    check = 11 - (digits @ weights) % 11
    check[check == 11] = 0
    ok = (check != 10) & (digits.min(axis=1) != digits.max(axis=1))
    digits, check = digits[ok][:count], check[ok][:count]
    numbers = digits @ (10 ** np.arange(9, 0, -1)) + check
    return np.char.zfill(numbers.astype(str), 10)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    position = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 0:
        return text[:position] + letter + text[position + 1 :]
    if kind == 1:
        return text[:position] + text[position + 1 :]
    if kind == 2:
        return text[:position] + letter + text[position:]
    return text[: position - 1] + text[position] + text[position - 1] + text[position + 1 :]


def _valid_date(digits: str) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(year=int(digits[:4]), month=int(digits[4:6]), day=int(digits[6:]))
    except ValueError:
        return None


def _dob_slip(rng: random.Random, dob: pd.Timestamp, *, transpose: bool) -> pd.Timestamp:
    """The date of birth with one digit typed wrong, or two neighbouring digits swapped.

    Takes the positions in random order and keeps the first that gives another real
    date; the date unchanged when none does.
    """
    digits = dob.strftime("%Y%m%d")
    if transpose:
        candidates = [
            digits[:at] + digits[at + 1] + digits[at] + digits[at + 2 :]
            for at in range(len(digits) - 1)
        ]
    else:  # a century typed wrong is caught at once, so from the decade on
        candidates = [
            digits[:at] + digit + digits[at + 1 :]
            for at in range(2, len(digits))
            for digit in "0123456789"
        ]
    rng.shuffle(candidates)
    for candidate in candidates:
        slipped = _valid_date(candidate)
        if candidate != digits and slipped is not None and 1900 <= slipped.year <= 2026:
            return slipped
    return dob


def _new_postcode(rng: random.Random, postcode: str, options: SyntheticOptions) -> tuple[str, bool]:
    """A postcode after a move, and whether it is in the same postcode district."""
    district, _ = postcode.split(" ")
    area = district.rstrip("0123456789")
    roll = rng.random()
    if roll < options.move_within_district_rate:
        new_district = district
    elif roll < options.move_within_district_rate + options.move_within_area_rate:
        new_district = f"{area}{rng.randrange(1, 30)}"
    else:
        new_district = f"{rng.choice(AREAS)}{rng.randrange(1, 30)}"
    unit = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
    return f"{new_district} {rng.randrange(10)}{unit}", new_district == district


def generate_households(options: SyntheticOptions) -> pd.DataFrame:
    """One clean record per person: households of children sharing surname and address.

    Columns: person_id, household_id, given_name, family_name, date_of_birth (a date),
    sex, postcode, address, nhs_number (possibly missing).
    """
    rng = np.random.default_rng(options.seed)
    people = options.people
    sizes = rng.choice([1, 2, 3, 4], size=people, p=[0.35, 0.35, 0.2, 0.1])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), people) + 1]
    households = len(sizes)
    household_of = np.repeat(np.arange(households), sizes)[:people]

    pools = name_pools(options.names)
    family_names, family_shares = pools["family"]
    surname = family_names[rng.choice(len(family_names), households, p=family_shares)]
    area = np.array(AREAS)[rng.integers(0, len(AREAS), households)]
    district = rng.integers(1, 30, households).astype(str)
    sector = rng.integers(0, 10, households).astype(str)
    letters = np.array(list(POSTCODE_LETTERS))
    unit = letters[rng.integers(0, len(letters), households)].astype(object) + letters[
        rng.integers(0, len(letters), households)
    ].astype(object)
    postcode = area.astype(object) + district.astype(object) + " " + sector + unit
    street = np.array(STREETS)[rng.integers(0, len(STREETS), households)]
    town = np.array(TOWNS)[rng.integers(0, len(TOWNS), households)]
    number = rng.integers(1, 250, households).astype(str)
    address = number.astype(object) + " " + street + ", " + town

    sex = np.where(rng.random(people) < 0.5, "M", "F")
    start = np.datetime64("2004-01-01")
    dob = start + rng.integers(0, 365 * 20, people).astype("timedelta64[D]")
    boys, boy_shares = pools["boys"]
    girls, girl_shares = pools["girls"]
    given = np.where(
        sex == "M",
        boys[rng.choice(len(boys), people, p=boy_shares)],
        girls[rng.choice(len(girls), people, p=girl_shares)],
    ).astype(object)

    # Siblings get clearly different names; twins share a date of birth.
    py_rng = random.Random(options.seed)  # noqa: S311 - made-up test data
    redraw = _given_name_draws(options.names)
    first_of_household = np.r_[0, np.cumsum(sizes)[:-1]]
    for household in np.flatnonzero(sizes > 1):
        begin = first_of_household[household]
        members = range(begin, min(begin + sizes[household], people))
        taken: list[str] = []
        for member in members:
            names, cumulative = redraw[sex[member]]
            while any(_clash(given[member], other) for other in taken):
                given[member] = py_rng.choices(names, cum_weights=cumulative)[0]
            taken.append(given[member])
        if len(taken) > 1 and py_rng.random() < options.twin_rate * 4:
            dob[members[1]] = dob[members[0]]

    nhs = _valid_nhs_numbers(rng, people).astype(object)
    nhs[rng.random(people) >= options.nhs_known_rate] = None
    return pd.DataFrame(
        {
            "person_id": np.arange(people),
            "household_id": household_of,
            "given_name": given,
            "family_name": surname[household_of],
            "date_of_birth": pd.to_datetime(dob),
            "sex": sex,
            "postcode": postcode[household_of],
            "address": address[household_of],
            "nhs_number": nhs,
        }
    )


def _messy_copy(
    row: dict,
    rng: random.Random,
    short_forms: dict[str, list[str]],
    options: SyntheticOptions,
) -> dict:
    """Another agency's record of the same person."""
    copy = dict(row)
    copy["previous_postcodes"] = None
    given = copy["given_name"]
    roll = rng.random()
    if roll < 0.2 and short_forms.get(given.upper()):
        copy["given_name"] = rng.choice(short_forms[given.upper()])
    elif roll < 0.4:
        copy["given_name"] = _typo(rng, given)
    elif roll < 0.45:
        copy["given_name"] = given.upper()
    if rng.random() < 0.2:
        copy["family_name"] = _typo(rng, copy["family_name"])
    elif rng.random() < 0.05:
        copy["family_name"] = f"{copy['family_name']}-{rng.choice(SURNAMES)}"
    dob = copy["date_of_birth"]
    roll = rng.random()
    if roll < 0.1 and dob.day <= 12 and dob.day != dob.month:
        dob = dob.replace(day=dob.month, month=dob.day)
    elif roll < 0.13 and not (dob.month == 2 and dob.day == 29):
        dob = dob.replace(year=dob.year + rng.choice((-1, 1)))
    elif roll < 0.13 + options.dob_digit_slip_rate:
        dob = _dob_slip(rng, dob, transpose=False)
    elif roll < 0.13 + options.dob_digit_slip_rate + options.dob_transposition_rate:
        dob = _dob_slip(rng, dob, transpose=True)
    copy["date_of_birth"] = dob
    if rng.random() < 0.25:  # moved house since
        if options.previous_postcode_rate and rng.random() < options.previous_postcode_rate:
            copy["previous_postcodes"] = copy["postcode"]
        copy["postcode"], nearby = _new_postcode(rng, copy["postcode"], options)
        town = copy["address"].rsplit(", ", 1)[-1] if nearby else rng.choice(TOWNS)
        copy["address"] = f"{rng.randrange(1, 250)} {rng.choice(STREETS)}, {town}"
    elif rng.random() < 0.2:
        copy["postcode"] = copy["postcode"].replace(" ", "").lower()
    if rng.random() < 0.4:
        copy["nhs_number"] = None
    if rng.random() < 0.1:
        copy["sex"] = None
    return copy


def _known_by_other_names(
    base: pd.DataFrame, duplicates: pd.DataFrame, chosen: list[int], options: SyntheticOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Second records written under another given name the person is known by.

    The other name is drawn like any given name of the person's sex and never clashes
    with theirs; the first record lists it in ``other_names`` when
    ``options.other_names_on_record``.
    """
    rng = random.Random(options.seed + 3)  # noqa: S311 - made-up test data
    draws = _given_name_draws(options.names)
    base = base.assign(other_names=None)
    duplicates = duplicates.copy()
    for position, person in enumerate(chosen):
        if rng.random() >= options.other_name_rate:
            continue
        own = base.at[person, "given_name"]
        names, cumulative = draws[base.at[person, "sex"]]
        other = own
        while _clash(own, other):
            other = rng.choices(names, cum_weights=cumulative)[0]
        duplicates.at[position, "given_name"] = other
        if options.other_names_on_record:
            base.at[person, "other_names"] = other
    return base, duplicates


def generate_records(options: SyntheticOptions) -> pd.DataFrame:
    """Records ready for the linkage CLI, plus the truth (person_id, household_id).

    ``options.people`` people, and ``duplicate_rate`` of them a second time. Dates are
    written in one of several formats, as different agencies write them. Rows are
    shuffled; ``record_id`` is ``R`` and a number.
    """
    base = generate_households(options)
    rng = random.Random(options.seed + 1)  # noqa: S311 - made-up test data
    short_forms = _short_forms()
    count = int(round(options.people * options.duplicate_rate))
    chosen = rng.sample(range(options.people), count)
    duplicates = pd.DataFrame(
        [
            _messy_copy(row, rng, short_forms, options)
            for row in base.iloc[chosen].to_dict("records")
        ]
    )
    if options.other_name_rate:
        base, duplicates = _known_by_other_names(base, duplicates, chosen, options)
    records = pd.concat([base, duplicates], ignore_index=True)
    records["date_of_birth"] = pd.to_datetime(records["date_of_birth"])
    np_rng = np.random.default_rng(options.seed + 2)
    formats = np_rng.integers(0, len(DATE_FORMATS), len(records))
    written = pd.Series(index=records.index, dtype="object")
    for position, date_format in enumerate(DATE_FORMATS):
        mask = formats == position
        written[mask] = records.loc[mask, "date_of_birth"].dt.strftime(date_format)
    records["date_of_birth"] = written
    records = records.sample(frac=1, random_state=options.seed).reset_index(drop=True)
    records.insert(0, "record_id", [f"R{number}" for number in range(len(records))])
    if not options.previous_postcode_rate:
        records = records.drop(columns=["previous_postcodes"], errors="ignore")
    return records
