"""Word lists and weights for the demo council's data; every place and person is made up.

The tables are CSV files beside this module: service_categories.csv (in display order),
services.csv (one row per service area, a county's further ones marked) and
category_affinity.csv (which categories each type of group tends to offer help with).
"""

import csv
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent


class ServiceRow(NamedTuple):
    """One demo service area as the council would describe it."""

    name: str
    lgsl_code: int | None
    risk_tier: str
    statutory: bool
    current_delivery: str
    open_to_interest: bool
    description: str


# Electoral wards, numbered in this order from GSS code E05015001.
WARD_NAMES = [
    "Abbey",
    "Ashwick Central",
    "Brookside",
    "Castle Hill",
    "Eastfield",
    "Fenwick",
    "Hollins Green",
    "Kingsmead",
    "Millbank",
    "Northgate",
    "Oakhurst",
    "Priory",
    "Riverside",
    "St Mary's",
    "Southmoor",
    "Thornley",
    "Westbrook",
    "Whitecross",
]


def _csv_rows(filename: str) -> list[dict[str, str]]:
    with (HERE / filename).open(newline="", encoding="utf-8") as table:
        return list(csv.DictReader(table))


def _yes(cell: str) -> bool:
    return {"yes": True, "no": False}[cell]


def _service_rows(*, county_only: bool) -> dict[str, list[ServiceRow]]:
    """services.csv's rows per category, in the file's order: Ashwick's, or a county's further ones."""
    by_category = {name: [] for name in CATEGORY_DESCRIPTIONS}
    for cells in _csv_rows("services.csv"):
        if _yes(cells["county_only"]) != county_only:
            continue
        by_category[cells["category"]].append(
            ServiceRow(
                name=cells["name"],
                lgsl_code=int(cells["lgsl_code"]) if cells["lgsl_code"] else None,
                risk_tier=cells["risk_tier"],
                statutory=_yes(cells["statutory"]),
                current_delivery=cells["current_delivery"],
                open_to_interest=_yes(cells["open_to_interest"]),
                description=cells["description"],
            )
        )
    return by_category


CATEGORY_DESCRIPTIONS = {cells["name"]: cells["description"] for cells in _csv_rows("service_categories.csv")}
# (name, description, service rows) per category. LGSL codes appear only where the real Local
# Government Service List code is known; the field is unique, so a code is never guessed or reused.
SERVICE_CATEGORIES = [
    (name, CATEGORY_DESCRIPTIONS[name], rows) for name, rows in _service_rows(county_only=False).items()
]

# How many organisations of each type in every block of 250, and whether they are big or small.
ORGANISATION_TYPE_MIX = {
    # org_type: (count per 250, weights of small/medium/large, earliest year founded)
    "community_group": (40, (6, 3, 1), 1970),
    "friends_of": (35, (7, 3, 0), 1985),
    "charity": (45, (2, 4, 4), 1950),
    "social_enterprise": (22, (2, 5, 3), 2006),
    "cooperative": (12, (3, 5, 2), 1990),
    "mutual": (6, (0, 2, 8), 2011),
    "faith_group": (22, (4, 5, 1), 1850),
    "parish_council": (8, (4, 5, 1), 1894),
    "tenants_residents": (20, (7, 3, 0), 1975),
    "volunteer_network": (28, (7, 3, 0), 2000),
    "other": (12, (5, 4, 1), 1960),
}
STATUS_MIX = {"approved": 200, "pending": 25, "rejected": 15, "archived": 10}


def _category_affinity() -> dict[str, dict[str, int]]:
    """category_affinity.csv: a weight per category for each type of group (0: never offers help there)."""
    affinity = {}
    for cells in _csv_rows("category_affinity.csv"):
        org_type = cells.pop("organisation_type")
        affinity[org_type] = {category: int(weight) for category, weight in cells.items() if int(weight)}
    return affinity


# Which service categories each type of group tends to offer help with (relative weights).
CATEGORY_AFFINITY = _category_affinity()

