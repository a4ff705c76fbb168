"""The words the synthetic town is made of: first names by generation, surnames, nicknames, streets, businesses.

Every name here is common or invented; any resemblance to a real person is the nature of common names.
Lists are tuples so that iteration order, and therefore the generated town, never depends on hashing.
"""

from __future__ import annotations

import random
import re

# fmt: off
# First names by the generation that favoured them: people born before 1960, 1960-1994, and from 1995.
MALE_OLD = (
    "John", "William", "Robert", "George", "Thomas", "James", "Peter", "David", "Michael", "Kenneth",
    "Ronald", "Raymond", "Dennis", "Roy", "Ernest", "Harold", "Albert", "Frederick", "Leonard", "Walter",
    "Stanley", "Douglas", "Gordon", "Frank", "Arthur", "Colin", "Derek", "Trevor", "Malcolm", "Keith",
    "Brian", "Alan", "Barry", "Graham", "Edward", "Charles", "Richard", "Anthony", "Patrick", "Joseph",
)
MALE_MID = (
    "David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Steven", "Christopher", "Michael", "James",
    "Daniel", "Matthew", "Jonathan", "Timothy", "Simon", "Neil", "Stuart", "Ian", "Lee", "Jason",
    "Craig", "Darren", "Gary", "Wayne", "Kevin", "Nicholas", "Robert", "John", "Thomas", "William",
    "Adam", "Ben", "Benjamin", "Samuel", "Alexander", "Mohammed", "Imran", "Tomasz", "Piotr", "Rajesh",
    "Sanjay", "Kwame", "Chidi", "Sean", "Liam", "Ryan", "Carl", "Dean", "Scott", "Philip",
)
MALE_NEW = (
    "Oliver", "Jack", "Harry", "Noah", "Leo", "Oscar", "Alfie", "Charlie", "Freddie", "Arthur",
    "George", "Henry", "Thomas", "William", "James", "Joshua", "Jacob", "Samuel", "Benjamin", "Ethan",
    "Lucas", "Theo", "Finley", "Reuben", "Sebastian", "Toby", "Zachary", "Elliot", "Isaac", "Archie",
    "Muhammad", "Yusuf", "Hamza", "Ali", "Arjun", "Rohan", "Jakub", "Kai", "Callum", "Connor",
    "Lewis", "Owen", "Rhys", "Dylan", "Nathan", "Luke", "Max", "Logan", "Mason", "Tyler",
)
FEMALE_OLD = (
    "Margaret", "Mary", "Patricia", "Elizabeth", "Barbara", "Dorothy", "Jean", "Joan", "Irene", "Doris",
    "Edna", "Gladys", "Vera", "Eileen", "Sheila", "Maureen", "Brenda", "Pamela", "Shirley", "Betty",
    "Sylvia", "Christine", "Janet", "Valerie", "Pauline", "Kathleen", "Audrey", "Marjorie", "Rita", "Joyce",
    "Ann", "Anne", "Susan", "Judith", "Carol", "Sandra", "Helen", "Rosemary", "Gillian", "Linda",
)
FEMALE_MID = (
    "Sarah", "Emma", "Claire", "Nicola", "Lisa", "Joanne", "Rachel", "Karen", "Michelle", "Helen",
    "Kelly", "Louise", "Victoria", "Rebecca", "Laura", "Gemma", "Kirsty", "Leanne", "Tracey", "Donna",
    "Julie", "Amanda", "Deborah", "Samantha", "Catherine", "Katherine", "Elizabeth", "Jennifer", "Stephanie", "Natalie",
    "Lucy", "Hannah", "Charlotte", "Jessica", "Amy", "Fatima", "Aisha", "Priya", "Agnieszka", "Katarzyna",
    "Siobhan", "Ngozi", "Mei", "Wendy", "Lorraine", "Alison", "Caroline", "Zoë", "Renée", "Susan",
)
FEMALE_NEW = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
    "Freya", "Poppy", "Evie", "Ella", "Charlotte", "Florence", "Alice", "Chloé", "Zoe", "Hannah",
    "Emily", "Sophie", "Ruby", "Millie", "Daisy", "Phoebe", "Matilda", "Rosie", "Harriet", "Elsie",
    "Amara", "Ananya", "Zofia", "Maryam", "Aaliyah", "Niamh", "Megan", "Bethany", "Abigail", "Jasmine",
    "Elizabeth", "Victoria", "Katherine", "Eleanor", "Lucy", "Erin", "Layla", "Maya", "Willow", "Esme",
)
MIDDLE_MALE = ("John", "James", "William", "David", "Michael", "Thomas", "Edward", "George", "Paul", "Alexander")
MIDDLE_FEMALE = ("Ann", "Anne", "Louise", "Jane", "Marie", "Elizabeth", "Rose", "Mary", "Grace", "May")

