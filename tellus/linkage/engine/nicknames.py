"""A small built-in table of English given-name nicknames and the formal name each stands for.

Only common, unambiguous pairs are listed: a nickname maps to one formal name, so 'Bill' and 'William' share a
canonical form and count as the same first name (at a weaker level than an exact match).
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "william": ("bill", "billy", "will", "willy", "liam"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "eliza", "libby", "elisabeth"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "margaret": ("peggy", "maggie", "meg", "marge", "margie", "madge", "greta"),
    "richard": ("dick", "rick", "ricky", "richie", "rich"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jon"),
    "charles": ("charlie", "chuck", "chas"),
    "edward": ("ted", "teddy", "eddie", "ed", "ned"),
    "thomas": ("tom", "tommy"),
    "michael": ("mike", "mick", "mickey", "micky"),
    "christopher": ("chris", "kit"),
    "anthony": ("tony",),
    "joseph": ("joe", "joey"),
    "daniel": ("dan", "danny"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "nicholas": ("nick", "nicky"),
    "benjamin": ("ben", "benny"),
    "samuel": ("sam", "sammy"),
    "alexander": ("alex", "sandy", "xander"),
    "david": ("dave", "davy"),
    "stephen": ("steve", "stevie", "steven"),
    "peter": ("pete",),
    "patrick": ("pat", "paddy"),
    "henry": ("harry", "hal", "hank"),
    "francis": ("frank", "frankie"),
    "frederick": ("fred", "freddie", "freddy"),
    "lawrence": ("larry", "laurie"),
    "leonard": ("leo", "len", "lenny"),
    "raymond": ("ray",),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "gerald": ("gerry", "jerry"),
    "timothy": ("tim", "timmy"),
    "zachary": ("zach", "zac", "zack"),
    "jonathan": ("jonny", "jonty"),
    "nathaniel": ("nate", "nat"),
    "joshua": ("josh",),
    "jacob": ("jake",),
    "katherine": ("kate", "katie", "kathy", "kath", "kitty", "catherine", "kathryn", "cathy", "cate"),
    "susan": ("sue", "susie", "suzy"),
    "jennifer": ("jen", "jenny", "jenna"),
    "rebecca": ("becky", "becca", "bec"),
    "deborah": ("debbie", "deb", "debra"),
    "patricia": ("patty", "trish", "tricia", "patsy"),
    "victoria": ("vicky", "vicki", "tori"),
    "alexandra": ("alex", "lexi", "sasha"),
    "abigail": ("abby", "abbie"),
    "samantha": ("sammie",),
    "jessica": ("jess", "jessie"),
    "christine": ("chrissy", "christina", "tina"),
    "dorothy": ("dot", "dotty", "dolly"),
    "mary": ("molly", "polly", "mae", "mamie"),
    "sarah": ("sally", "sadie", "sara"),
    "ann": ("annie", "anne", "anna", "nancy", "nan"),
    "helen": ("nell", "nellie", "ellen"),
    "eleanor": ("ellie", "nora", "elle"),
    "isabella": ("bella", "izzy", "isabel", "isobel"),
    "jacqueline": ("jackie", "jacqui"),
    "judith": ("judy", "jude"),
    "kimberly": ("kim", "kimberley"),
    "madeleine": ("maddie", "maddy", "madeline"),
    "pamela": ("pam",),
    "penelope": ("penny",),
    "rosemary": ("rosie", "rose"),
    "theresa": ("tess", "tessa", "terry", "teresa"),
    "virginia": ("ginny", "ginger"),
    "frances": ("fran", "fanny"),
    "gwendolyn": ("gwen",),
    "josephine": ("jo", "josie"),
    "caroline": ("carrie", "carol", "carolyn"),
    "cynthia": ("cindy",),
    "natalie": ("nat", "tally"),
    "lucille": ("lucy",),
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for formal, nicknames in _GROUPS.items():
        table.setdefault(formal, formal)
        for nickname in nicknames:
            # The first group to claim an ambiguous nickname ('alex', 'nat') keeps it.
            table.setdefault(nickname, formal)
    return table


NICKNAMES: dict[str, str] = _build()


def canonical_first_name(name: str | None) -> str | None:
    """The formal name a (normalised, lower-case) given name stands for; the name itself when it is no nickname."""
    if not name:
        return None
    return NICKNAMES.get(name, name)