PLACES = WARD_NAMES + [
    "Ashwick",
    "Little Ashwick",
    "Upper Brook",
    "Netherfield",
    "Holt End",
    "Marsh Lane",
    "Old Town",
    "Station Road",
    "Canal Side",
    "High Street",
    "Moorside",
    "Ferry Lane",
]
VILLAGES = [
    "Little Ashwick",
    "Upper Brook",
    "Netherfield",
    "Holt End",
    "Hollins",
    "Fenwick",
    "Thornley",
    "Southmoor",
    "Kingsmead",
    "Oakhurst",
]
PARKS = [
    "Ashwick Park",
    "Northgate Recreation Ground",
    "Riverside Gardens",
    "Castle Hill Park",
    "Kingsmead Meadows",
    "Abbey Gardens",
    "Millbank Common",
    "Oakhurst Woods",
    "Thornley Country Park",
    "Priory Fields",
    "Brookside Nature Reserve",
    "Whitecross Green",
    "Hollins Green Park",
    "Eastfield Rec",
    "Westbrook Lakes",
    "Southmoor Heath",
    "Canal Side Walk",
    "Fenwick Orchard",
]
HERITAGE = [
    "Ashwick Museum",
    "Millbank Mill Museum",
    "Castle Hill Heritage Centre",
    "Ashwick Art Gallery",
    "Priory House",
    "the Old Town Hall",
    "Abbey Ruins",
    "Ashwick Archives",
]
SAINTS = [
    "Mary",
    "John",
    "Peter",
    "Andrew",
    "Michael",
    "Luke",
    "Margaret",
    "Anne",
    "James",
    "Paul",
    "Stephen",
    "Mark",
    "Barnabas",
    "Hilda",
]
ESTATES = [
    "Northgate Estate",
    "Riverside Court",
    "Millbank Flats",
    "Eastfield Estate",
    "Westbrook Gardens",
    "Kingsmead Estate",
    "Brookside Estate",
    "Thornley Towers",
    "Oakhurst Estate",
    "Abbey Court",
    "Marsh Lane",
    "Canal Side",
]

# Name patterns per type: {place}, {park}, {heritage}, {saint}, {estate}, {village}.
NAME_PATTERNS = {
    "community_group": [
        "{place} Community Association",
        "{place} Good Neighbours",
        "{place} Together",
        "{place} Community Forum",
        "{place} Lunch Club",
        "{place} Over-60s Club",
        "{place} Youth Club",
        "{place} Carers' Circle",
        "{place} Toddler Group",
        "{place} Gardening Club",
    ],
    "friends_of": [
        "Friends of {park}",
        "Friends of {park}",
        "Friends of {place} Library",
        "Friends of {heritage}",
    ],
    "charity": [
        "{place} Carers' Centre",
        "{place} Family Support Trust",
        "{place} Youth Trust",
        "{place} Heritage Trust",
        "{place} Older People's Forum",
        "{place} Disability Network",
        "{place} Advice Centre",
        "{place} Wellbeing Trust",
        "{place} Arts Trust",
        "{place} Recovery Project",
        "{place} Community Foundation",
        "{place} Refuge",
    ],
    "social_enterprise": [
        "{place} Community Transport CIC",
        "{place} Repair Café CIC",
        "{place} Green Spaces CIC",
        "{place} Active Lives CIC",
        "{place} Home Support CIC",
        "{place} Kitchen CIC",
        "{place} Bike Hub CIC",
        "{place} Learning Hub CIC",
    ],
    "cooperative": [
        "{place} Community Energy Co-operative",
        "{place} Housing Co-operative",
        "{place} Community Shop",
        "{place} Growers' Co-operative",
        "{place} Community Hall Society",
    ],
    "mutual": [
        "{place} Care Mutual",
        "{place} Leisure Mutual",
        "{place} Libraries Mutual",
        "{place} Youth Services Mutual",
        "{place} Community Health Mutual",
    ],
    "faith_group": [
        "St {saint}'s Church",
        "St {saint}'s Food Bank",
        "{place} Methodist Church",
        "{place} Mosque Community Trust",
        "{place} Gurdwara Seva Group",
        "{place} Baptist Church",
        "{place} Quaker Meeting",
        "{place} Churches Together",
    ],
    "parish_council": [
        "{village} Parish Council",
        "{village} Parish Council",
        "{village} Town Council",
    ],
    "tenants_residents": [
        "{estate} Tenants' and Residents' Association",
        "{place} Residents' Association",
    ],
    "volunteer_network": [
        "{place} Men's Shed",
        "{place} Litter Pickers",
        "{place} Mutual Aid",
        "{place} Street Champions",
        "{place} Volunteer Drivers",
        "{place} Time Bank",
        "{place} Tree Wardens",
    ],
    "other": [
        "{place} Allotment Society",
        "{place} Cricket Club",
        "{place} Running Club",
        "{place} Camera Club",
        "{place} Swimming Club",
        "{place} Bowls Club",
        "{place} Business Network",
    ],
}