# Formal name -> what friends, forms filled in a hurry, and the person themselves often write instead.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Richard": ("Rich", "Rick", "Dick"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Andrew": ("Andy", "Drew"),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Charles": ("Charlie", "Chas"),
    "Alexander": ("Alex", "Sandy"),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "Timothy": ("Tim",),
    "Kenneth": ("Ken",),
    "Peter": ("Pete",),
    "Patrick": ("Pat", "Paddy"),
    "Frederick": ("Fred",),
    "Leonard": ("Len",),
    "Raymond": ("Ray",),
    "Douglas": ("Doug",),
    "Ronald": ("Ron", "Ronnie"),
    "Philip": ("Phil",),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Kate"),
    "Kathleen": ("Kath",),
    "Patricia": ("Pat", "Trish"),
    "Jennifer": ("Jen", "Jenny"),
    "Susan": ("Sue",),
    "Rebecca": ("Becky", "Becca"),
    "Deborah": ("Debbie", "Deb"),
    "Samantha": ("Sam",),
    "Victoria": ("Vicky", "Tori"),
    "Christine": ("Chris",),
    "Stephanie": ("Steph",),
    "Pamela": ("Pam",),
    "Barbara": ("Babs",),
    "Dorothy": ("Dot",),
    "Nicola": ("Nicky",),
    "Abigail": ("Abby",),
    "Isabella": ("Bella", "Izzy"),
    "Gillian": ("Gill",),
    "Joanne": ("Jo",),
    "Eleanor": ("Ellie",),
    "Harriet": ("Hattie",),
    "Florence": ("Flo",),
    "Valerie": ("Val",),
}

# Surnames, most common first; the generator weights them so that Smiths and Joneses are frequent.
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali",
    "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
    "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
    "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
    "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West",
    "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
    "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
    "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
    "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland",
    "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird",
    "Gardner", "Shah", "Dean", "Lane", "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop",
    "McDonald", "O'Connor", "O'Neill", "McCarthy", "Kowalski", "Nowak", "Wiśniewski", "Nguyen", "Chen", "Okafor",
    "Mensah", "Silva", "Santos", "Rossi", "Akhtar", "Chowdhury", "Mahmood", "Osei", "Van der Berg", "MacLeod",
)


