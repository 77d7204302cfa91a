"""The words and weights the synthetic data set is drawn from.

Shares are rough pictures of the venture market (most money in US dollars,
then renminbi, euros, pounds, Hong Kong dollars, yen...), not statistics:
enough to make filters, sorts and charts behave as on real data. Every name
is made up from these pools; web and e-mail addresses use example.com.
"""


def words(text):
    """A pool of names written as one comma-separated text."""
    return [" ".join(word.split()) for word in text.split(",") if word.strip()]


# (slug, name, parent slug, weight for companies). Parents first. The slugs of
# the demo data set (crm.demo.data) are reused, so both can share a database.
SECTORS = [
    ("artificial-intelligence", "Artificial intelligence", None, 6),
    ("computer-vision", "Computer vision", "artificial-intelligence", 4),
    ("machine-learning", "Machine learning", "artificial-intelligence", 4),
    ("deep-learning", "Deep learning", "machine-learning", 2),
    ("speech-recognition", "Speech recognition", "artificial-intelligence", 1),
    (
        "natural-language-processing",
        "Natural language processing",
        "artificial-intelligence",
        3,
    ),
    ("robotics", "Robotics", "artificial-intelligence", 2),
    ("software", "Software", None, 6),
    ("enterprise-software", "Enterprise software", "software", 8),
    ("developer-tools", "Developer tools", "software", 3),
    ("cybersecurity", "Cybersecurity", "software", 4),
    ("cloud-infrastructure", "Cloud infrastructure", "software", 3),
    ("data-analytics", "Data and analytics", "software", 3),
    ("fintech", "Fintech", None, 4),
    ("payments", "Payments", "fintech", 4),
    ("lending", "Lending", "fintech", 2),
    ("insurtech", "Insurtech", "fintech", 2),
    ("wealth-management", "Wealth management", "fintech", 1),
    ("blockchain", "Blockchain and crypto", "fintech", 2),
    ("healthcare", "Healthcare", None, 3),
    ("biotechnology", "Biotechnology", "healthcare", 5),
    ("medical-devices", "Medical devices", "healthcare", 2),
    ("digital-health", "Digital health", "healthcare", 3),
    ("pharmaceuticals", "Pharmaceuticals", "healthcare", 1),
    ("consumer", "Consumer", None, 2),
    ("e-commerce", "E-commerce", "consumer", 5),
    ("food-and-beverage", "Food and beverage", "consumer", 2),
    ("consumer-electronics", "Consumer electronics", "consumer", 1),
    ("education", "Education", "consumer", 2),
    ("gaming", "Gaming", "consumer", 2),
    ("media-entertainment", "Media and entertainment", "consumer", 2),
    ("travel", "Travel and hospitality", "consumer", 1),
    ("mobility", "Mobility", None, 1),
    ("electric-vehicles", "Electric vehicles", "mobility", 2),
    ("autonomous-driving", "Autonomous driving", "mobility", 1),
    ("logistics", "Logistics", "mobility", 2),
    ("energy", "Energy and climate", None, 1),
    ("renewable-energy", "Renewable energy", "energy", 2),
    ("energy-storage", "Batteries and storage", "energy", 1),
    ("climate-tech", "Climate tech", "energy", 2),
    ("semiconductors", "Semiconductors", None, 2),
    ("ai-chips", "AI chips", "semiconductors", 1),
    ("real-estate", "Real estate and proptech", None, 1),
    ("industrials", "Industrials", None, 1),
    ("aerospace", "Aerospace and defence", "industrials", 1),
    ("agritech", "Agritech", "industrials", 1),
    ("manufacturing", "Advanced manufacturing", "industrials", 1),
    ("telecommunications", "Telecommunications", None, 1),
]