DESCRIPTIONS = {
    "community_group": "A local group run by volunteers that brings neighbours together.",
    "friends_of": "Volunteers who look after, improve and speak up for a much-loved local place.",
    "charity": "A registered charity supporting local people with paid staff and volunteers.",
    "social_enterprise": "A social enterprise that reinvests its profits in the local community.",
    "cooperative": "A member-owned society run for the benefit of the community.",
    "mutual": "An employee-owned mutual that spun out of council services.",
    "faith_group": "A faith community whose members run activities open to everyone.",
    "parish_council": "The local parish tier of government, elected by residents.",
    "tenants_residents": "An association that represents tenants and residents on the estate.",
    "volunteer_network": "An informal network of volunteers who help out when needed.",
    "other": "A local club with members from across the area.",
}
ACTIVITIES = [
    "We meet weekly and welcome new volunteers.",
    "Most of our work happens at weekends.",
    "We run monthly work days and an annual open day.",
    "We work closely with other groups nearby.",
    "We have grown a lot since the pandemic.",
    "Our members range from teenagers to people in their nineties.",
    "We keep our costs low and rely on small grants.",
]

REJECTION_REASONS = [
    "The group is not based in and does not serve the borough.",
    "This duplicates a registration we already hold for the same group.",
    "This is a private business rather than a community group.",
    "We could not verify the contact details given.",
]
ARCHIVE_REASONS = [
    "The group has closed.",
    "The group merged with another registered group.",
    "The group asked us to remove its details.",
]

FIRST_NAMES = [
    "Aisha",
    "Alan",
    "Amrit",
    "Beth",
    "Bilal",
    "Carol",
    "Chidi",
    "Dawn",
    "Deepak",
    "Eleanor",
    "Fatima",
    "Gareth",
    "Grace",
    "Hannah",
    "Imran",
    "Jack",
    "Janet",
    "Kwame",
    "Leah",
    "Mandeep",
    "Marek",
    "Megan",
    "Nadia",
    "Owen",
    "Priya",
    "Rhys",
    "Ruth",
    "Sam",
    "Shirley",
    "Tom",
    "Una",
    "Wei",
    "Yusuf",
    "Zofia",
]
SURNAMES = [
    "Adeyemi",
    "Ahmed",
    "Baker",
    "Bennett",
    "Chen",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hall",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kaur",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Patel",
    "Roberts",
    "Shah",
    "Singh",
    "Taylor",
    "Walker",
    "Wright",
    "Young",
]

BENEFITS = [
    "More people would use the service because it would be run by neighbours.",
    "We could open for longer at weekends.",
    "Volunteers would gain skills and confidence.",
    "It would bring lonely people into contact with others.",
    "Local knowledge means we can reach people the council misses.",
    "We could bring in grants the council cannot apply for.",
    "Residents would have a real say in how it is run.",
]
COSTS = [
    "We would need a small grant to cover running costs.",
    "Insurance and training would cost us about £2,000 a year.",
    "We would need a part-time coordinator.",
    "Equipment and storage would be our main costs.",
    "We could do this at no cost beyond volunteer expenses.",
]
CONCERNS = {
    "high": [
        "We worry about taking on safeguarding responsibilities.",
        "This needs qualified staff and we would not want to cut corners.",
        "We would want the council to keep the statutory duty.",
        "We could advise but would not want to run it.",
    ],
    "medium": [
        "We are not sure we could keep enough volunteers over the years.",
        "We would need a clear agreement about who does what.",
        "We worry about being blamed if something goes wrong.",
    ],
    "low": [
        "We would need the council to keep doing the heavy maintenance.",
        "Volunteer numbers drop in winter.",
        "We would not want this to replace paid jobs.",
    ],
}