# Further real surnames, ranks 201 onwards, in rough order of frequency: British and Irish first, then the town's
# other communities (decision 0012).
SURNAMES_FURTHER = (
    "Ross", "Hamilton", "Fraser", "Morrison", "Duncan", "Black", "Cunningham", "Johnston", "Paterson",
    "Gordon", "Hardy", "Nicholson", "Sutton", "Lambert", "Chambers", "Holt", "Jordan", "Wallace", "Nash",
    "Warren", "Fuller", "Davidson", "Mann", "Lamb", "Shepherd", "Hopkins", "Little", "Doyle", "Byrne",
    "Sharp", "Brennan", "Quinn", "Hammond", "Howell", "Welch", "Norris", "Read", "Bryant", "Hodgson",
    "Slater", "Pritchard", "Cross", "Dale", "Kirby", "Rowe", "Buckley", "Summers", "Conway", "Briggs",
    "Morton", "Sanders", "Tucker", "Frost", "Goodwin", "Benson", "Skinner", "Walters", "Whitehead", "Moss",
    "Barlow", "Bolton", "Hodges", "Lucas", "Hurst", "Watkins", "Howe", "Potter", "Bond", "Barton",
    "Stephens", "Charlton", "Clayton", "Parkinson", "Hancock", "Bradshaw", "Sheppard", "Dyer", "Yates", "Daniels",
    "Vaughan", "Holden", "Kemp", "Townsend", "Norman", "Moran", "Steele", "Kaye", "Fowler", "Rowland",
    "Lord", "Long", "Osborne", "Higgins", "Power", "Walton", "Howarth", "Wade", "Naylor", "Chadwick",
    "Greenwood", "Goddard", "Hale", "Farrell", "Whittaker", "Gilbert", "Finch", "Pope", "Sykes", "Bowen",
    "Lynch", "Gibbs", "Rowley", "Coleman", "Manning", "Baxter", "Tait", "Flynn", "Hewitt", "Nolan",
    "Lees", "Sullivan", "Thornton", "Blake", "Jarvis", "Randall", "Middleton", "Hyde", "Atkins",
    "Mellor", "Marsden", "Birch", "Doherty", "Kay", "Leach", "Tomlinson", "Pollard", "Crawford", "Abbott",
    "Dodd", "Ashton", "Field", "Hilton", "Preston", "Bray", "Metcalfe", "Sharpe", "Horton", "Davey",
    "Whitaker", "Coates", "Jennings", "Cartwright", "Hobbs", "Fry", "Lock", "Weston", "Pugh", "Bowden",
    "Haynes", "Hargreaves", "Forster", "Gough", "Brookes", "Tyler", "Burns", "Sims", "Hobson",
    "Barber", "Hewson", "Denton", "Gallagher", "Kirk", "Stokes", "Rhodes", "Bentley", "Sparkes", "Peacock",
    "Alexander", "Allan", "Milner", "Bull", "Haworth", "Swift", "Cowan", "Jenkinson",
    "Buckingham", "Dobson", "Robson", "Dickson", "Adamson", "Jackman", "Gee", "Lyons", "McKenzie", "McLean",
    "MacDonald", "McGregor", "Maclean", "McIntyre", "McKay", "Mackay", "McLaughlin", "McGrath", "Maguire", "O'Sullivan",
    "O'Donnell", "O'Reilly", "O'Hara", "Kavanagh", "Gallacher", "Dunne", "Fitzgerald", "Regan", "Healy", "Daly",
    "Keane", "Foley", "Cullen", "Hogan", "Burke", "Fleming", "Moloney", "Hennessy", "Costello", "Carroll",
    "Llewellyn", "Pryce", "Bevan", "Prosser", "Meredith", "Gwynne", "Jenkin", "Probert",
    "Sharma", "Kumar", "Gupta", "Mistry", "Parmar", "Chauhan", "Rahman", "Islam", "Iqbal", "Malik",
    "Butt", "Qureshi", "Bibi", "Mirza", "Sandhu", "Dhillon", "Bains", "Sidhu", "Johal", "Bhatti",
    "Rana", "Desai", "Joshi", "Mehta", "Solanki", "Hossain", "Miah", "Uddin", "Rashid", "Hassan",
    "Aziz", "Siddiqui", "Raza", "Nawaz", "Anwar", "Sohal", "Grewal", "Bhogal", "Lakhani", "Thakkar",
    "Kowalczyk", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
    "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Popescu", "Ionescu", "Popa",
    "Dumitru", "Kazlauskas", "Petrauskas", "Horvath", "Novak", "Ivanov",
    "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Wong", "Chan", "Cheung", "Lam",
    "Ng", "Leung", "Tran", "Le", "Pham", "Hoang", "Adeyemi", "Okonkwo", "Adebayo", "Boateng",
    "Owusu", "Asante", "Appiah", "Agyeman", "Nwosu", "Eze", "Ferreira", "Pereira", "Oliveira", "Costa",
    "Rodrigues", "Sousa", "Gomes", "Russo", "Romano", "Esposito", "Bianchi", "Ricci", "Mohamed", "Abdi",
    "Warsame", "Farah", "Yilmaz", "Kaya", "Demir", "Celik", "Papadopoulos", "Georgiou", "Christodoulou",
)