# Words a company in a sector (or under it) may carry after its root name.
SECTOR_WORDS = {
    "artificial-intelligence": ["AI", "Intelligence", "Labs", "Minds", "Cognition"],
    "computer-vision": ["Vision", "Vision AI", "Optics", "Sight"],
    "robotics": ["Robotics", "Robots", "Automation"],
    "natural-language-processing": ["Language", "Text", "Linguistics"],
    "speech-recognition": ["Voice", "Speech", "Audio"],
    "software": ["Software", "Systems", "Technologies", "Labs", "Cloud"],
    "cybersecurity": ["Security", "Shield", "Defense", "Guard"],
    "data-analytics": ["Analytics", "Data", "Insights"],
    "fintech": ["Pay", "Finance", "Money", "Capital", "Ledger"],
    "blockchain": ["Chain", "Protocol", "Labs"],
    "insurtech": ["Insurance", "Cover"],
    "healthcare": ["Health", "Care", "Medical"],
    "biotechnology": ["Bio", "Therapeutics", "Biosciences", "Genomics"],
    "pharmaceuticals": ["Pharma", "Therapeutics"],
    "medical-devices": ["Medical", "Devices", "Surgical"],
    "consumer": ["Brands", "Goods", "Living"],
    "e-commerce": ["Shop", "Market", "Commerce", "Store"],
    "food-and-beverage": ["Foods", "Kitchen", "Drinks"],
    "education": ["Learning", "Academy", "Education"],
    "gaming": ["Games", "Studios", "Interactive"],
    "media-entertainment": ["Media", "Studios", "Entertainment"],
    "travel": ["Travel", "Trips", "Stays"],
    "mobility": ["Mobility", "Motors", "Transit"],
    "logistics": ["Logistics", "Freight", "Delivery"],
    "energy": ["Energy", "Power", "Solar", "Grid"],
    "energy-storage": ["Batteries", "Storage", "Cells"],
    "semiconductors": ["Semiconductor", "Silicon", "Micro", "Chips"],
    "real-estate": ["Homes", "Properties", "Spaces"],
    "industrials": ["Industries", "Dynamics", "Works"],
    "aerospace": ["Aerospace", "Space", "Aviation"],
    "agritech": ["Agri", "Farms", "Harvest"],
    "telecommunications": ["Networks", "Telecom", "Connect"],
}

# Syllables whose pairs make company root names: "Sen" + "sera" = "Sensera".
NAME_HEADS = words(
    """
    Aer, Alt, Ami, Arc, Astr, Aur, Axi, Bel, Bri, Cal, Cel, Cor, Cyn, Dat, Del,
    Dyn, Ela, Eon, Fin, Flo, Gal, Gen, Hal, Hel, Hyp, Ino, Ion, Jun, Kai, Kin,
    Lum, Lyr, Mag, Mer, Nav, Neo, Nim, Nov, Oct, Omn, Opt, Orb, Pax, Pol, Qua,
    Rad, Ren, Sen, Sol, Syn, Tal, Ter, Tri, Ult, Val, Vec, Ver, Vir, Xen, Zen
    """
)
NAME_TAILS = words(
    """
    a, ai, ara, bit, bly, cor, dex, dia, ego, era, ex, fy, gen, ia, ica, ify,
    io, ion, is, ium, ix, lab, lia, lo, ly, mo, nix, nova, nyx, on, ora, os,
    pex, que, ra, rix, sa, sio, sis, ta, tex, tix, tra, tron, um, us, va, vex,
    via, vo, wise, xa, xis, yo, za, zen, zo, ity, ent, ark
    """
)

# Characters for the Chinese names of Chinese companies (their aliases).
CJK_SYLLABLES = list("智云科技数联创星海华达信通源芯视鼎泰安博瑞恒宇天新明汇启航睿")
CJK_ENDINGS = ["科技", "智能", "网络", "信息", "医疗", "金融", "汽车"]