ASSESSMENT_SOCIAL_VALUE = [
    "Strong local volunteering and reduced isolation.",
    "Brings in external funding and local spending.",
    "Builds skills among young volunteers.",
    "Gives residents a voice in decisions about the service.",
]
ASSESSMENT_RISKS = {
    "high": "Safeguarding and continuity of care would need close oversight.",
    "medium": "Depends on a small number of key volunteers.",
    "low": "Limited; the council keeps ownership of the assets.",
}
ASSESSMENT_NOTES = [
    "Met the group on site; well organised.",
    "Follow up with commissioning before the budget round.",
    "Check insurance and policies before any agreement.",
    "Worth comparing with the neighbouring council's pilot.",
]

# How groups and residents answer, by risk tier, so the demo shows the patterns councils see.
# Probability that a group offers to deliver, and to co-govern, a service of each tier:
# hard-edged services draw offers to share governance more than offers to run them.
ROLE_ODDS = {"high": (0.35, 0.8), "medium": (0.7, 0.4), "low": (0.9, 0.25)}
READINESS_WEIGHTS = {"high": (12, 40, 48), "medium": (25, 45, 30), "low": (45, 40, 15)}
SIZE_READINESS_FACTOR = {"small": 0.7, "medium": 1.0, "large": 1.5}
INVOLVEMENT_WEIGHTS = {
    # volunteers, deliver part, run at arm's length; for groups that only offer to deliver
    "volunteer_led": {"high": (5, 4, 1), "medium": (5, 4, 1), "low": (6, 3, 1)},
    "organised": {"high": (2, 7, 1), "medium": (2, 5, 3), "low": (2, 4, 4)},
}
VOLUNTEER_LED = {
    "community_group",
    "friends_of",
    "faith_group",
    "tenants_residents",
    "volunteer_network",
    "parish_council",
    "other",
}
SUPPORT_WEIGHTS = {
    "high": {
        "funding": 4,
        "training": 5,
        "premises": 1,
        "insurance": 3,
        "dbs_checks": 5,
        "legal": 3,
        "it_data": 1,
        "other": 1,
    },
    "other": {
        "funding": 5,
        "training": 3,
        "premises": 3,
        "insurance": 3,
        "dbs_checks": 1,
        "legal": 2,
        "it_data": 2,
        "other": 1,
    },
}
INTERESTS_BY_SIZE = {"small": (2, 5), "medium": (3, 9), "large": (4, 12)}
BOROUGH_WIDE_ODDS = {
    "mutual": 0.8,
    "charity": 0.35,
    "social_enterprise": 0.3,
    "cooperative": 0.25,
    "community_group": 0.15,
    "volunteer_network": 0.15,
    "faith_group": 0.1,
    "other": 0.2,
}
ASSESSED_SHARE = 0.085

# Resident views per tier: willing, neutral, uneasy, don't know.
VIEW_WEIGHTS = {"high": (15, 20, 50, 15), "medium": (35, 30, 22, 13), "low": (55, 25, 10, 10)}
# Chance a willing resident accepts each channel: volunteers, community group, social
# enterprise, mutual.
CHANNEL_ODDS = {
    "high": (0.35, 0.3, 0.15, 0.2),
    "medium": (0.5, 0.45, 0.3, 0.25),
    "low": (0.7, 0.6, 0.35, 0.2),
}
AGE_BAND_WEIGHTS = (8, 14, 16, 17, 17, 16, 9, 3)
# Inward postcode letters never include C, I, K, M, O or V.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# --- A bigger council for benchmarks (seed_demo --wards/--services/--rounds) ---------------------
# None of this is used at the default size, so the default demo council never changes.

# Further wards, used in this order after WARD_NAMES; past the end of both lists each name is
# reused with a compass point ("Abbey North").
EXTRA_WARD_NAMES = [
    "Barrowfield",
    "Blackmoor",
    "Bramley Vale",
    "Chapel End",
    "Coldharbour",
    "Crossgates",
    "Dunmere",
    "Elmstead",
    "Fairholme",
    "Foxley",
    "Greystones",
    "Harefield",
    "Highcliffe",
    "Kirkby Marsh",
    "Langdon",
    "Lowther",
    "Marlow Heath",
    "Newbold",
    "Orchard Vale",
    "Redhill",
    "Sandford",
    "Stanway",
    "Tollgate",
    "Upton",
    "Wexcombe",
    "Wickham Cross",
]
EXTRA_WARD_SUFFIXES = ["North", "South", "East", "West"]

# Further services a county offers, per category, used one from each category in turn. They
# have no LGSL code (the field is unique, so a code is never guessed).
EXTRA_SERVICES = _service_rows(county_only=True)
