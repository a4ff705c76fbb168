"""The words the synthetic town is made of: first names by generation, surnames, nicknames, streets, businesses.

Every name here is common or invented; any resemblance to a real person is the nature of common names.
Lists are tuples so that iteration order, and therefore the generated town, never depends on hashing.
"""

from __future__ import annotations

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