INVESTOR_HEADS = words(
    """
    Acacia, Acorn, Alder, Alpine, Amber, Anchor, Apex, Arbor, Archway, Aspen,
    Atlas, Aurora, Azure, Bamboo, Banyan, Bay, Beacon, Birch, Basalt, Blue,
    Bluebird, Boulder, Bridge, Brook, Canyon, Capstone, Cardinal, Cedar,
    Century, Chestnut, Cinder, Cairn, Clear, Cliff, Clover, Coastal, Cobalt,
    Compass, Copper, Coral, Crescent, Crimson, Crystal, Cypress, Dawn, Delta,
    Diamond, Dragon, Eagle, East, Echo, Elm, Ember, Emerald, Evergreen, Falcon,
    Fern, Firefly, Fjord, Forest, Fortune, Fox, Frontier, Galaxy, Garnet,
    Gateway, Glacier, Golden, Granite, Great Wall, Greenfield, Grove, Harbor,
    Harvest, Hawk, Heron, Highland, Horizon, Hudson, Indigo, Iron, Island,
    Ivory, Jade, Jasper, Juniper, Keystone, Kestrel, Lakeside, Lantern, Laurel,
    Liberty, Lighthouse, Linden, Lion, Lotus, Magnolia, Maple, Marble, Mariner,
    Meadow, Meridian, Mesa, Monarch, Moonstone, Mosaic, Mountain, Nautilus,
    Nebula, North, Northstar, Oak, Obsidian, Ocean, Olive, Onyx, Orchard,
    Orchid, Osprey, Pacific, Palm, Panda, Paragon, Pearl, Pebble, Pelican,
    Peninsula, Phoenix, Pine, Pinnacle, Pioneer, Polaris, Prairie, Prism,
    Quarry, Quartz, Quest, Rain, Raven, Red, Redwood, Ridge, River, Rock,
    Rosewood, Ruby, Sage, Sapphire, Saguaro, Shore, Sierra, Silver, Sky, Slate,
    Snow, Solstice, South, Spring, Spruce, Star, Sterling, Stone, Storm, Summit,
    Sun, Swan, Tamarind, Teal, Thistle, Thunder, Tide, Tiger, Timber, Topaz,
    Tower, Trident, Tulip, Tundra, Union, Valley, Vantage, Velvet, Vertex,
    Vista, Walnut, Wave, West, Whale, Willow, Wind, Wolf, Yellow River, Yew,
    Zenith, Baiyun, Changjiang, Dongfang, Hongqiao, Huashan, Jinling, Kunlun,
    Lijiang, Minjiang, Nanhai, Qianhai, Shennong, Taihu, Tianfu, Xihu, Yuelu,
    Zhujiang, Asahi, Fuji, Kaede, Sakura, Hanbit, Namsan, Indus, Ganga,
    Himalaya, Nilgiri, Carmel, Galil, Alpen, Rhein, Seine, Thames
    """
)
INVESTOR_MIDDLES = words(
    """
    Bay, Bridge, Brook, Creek, Crest, Field, Gate, Hill, Lake, Leaf, Light,
    Line, Oak, Park, Path, Peak, Point, Rock, Spring, Stone, Tree, Wave, Wood,
    Road, Harbour, Mountain, Valley, River, Star, Sail
    """
)
# Suffixes by investor kind (crm.investors.models.Investor.Kind values).
INVESTOR_SUFFIXES = {
    "venture_capital": [
        "Ventures",
        "Capital",
        "Partners",
        "Venture Partners",
        "VC",
        "Seed Fund",
    ],
    "private_equity": [
        "Capital Partners",
        "Equity",
        "Private Equity",
        "Holdings",
        "Growth Partners",
    ],
    "strategic": [
        "Group",
        "Corporation",
        "Technologies",
        "Industries",
        "Holdings Group",
    ],
    "asset_manager": [
        "Asset Management",
        "Investments",
        "Investment Management",
        "Advisors",
        "Funds",
    ],
    "sovereign_fund": [
        "Investment Authority",
        "Sovereign Fund",
        "State Investment Corporation",
    ],
    "family_office": ["Family Office", "Family Holdings", "Family Investments"],
    "bank": ["Bank", "Securities", "Financial Group", "Merchant Bank"],
    "other": ["Angels", "Investment Club", "Foundation", "Endowment"],
}
INVESTOR_KIND_WEIGHTS = {
    "venture_capital": 45,
    "private_equity": 15,
    "strategic": 12,
    "asset_manager": 8,
    "family_office": 8,
    "bank": 5,
    "sovereign_fund": 2,
    "other": 5,
}

