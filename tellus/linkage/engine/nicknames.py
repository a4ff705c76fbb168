"""A small built-in table of English given-name nicknames and the formal name each stands for.

A nickname maps to its formal name, so 'Bill' and 'William' share a canonical form and count as the same first name
(at a weaker level than an exact match). A nickname short for two formal names ('Nicky' for Nicholas or Nicola,
'Jo' for Josephine or Joanne) puts both formal names in one group: a record saying 'Nicky' must be able to match
either, at the price that Nicholas and Nicola count as nicknames of each other.
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "william": ("bill", "billy", "will", "willy", "liam"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "eliza", "libby", "elisabeth"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "margaret": ("peggy", "maggie", "meg", "marge", "margie", "madge", "greta"),
    "richard": ("dick", "rick", "ricky", "richie", "rich"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny"),
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
    "jonathan": ("jon", "jonny", "jonty"),
    "nathaniel": ("nate", "nat"),
    "joshua": ("josh",),
    "jacob": ("jake",),
    "katherine": ("kate", "katie", "kathy", "kath", "kitty", "catherine", "kathryn", "cathy", "cate"),
    "susan": ("sue", "susie", "suzy"),
    "jennifer": ("jen", "jenny", "jenna"),
    "rebecca": ("becky", "becca", "bec"),
    "deborah": ("debbie", "deb", "debra"),
    "patricia": ("pat", "patty", "trish", "tricia", "patsy"),
    "victoria": ("vicky", "vicki", "tori"),
    "alexandra": ("alex", "lexi", "sasha"),
    "abigail": ("abby", "abbie"),
    "samantha": ("sam", "sammie"),
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
    "nicola": ("nicky", "nikki", "nicki"),
    "joanne": ("jo", "joanna", "jojo"),
    "philip": ("phil", "phillip", "pip"),
    "kenneth": ("ken", "kenny"),
    "barbara": ("babs", "barb", "barbie"),
    "kathleen": ("kath", "kathy"),
    "douglas": ("doug", "dougie"),
    "stephanie": ("steph", "steffi"),
    "florence": ("flo", "florrie", "flossie"),
    "valerie": ("val",),
    "harriet": ("hattie", "hatty"),
    "gillian": ("gill", "gillie"),
    "geoffrey": ("geoff", "jeff", "jeffrey"),
    "gregory": ("greg",),
    "albert": ("albie",),
    "alfred": ("alf", "alfie"),
    "ernest": ("ernie",),
    "bernard": ("bernie",),
    "vincent": ("vince", "vinny"),
    "reginald": ("reg", "reggie"),
    "terence": ("terry", "tel"),
    "gordon": ("gordy",),
    "clifford": ("cliff",),
    "wilfred": ("wilf",),
    "stanley": ("stan",),
    "sidney": ("sid", "syd"),
    "herbert": ("herb",),
    "angela": ("angie",),
    "beverley": ("bev",),
    "louise": ("lou", "lulu"),
    "rachel": ("rach",),
    "charlotte": ("lottie",),
    "amanda": ("mandy",),
    "lorraine": ("lorrie",),
    "gabriel": ("gabe",),
    "gabrielle": ("gabby", "gabi"),
}


def _build() -> dict[str, str]:
    """Name -> canonical form. Formal names that share a nickname are merged into one group, whose canonical form is
    the formal name listed first."""
    group_of: dict[str, str] = {}

    def root(name: str) -> str:
        while group_of[name] != name:
            name = group_of[name]
        return name

    claimed: dict[str, str] = {}
    for formal, nicknames in _GROUPS.items():
        group_of.setdefault(formal, formal)
        for nickname in (formal, *nicknames):
            if nickname in claimed and root(claimed[nickname]) != root(formal):
                group_of[root(formal)] = root(claimed[nickname])
            claimed.setdefault(nickname, formal)
    return {name: root(formal) for name, formal in claimed.items()}


NICKNAMES: dict[str, str] = _build()


def canonical_first_name(name: str | None) -> str | None:
    """The formal name a (normalised, lower-case) first name stands for; the name itself when it is no nickname.

    Only the first given name counts: 'Robert George' and 'Bobby' both stand for Robert."""
    if not name:
        return None
    given = name.split(" ", 1)[0]
    return NICKNAMES.get(given, given)