# Stems and endings of English place names; most English surnames outside the commonest were formed this way, and
# the tail of the town's surnames is made from them (decision 0012).
TOPONYM_STEMS = (
    "Ash", "Ayles", "Bag", "Bar", "Bark", "Birk", "Black", "Blen", "Bol", "Brad", "Bram", "Bran", "Brid", "Brom",
    "Brough", "Buck", "Burn", "Cal", "Cars", "Chad", "Chel", "Chil", "Clap", "Cly", "Cold", "Crad", "Cran", "Crom",
    "Dal", "Dar", "Dent", "Dun", "Eas", "Eck", "Eld", "Els", "Elm", "Fair", "Farn", "Fen", "Fern", "Gar", "Gold",
    "Hack", "Hal", "Ham", "Har", "Hath", "Hay", "Hes", "Heath", "Hol", "Horn", "Hux", "Ing", "Kel", "Ken", "Kings",
    "Kirk", "Knot", "Lang", "Lax", "Lid", "Lin", "Lock", "Lox", "Mal", "Marl", "Mid", "Mill", "Mor", "Nether",
    "Nor", "Oak", "Ock", "Ot", "Pad", "Pem", "Pen", "Pick", "Pil", "Pres", "Rad", "Rams", "Raw", "Red", "Rid",
    "Roth", "Row", "Rush", "Sal", "Sand", "Scar", "Shel", "Shir", "Sil", "Skel", "Stan", "Stap", "Stock", "Stow",
    "Sud", "Sut", "Swin", "Tad", "Thorn", "Thurs", "Tod", "Trow", "Tun", "Up", "Wad", "Wal", "War", "Wes", "Wet",
    "Whit", "Wick", "Wil", "Win", "Wol", "Wor", "Wyn", "Yar", "Ather", "Bing", "Bur", "Charl", "Dray", "Gis", "Hep",
    "Kil", "Lind", "Lud", "Pud", "Sher", "Stain", "Tal", "Wel", "Ox",
)
TOPONYM_ENDINGS = (
    "worth", "ley", "ton", "shaw", "by", "field", "well", "ham", "hurst", "wood", "ford", "combe", "more", "stead",
    "dale", "den", "cliffe", "bury", "wick", "thorpe", "low", "ridge", "brook", "holme", "croft", "gate", "land",
    "cott", "stock", "stone", "bridge", "cote", "don", "lake", "marsh", "ington", "ingham", "hall", "wall", "burn",
    "sall", "head", "leigh", "bourne",
)

# fmt: on

SURNAME_COUNT = 5700  # distinct surnames in the table; with weight 1 / rank ** 0.6 Smith is about 1.3% (decision 0012)
_UNSPOKEN = (
    "arse",
    "cock",
    "cunt",
    "dick",
    "fag",
    "fuck",
    "nig",
    "piss",
    "poo",
    "rape",
    "shit",
    "slut",
    "tit",
    "twat",
    "wank",
)


def _toponym_fits(stem: str, ending: str) -> bool:
    """Whether stem + ending reads as an English surname: no doubled or tripled letter across the join, no vowel
    meeting a vowel, no stem that already ends like the ending, and no clumsy run of consonants."""
    low = stem.lower()
    name = low + ending
    if low[-1] == ending[0] or (low[-1] in "aeiouy" and ending[0] in "aeiouy"):
        return False
    if low[-3:] in ending or ending[:3] in low:
        return False
    if re.search(r"[^aeiouy]{4,}", re.sub(r"(sh|th|ch|gh|ck|ng)", "X", name)):
        return False
    return not any(word in name for word in _UNSPOKEN)


def _surname_table() -> tuple[str, ...]:
    """The town's surnames, commonest first: the 200 above, the further real ones, then place-name surnames in a
    fixed order (a shuffle seeded by a constant, so the town's own random streams are untouched)."""
    table = dict.fromkeys(SURNAMES + SURNAMES_FURTHER)
    made = [stem + ending for stem in TOPONYM_STEMS for ending in TOPONYM_ENDINGS if _toponym_fits(stem, ending)]
    made = [name for name in dict.fromkeys(made) if name not in table]
    random.Random("tellus-demo:surnames").shuffle(made)
    table.update(dict.fromkeys(made))
    return tuple(table)[:SURNAME_COUNT]


SURNAME_TABLE = _surname_table()

# fmt: off
TOWN = "Tellham"
WARDS = ("North", "South", "East", "West", "Riverside")
# Each ward has its own postcode district and a village or quarter that some addresses give as locality.
WARD_DISTRICT = {"North": "TL1", "South": "TL2", "East": "TL3", "West": "TL4", "Riverside": "TL5"}
WARD_VILLAGE = {
    "North": "Kingsmead",
    "South": "Southwick",
    "East": "Millbrook",
    "West": "Ashby Green",
    "Riverside": "Tellham Quay",
}
# Degrees of latitude and longitude from the town centre to the middle of each ward.
WARD_OFFSET = {
    "North": (0.022, 0.000),
    "South": (-0.021, 0.004),
    "East": (0.002, 0.034),
    "West": (0.000, -0.033),
    "Riverside": (-0.004, 0.006),
}
CENTRE = (52.2105, -1.0412)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters UK inward codes use