# Country code: (weight for investors, weight for companies, cities, people's
# name pool, currencies of its rounds with weights).
COUNTRIES = {
    "US": (
        45,
        40,
        [
            "San Francisco",
            "New York",
            "Palo Alto",
            "Menlo Park",
            "Boston",
            "Los Angeles",
            "Seattle",
            "Austin",
            "Chicago",
        ],
        "western",
        {"USD": 1},
    ),
    "CN": (
        14,
        20,
        [
            "Beijing",
            "Shanghai",
            "Shenzhen",
            "Hangzhou",
            "Guangzhou",
            "Suzhou",
            "Chengdu",
        ],
        "chinese",
        {"CNY": 6, "USD": 4},
    ),
    "GB": (
        6,
        6,
        ["London", "Cambridge", "Oxford", "Manchester", "Edinburgh"],
        "western",
        {"GBP": 6, "USD": 4},
    ),
    "HK": (4, 3, ["Hong Kong"], "chinese", {"HKD": 5, "USD": 5}),
    "JP": (
        4,
        3,
        ["Tokyo", "Osaka", "Kyoto", "Fukuoka"],
        "japanese",
        {"JPY": 8, "USD": 2},
    ),
    "SG": (4, 3, ["Singapore"], "chinese", {"SGD": 4, "USD": 6}),
    "DE": (
        3,
        4,
        ["Berlin", "Munich", "Hamburg", "Frankfurt"],
        "western",
        {"EUR": 8, "USD": 2},
    ),
    "FR": (3, 3, ["Paris", "Lyon", "Toulouse"], "western", {"EUR": 8, "USD": 2}),
    "NL": (
        1,
        2,
        ["Amsterdam", "Rotterdam", "Eindhoven"],
        "western",
        {"EUR": 8, "USD": 2},
    ),
    "SE": (
        1,
        2,
        ["Stockholm", "Gothenburg"],
        "western",
        {"SEK": 4, "EUR": 4, "USD": 2},
    ),
    "CH": (2, 1, ["Zurich", "Geneva", "Basel"], "western", {"CHF": 6, "USD": 4}),
    "IN": (
        3,
        5,
        ["Bangalore", "Mumbai", "New Delhi", "Gurugram", "Pune"],
        "indian",
        {"INR": 5, "USD": 5},
    ),
    "KR": (2, 2, ["Seoul", "Pangyo", "Busan"], "korean", {"KRW": 8, "USD": 2}),
    "IL": (2, 3, ["Tel Aviv", "Jerusalem", "Haifa"], "hebrew", {"USD": 8, "ILS": 2}),
    "CA": (2, 2, ["Toronto", "Vancouver", "Montreal"], "western", {"CAD": 5, "USD": 5}),
    "AU": (1, 1, ["Sydney", "Melbourne"], "western", {"AUD": 7, "USD": 3}),
    "BR": (1, 1, ["São Paulo", "Rio de Janeiro"], "latin", {"BRL": 6, "USD": 4}),
    "AE": (1, 0, ["Abu Dhabi", "Dubai"], "western", {"USD": 1}),
}

# A rough USD value of one unit, around which the monthly rates wander, and
# how much they wander (monthly standard deviation, as a fraction).
CURRENCIES = {
    "CNY": ("0.1480", 0.012),
    "EUR": ("1.1300", 0.018),
    "GBP": ("1.3300", 0.020),
    "HKD": ("0.1282", 0.001),
    "JPY": ("0.008600", 0.020),
    "SGD": ("0.7400", 0.010),
    "INR": ("0.01400", 0.012),
    "KRW": ("0.000840", 0.015),
    "CHF": ("1.0500", 0.015),
    "SEK": ("0.1080", 0.020),
    "ILS": ("0.2800", 0.015),
    "CAD": ("0.7600", 0.015),
    "AUD": ("0.7100", 0.020),
    "BRL": ("0.2500", 0.035),
}

FIRST_NAMES = {
    "western": words(
        """
        James, Mary, John, Patricia, Robert, Jennifer, Michael, Linda, David,
        Elizabeth, William, Susan, Richard, Jessica, Thomas, Sarah, Daniel,
        Karen, Matthew, Emily, Anthony, Laura, Mark, Rachel, Paul, Olivia,
        Andrew, Emma, Peter, Sophie, Lukas, Anna, Julien, Claire, Henrik,
        Ingrid, Oliver, Charlotte, Noah, Hannah
        """
    ),
    "chinese": words(
        """
        Wei, Fang, Jing, Lei, Min, Yan, Jun, Hui, Tao, Xin, Yu, Ling, Hao, Qing,
        Chen, Mei, Bo, Ying, Kai, Lan
        """
    ),
    "japanese": words(
        """
        Haruto, Yui, Sota, Aoi, Ren, Hina, Takumi, Sakura, Kenji, Yuki, Daiki,
        Mio, Hiroshi, Akiko
        """
    ),
    "korean": words(
        """
        Min-jun, Seo-yeon, Ji-ho, Ha-eun, Do-yun, Su-bin, Joon, Eun-ji, Hyun,
        Ji-woo
        """
    ),
    "indian": words(
        """
        Aarav, Priya, Vivaan, Ananya, Arjun, Diya, Rohan, Kavya, Rahul, Neha,
        Vikram, Pooja
        """
    ),
    "hebrew": words(
        """
        Noam, Tamar, Yonatan, Noa, Itai, Maya, Omer, Shira, Eitan, Yael
        """
    ),
    "latin": words(
        """
        Lucas, Ana, Gabriel, Beatriz, Mateus, Camila, Rafael, Juliana, Pedro,
        Larissa
        """
    ),
}
LAST_NAMES = {
    "western": words(
        """
        Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson,
        Taylor, Thomas, Moore, Martin, Thompson, White, Harris, Clark, Lewis,
        Walker, Young, Allen, King, Wright, Scott, Green, Baker, Adams, Nelson,
        Hill, Campbell, Müller, Schmidt, Dubois, Laurent, Andersson, Nilsson, de
        Vries, Jansen, Murphy, Kelly
        """
    ),
    "chinese": words(
        """
        Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma,
        Zhu, Hu, Guo, He, Lin, Gao, Luo
        """
    ),
    "japanese": words(
        """
        Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura,
        Kobayashi, Kato, Yoshida, Yamada
        """
    ),
    "korean": words(
        """
        Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim
        """
    ),
    "indian": words(
        """
        Sharma, Patel, Gupta, Singh, Kumar, Reddy, Iyer, Nair, Mehta, Rao, Shah,
        Das
        """
    ),
    "hebrew": words(
        """
        Cohen, Levi, Mizrahi, Peretz, Biton, Friedman, Katz, Shapiro, Avraham,
        Ben-David
        """
    ),
    "latin": words(
        """
        Silva, Santos, Oliveira, Souza, Costa, Pereira, Almeida, Ferreira,
        Rodrigues, Gomes
        """
    ),
}
TITLES = [
    ("Partner", 14),
    ("Managing Partner", 4),
    ("General Partner", 4),
    ("Principal", 10),
    ("Vice President", 10),
    ("Associate", 14),
    ("Senior Associate", 8),
    ("Analyst", 10),
    ("Investment Director", 6),
    ("Managing Director", 6),
    ("Head of Investments", 3),
    ("Chief Investment Officer", 2),
    ("Head of Corporate Development", 3),
    ("Investor Relations", 3),
    ("Chief Financial Officer", 2),
    ("", 5),
]

ROUND_LADDER = [
    # (name, stage, typical raise in USD millions, how many investors join)
    ("Seed", "seed", 2, 3),
    ("Series A", "series_a", 12, 5),
    ("Series B", "series_b", 35, 8),
    ("Series C", "series_c", 80, 10),
    ("Series D", "series_d_plus", 150, 12),
    ("Series E", "series_d_plus", 220, 12),
    ("Series F", "series_d_plus", 300, 12),
    ("Pre-IPO", "pre_ipo", 400, 14),
    ("IPO", "ipo", 700, 18),
]
ROUNDS_OFF_LADDER = [
    ("Strategic round", "strategic", 50, 2),
    ("Growth round", "growth", 200, 10),
    ("Venture debt", "debt", 30, 2),
    ("Convertible note", "other", 5, 3),
]

INTERACTION_KINDS = [
    ("email", 35),
    ("call", 30),
    ("meeting", 25),
    ("event", 5),
    ("other", 5),
]
INTERACTION_SUMMARIES = {
    "email": [
        "Sent the deck and the data-room link",
        "Shared the quarterly update",
        "Answered questions on the cap table",
        "Follow-up on valuation expectations",
        "Intro e-mail from a portfolio founder",
        "Sent the term sheet draft",
    ],
    "call": [
        "Intro call",
        "Catch-up on the pipeline",
        "Discussed the next round's timing",
        "Call on co-investment appetite",
        "Reference call",
        "Pricing discussion",
    ],
    "meeting": [
        "First meeting at their office",
        "Partner meeting pitch",
        "Lunch with the investment team",
        "Due-diligence session",
        "Board observer catch-up",
        "Management presentation",
    ],
    "event": [
        "Met at the annual investor conference",
        "Spoke at the portfolio day",
        "Dinner after the industry summit",
    ],
    "other": ["LinkedIn message", "Note from a mutual contact", "Met by chance"],
}
INTERACTION_DETAILS = [
    "They want to see twelve months of revenue before committing.",
    "Interested in leading if the valuation comes down.",
    "Will bring it to the Monday partner meeting.",
    "Asked for the customer references and the churn figures.",
    "Prefer to follow a lead they know.",
    "Their fund is almost fully deployed; next fund closes next year.",
    "Sector focus fits; ticket size at the top of their range.",
    "Positive on the team, worried about competition.",
    "Sent over their standard term sheet for comparison.",
    "Need the audited accounts before the investment committee.",
]
NOTE_TITLES = [
    "Investment thesis",
    "Key risks",
    "Relationship history",
    "Terms discussed",
    "Round strategy",
    "Committee feedback",
    "Co-investors to approach",
    "Valuation benchmarks",
]
TEAM_NAMES = [
    "Asia coverage",
    "Healthcare deals",
    "Growth equity",
    "Project Falcon",
    "Project Lotus",
    "Special situations",
    "Europe coverage",
    "Fintech desk",
    "Project Atlas",
    "Infrastructure and energy",
]