STREET_STEMS = (
    "Station", "Church", "Mill", "Park", "Victoria", "Queen's", "King's", "Albert", "Manor", "Chapel",
    "School", "Orchard", "Meadow", "Elm", "Oak", "Ash", "Beech", "Willow", "Cedar", "Maple",
    "Hawthorn", "Rowan", "Holly", "Birch", "Chestnut", "Poplar", "Larch", "Alder", "Linden", "Priory",
    "Abbey", "Castle", "Bridge", "Ferry", "Wharf", "Brook", "Spring", "Well", "Market", "Bell",
    "Crown", "Swan", "Mariners", "Tanners", "Weavers", "Coopers", "Millers", "Cherry", "Damson", "Heather",
    "Gorse", "Bracken", "Fern", "Clover", "Primrose", "Bluebell", "Foxglove", "Lavender", "Nelson", "Wellington",
    "Trafalgar", "Waterloo", "Jubilee", "Coronation", "Windsor", "York", "Lancaster", "Clarence", "Grosvenor",
    "Cavendish", "Stanley", "Tennyson", "Wordsworth", "Shelley", "Keats", "Byron", "Milton", "Chaucer", "Dickens",
    "Austen",
    "Brunel", "Telford", "Darwin", "Faraday", "Nightingale", "Seacole", "Pankhurst", "Hillside", "Greenway",
    "Fairfield", "Highfield", "Westfield", "Northfield", "Southfield", "Longfield", "Broad", "Sandy", "Green",
    "Common", "Heath",
    "Moor", "Ridge", "Vale", "Quarry", "Kiln", "Forge", "Granary", "Malthouse", "Tithe", "Glebe",
)
STREET_SUFFIXES = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Court",
    "Grove", "Place", "Terrace", "Walk", "Rise", "Mews", "View",
)
# How clerks shorten street types; extracts use these some of the time.
STREET_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Close": "Cl",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Gardens": "Gdns",
    "Court": "Ct",
    "Grove": "Gr",
    "Place": "Pl",
    "Terrace": "Terr",
}
HOUSE_NAMES = (
    "Rose Cottage", "The Old Rectory", "Ivy House", "Orchard View", "The Laurels", "Hillcrest", "The Willows",
    "Meadow Cottage", "The Old Forge", "Brook House", "Sunnyside", "Woodlands", "The Barn", "Holly Lodge",
)
# Shops and firms that pay rates on non-residential property.
TRADES = (
    "Bakery", "Motors", "Hair Studio", "Pharmacy", "Butchers", "Florist", "Cafe", "Garage", "Print Works",
    "Dental Practice", "Veterinary Surgery", "Hardware", "Fish Bar", "Books", "Electrical", "Plumbing Supplies",
    "Estate Agents", "Opticians", "Newsagents", "Tyres", "Joinery", "Laundrette", "Tandoori", "Pizzeria",
)
BUSINESS_PREFIXES = (TOWN, "Riverside", "Millbrook", "Kingsmead", "Castle", "Abbey", "Crown", "Northgate", "Market")
LETTING_COMPANIES = (
    "Tellham Lettings Ltd",
    "Castle Property Holdings Ltd",
    "Riverside Homes Ltd",
    "Kingsmead Estates Ltd",
    "Northgate Residential Ltd",
)
HOUSING_TRUST = "Tellham Housing Trust"
# Towns elsewhere, with invented postcode areas, for landlords who live away and people who moved in.
ELSEWHERE = (
    ("Porthaven", "PV"),
    ("Eastbury", "EY"),
    ("Kingsford", "KF"),
    ("Wexcombe", "WX"),
    ("Harlow Cross", "HQ"),
    ("Ambridge Vale", "AV"),
)
PET_NAMES = (
    "Buster", "Bella", "Max", "Poppy", "Charlie", "Molly", "Alfie", "Daisy", "Bailey", "Rosie", "Milo", "Luna",
    "Teddy", "Bonnie", "Archie", "Millie", "Biscuit", "Pepper", "Ziggy", "Skye", "Murphy", "Willow", "Bruno", "Tilly",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example")
# fmt: on
