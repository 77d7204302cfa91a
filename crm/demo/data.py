"""The demo data set, as plain records that `crm.demo.loading` writes.

It is built from a public news report of July 2018 about SenseTime: the
Beijing computer-vision company raised $1.2B "last year alone" (2017), was
valued at $4.5B in May 2018 after a round led by Alibaba and an extension with
Fidelity International, Silver Lake and HOPU Capital, and was preparing a
round that could reach $2B, in which SoftBank Vision Fund was in talks to take
a stake of almost $1B. Figures the report does not give (how the 2017 money
was split, each investor's cheque) are illustrative, and every stake's
`source` says which is which. People, e-mail addresses, phone numbers and the
contact log are fictional (example.com addresses, numbers from the ranges set
aside for fiction).

Records refer to each other by natural key: a sector by slug, a user by
username, an investor or company by name, a contact by e-mail address, and a
round by its name within the record's `company`.
"""

import datetime
from decimal import Decimal

UTC = datetime.UTC


def _date(year, month, day):
    return datetime.date(year, month, day)


def _at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


SECTORS = [
    # Parents before children: the loader resolves `parent` by slug.
    {"slug": "artificial-intelligence", "name": "Artificial intelligence"},
    {
        "slug": "computer-vision",
        "name": "Computer vision",
        "parent": "artificial-intelligence",
    },
    {
        "slug": "machine-learning",
        "name": "Machine learning",
        "parent": "artificial-intelligence",
    },
    {"slug": "deep-learning", "name": "Deep learning", "parent": "machine-learning"},
    {
        "slug": "speech-recognition",
        "name": "Speech recognition",
        "parent": "artificial-intelligence",
    },
    {"slug": "fintech", "name": "Fintech"},
    {"slug": "payments", "name": "Payments", "parent": "fintech"},
    {"slug": "e-commerce", "name": "E-commerce"},
    {"slug": "semiconductors", "name": "Semiconductors"},
    {"slug": "ai-chips", "name": "AI chips", "parent": "semiconductors"},
]

# (currency, valid_from, USD per unit). Approximate market rates of the day,
# rounded: good enough to show conversion by date, not for accounting.
EXCHANGE_RATES = [
    ("USD", _date(2017, 1, 1), Decimal("1")),
    ("CNY", _date(2017, 1, 1), Decimal("0.1440")),
    ("CNY", _date(2017, 7, 1), Decimal("0.1475")),
    ("CNY", _date(2018, 1, 1), Decimal("0.1537")),
    ("CNY", _date(2018, 4, 1), Decimal("0.1590")),
    ("CNY", _date(2018, 7, 1), Decimal("0.1510")),
    ("HKD", _date(2017, 1, 1), Decimal("0.1289")),
    ("HKD", _date(2018, 1, 1), Decimal("0.1279")),
    ("HKD", _date(2018, 7, 1), Decimal("0.1274")),
    ("EUR", _date(2017, 1, 1), Decimal("1.0520")),
    ("EUR", _date(2017, 7, 1), Decimal("1.1410")),
    ("EUR", _date(2018, 1, 1), Decimal("1.2005")),
    ("EUR", _date(2018, 7, 1), Decimal("1.1680")),
    ("GBP", _date(2017, 1, 1), Decimal("1.2340")),
    ("GBP", _date(2017, 7, 1), Decimal("1.2990")),
    ("GBP", _date(2018, 1, 1), Decimal("1.3510")),
    ("GBP", _date(2018, 7, 1), Decimal("1.3200")),
    ("JPY", _date(2017, 1, 1), Decimal("0.008560")),
    ("JPY", _date(2018, 1, 1), Decimal("0.008880")),
    ("JPY", _date(2018, 7, 1), Decimal("0.009030")),
]

# The deal team who logged the contacts and wrote the notes. They get an
# unusable password: the demo login is `manage.py ensure_demo_login`.
USERS = [
    {
        "username": "ana.lima",
        "first_name": "Ana",
        "last_name": "Lima",
        "email": "ana.lima@example.com",
    },
    {
        "username": "ben.okafor",
        "first_name": "Ben",
        "last_name": "Okafor",
        "email": "ben.okafor@example.com",
    },
]
USER_GROUP = "Deal team"
# The demo login (`manage.py ensure_demo_login`), a superuser: "you" in the
# demo. It owns some investors (`"owner": DEMO_LOGIN`), once it exists: the
# data set is usually loaded first, and the login picks them up when created.
DEMO_LOGIN = "demo"

INVESTORS = [
    {
        "name": "Alibaba Group",
        "kind": "strategic",
        "country": "CN",
        "city": "Hangzhou",
        "website": "https://www.alibabagroup.com/",
        # Its Chinese name, so that a search for "阿里巴巴" finds it.
        "aliases": ["阿里巴巴"],
        "description": "E-commerce and cloud group; led SenseTime's April 2018 round.",
        "sectors": ["artificial-intelligence", "e-commerce", "fintech"],
        "owner": "ana.lima",
        "contact_cadence_days": 30,
    },
    {
        "name": "Fidelity International",
        "kind": "asset_manager",
        "country": "GB",
        "city": "London",
        "website": "https://www.fidelityinternational.com/",
        "description": "Asset manager; joined SenseTime's May 2018 extension.",
        "sectors": ["artificial-intelligence", "semiconductors", "fintech"],
        "owner": "ben.okafor",
        "contact_cadence_days": 60,
    },
    {
        "name": "Silver Lake Partners",
        "kind": "private_equity",
        "country": "US",
        "city": "Menlo Park",
        "website": "https://www.silverlake.com/",
        "description": "Technology private equity; joined SenseTime's May 2018 extension.",
        "sectors": ["artificial-intelligence", "semiconductors", "fintech"],
        "owner": "ben.okafor",
        "contact_cadence_days": 90,
    },
    {
        "name": "HOPU Capital",
        "kind": "private_equity",
        "country": "CN",
        "city": "Beijing",
        "description": "Chinese private equity; joined SenseTime's May 2018 extension and invests in renminbi.",
        "sectors": ["artificial-intelligence", "fintech"],
        "owner": DEMO_LOGIN,
        "contact_cadence_days": 30,
    },
    {
        "name": "SoftBank Vision Fund",
        "kind": "venture_capital",
        "country": "GB",
        "city": "London",
        "website": "https://visionfund.com/",
        "description": (
            "Technology fund run from London, about $93B under management in "
            "2018 (approximate). Reported in July 2018 to be in talks for a "
            "stake of almost $1B in SenseTime. Check sizes are illustrative."
        ),
        "sectors": ["artificial-intelligence", "semiconductors", "e-commerce"],
        "check_size_min_usd": Decimal("100000000"),
        "check_size_max_usd": Decimal("5000000000"),
        "aum_usd": Decimal("93000000000"),
        "owner": DEMO_LOGIN,
        "contact_cadence_days": 30,
    },
    {
        "name": "CDH Investments",
        "kind": "private_equity",
        "country": "CN",
        "city": "Beijing",
        "description": "Chinese private equity and venture investor.",
        "sectors": ["artificial-intelligence", "e-commerce"],
        "owner": DEMO_LOGIN,
        "contact_cadence_days": 90,
    },
    {
        "name": "Qualcomm Ventures",
        "kind": "strategic",
        "country": "US",
        "city": "San Diego",
        "website": "https://www.qualcommventures.com/",
        "description": "Corporate venture arm of the chip maker.",
        "sectors": ["artificial-intelligence", "semiconductors"],
        "owner": DEMO_LOGIN,
        "contact_cadence_days": 90,
    },
    {
        "name": "Ant Financial",
        "kind": "strategic",
        "country": "CN",
        "city": "Hangzhou",
        "description": "Payments and financial services affiliate of Alibaba; uses face recognition for payments.",
        "sectors": ["fintech", "computer-vision"],
        "owner": "ana.lima",
        "contact_cadence_days": 60,
    },
]

# Fictional people at the investors.
CONTACTS = [
    {
        "investor": "Alibaba Group",
        "first_name": "Mei",
        "last_name": "Chen",
        "title": "Director, Strategic Investments",
        "email": "mei.chen@alibaba.example.com",
    },
    {
        "investor": "Alibaba Group",
        # Written in Chinese: shown family name first, 王军.
        "first_name": "军",
        "last_name": "王",
        "title": "Investment Manager",
        "email": "jun.wang@alibaba.example.com",
    },
    {
        "investor": "Fidelity International",
        "first_name": "Hannah",
        "last_name": "Whitfield",
        "title": "Portfolio Manager, Asia",
        "email": "hannah.whitfield@fidelity.example.com",
        "phone": "+44 20 7946 0321",
    },
    {
        "investor": "Fidelity International",
        "first_name": "Tom",
        "last_name": "Ashby",
        "title": "Technology Analyst",
        "email": "tom.ashby@fidelity.example.com",
    },
    {
        "investor": "Silver Lake Partners",
        "first_name": "Daniel",
        "last_name": "Reyes",
        "title": "Principal",
        "email": "daniel.reyes@silverlake.example.com",
        "phone": "+1 650 555 0134",
    },
    {
        "investor": "Silver Lake Partners",
        "first_name": "Priya",
        "last_name": "Natarajan",
        "title": "Vice President",
        "email": "priya.natarajan@silverlake.example.com",
    },
    {
        "investor": "HOPU Capital",
        "first_name": "Lin",
        "last_name": "Zhao",
        "title": "Managing Director",
        "email": "lin.zhao@hopu.example.com",
    },
    {
        "investor": "HOPU Capital",
        "first_name": "Hao",
        "last_name": "Sun",
        "title": "Associate",
        "email": "hao.sun@hopu.example.com",
    },
    {
        "investor": "SoftBank Vision Fund",
        "first_name": "Oliver",
        "last_name": "Grant",
        "title": "Investment Director",
        "email": "oliver.grant@visionfund.example.com",
        "phone": "+44 20 7946 0587",
    },
    {
        "investor": "SoftBank Vision Fund",
        "first_name": "Aiko",
        "last_name": "Tanaka",
        "title": "Associate",
        "email": "aiko.tanaka@visionfund.example.com",
    },
    {
        "investor": "SoftBank Vision Fund",
        "first_name": "Rahul",
        "last_name": "Mehta",
        "title": "Partner",
        "email": "rahul.mehta@visionfund.example.com",
    },
    {
        "investor": "CDH Investments",
        "first_name": "Yan",
        "last_name": "Liu",
        "title": "Partner",
        "email": "yan.liu@cdh.example.com",
    },
    {
        "investor": "Ant Financial",
        "first_name": "Fang",
        "last_name": "Xu",
        "title": "Investment Director",
        "email": "fang.xu@antfin.example.com",
    },
]

COMPANIES = [
    {
        "name": "SenseTime",
        # Its Chinese names, short and full: a search for "商汤" finds it.
        "aliases": ["商汤", "商汤科技"],
        "sector": "computer-vision",
        "country": "CN",
        "city": "Beijing",
        "website": "https://www.sensetime.com/",
        "description": (
            "Computer-vision and deep-learning company: face and image "
            "recognition for phones, payments and smart cities."
        ),
        "founded_year": 2014,
        "status": "private",
    },
    {
        "name": "Megvii",
        # Its platform and its Chinese name: "Face++" finds Megvii.
        "aliases": ["Face++", "旷视科技"],
        "sector": "computer-vision",
        "country": "CN",
        "city": "Beijing",
        "website": "https://www.megvii.com/",
        "description": "Computer-vision company behind the Face++ recognition platform.",
        "founded_year": 2011,
        "status": "private",
    },
    {
        "name": "Yitu Technology",
        "sector": "computer-vision",
        "country": "CN",
        "city": "Shanghai",
        "description": "Computer vision for security, health care and finance.",
        "founded_year": 2012,
        "status": "private",
    },
    {
        "name": "Horizon Robotics",
        "sector": "ai-chips",
        "country": "CN",
        "city": "Beijing",
        "description": "Chips and software for AI at the edge: cars and cameras.",
        "founded_year": 2015,
        "status": "private",
    },
]

ROUNDS = [
    # The $1.2B SenseTime raised in 2017: the report gives the total only.
    {
        "company": "SenseTime",
        "name": "Series B",
        "stage": "series_b",
        "status": "closed",
        "currency": "USD",
        "raised_amount": Decimal("600000000"),
        "announced_on": _date(2017, 7, 11),
        "closed_on": _date(2017, 7, 11),
    },
    {
        "company": "SenseTime",
        "name": "Series B+",
        "stage": "series_b",
        "status": "closed",
        "currency": "USD",
        "raised_amount": Decimal("600000000"),
        "announced_on": _date(2017, 11, 15),
        "closed_on": _date(2017, 11, 15),
    },
    # 2018: Alibaba led in April; the May extension valued SenseTime at $4.5B
    # (reported). The amounts raised and the pre-money are illustrative.
    {
        "company": "SenseTime",
        "name": "Series C",
        "stage": "series_c",
        "status": "closed",
        "currency": "USD",
        "raised_amount": Decimal("600000000"),
        "announced_on": _date(2018, 4, 9),
        "closed_on": _date(2018, 4, 9),
    },
    {
        "company": "SenseTime",
        "name": "Series C+",
        "stage": "series_c",
        "status": "closed",
        "currency": "USD",
        "raised_amount": Decimal("620000000"),
        "pre_money_valuation": Decimal("3880000000"),
        "post_money_valuation": Decimal("4500000000"),
        "announced_on": _date(2018, 5, 31),
        "closed_on": _date(2018, 5, 31),
    },
    # Reported in July 2018: a new round that could reach $2B.
    {
        "company": "SenseTime",
        "name": "Series D",
        "stage": "series_d_plus",
        "status": "open",
        "currency": "USD",
        "target_amount": Decimal("2000000000"),
        "announced_on": _date(2018, 7, 10),
    },
    {
        "company": "Megvii",
        "name": "Series C",
        "stage": "series_c",
        "status": "closed",
        "currency": "USD",
        "raised_amount": Decimal("460000000"),
        "announced_on": _date(2017, 10, 31),
        "closed_on": _date(2017, 10, 31),
    },
]

_SPLIT_2017 = "Illustrative split of the reported $1.2B SenseTime raised in 2017."
_MAY_2018 = (
    "Reported: joined the May 2018 round that valued SenseTime at $4.5B; "
    "amount and ownership illustrative."
)

STAKES = [
    {
        "investor": "CDH Investments",
        "company": "SenseTime",
        "round": "Series B",
        "amount": Decimal("200000000"),
        "currency": "USD",
        "status": "closed",
        "is_lead": True,
        "as_of": _date(2017, 7, 11),
        "source": _SPLIT_2017,
    },
    {
        "investor": "Qualcomm Ventures",
        "company": "SenseTime",
        "round": "Series B+",
        "amount": Decimal("50000000"),
        "currency": "USD",
        "status": "closed",
        "as_of": _date(2017, 11, 15),
        "source": _SPLIT_2017,
    },
    {
        "investor": "Alibaba Group",
        "company": "SenseTime",
        "round": "Series C",
        "amount": Decimal("300000000"),
        "currency": "USD",
        "status": "closed",
        "is_lead": True,
        "as_of": _date(2018, 4, 9),
        "source": "Reported: Alibaba led SenseTime's April 2018 round; amount illustrative.",
    },
    {
        "investor": "Fidelity International",
        "company": "SenseTime",
        "round": "Series C+",
        "amount": Decimal("150000000"),
        "currency": "USD",
        "ownership_pct": Decimal("3.33"),
        "status": "closed",
        "as_of": _date(2018, 5, 31),
        "source": _MAY_2018,
    },
    {
        "investor": "Silver Lake Partners",
        "company": "SenseTime",
        "round": "Series C+",
        "amount": Decimal("150000000"),
        "currency": "USD",
        "ownership_pct": Decimal("3.33"),
        "status": "closed",
        "as_of": _date(2018, 5, 31),
        "source": _MAY_2018,
    },
    # In renminbi, to show the conversion at the rate of the stake's date.
    {
        "investor": "HOPU Capital",
        "company": "SenseTime",
        "round": "Series C+",
        "amount": Decimal("1000000000"),
        "currency": "CNY",
        "ownership_pct": Decimal("3.53"),
        "status": "closed",
        "as_of": _date(2018, 5, 31),
        "source": _MAY_2018,
    },
    {
        "investor": "SoftBank Vision Fund",
        "company": "SenseTime",
        "round": "Series D",
        "amount": Decimal("950000000"),
        "currency": "USD",
        "status": "in_talks",
        "as_of": _date(2018, 7, 10),
        "source": (
            "Reported in July 2018: in talks to invest almost $1B; "
            "the exact figure is illustrative."
        ),
    },
    {
        "investor": "Qualcomm Ventures",
        "company": "SenseTime",
        "round": "Series D",
        "currency": "USD",
        "status": "prospect",
        "as_of": _date(2018, 7, 10),
        "source": "Illustrative pipeline entry: no figure discussed yet.",
    },
    # The rest of the Series D's board, so that every column of it has a card:
    # illustrative, the report names SoftBank only.
    {
        "investor": "Fidelity International",
        "company": "SenseTime",
        "round": "Series D",
        "amount": Decimal("100000000"),
        "currency": "USD",
        "status": "prospect",
        "as_of": _date(2018, 7, 16),
        "source": "Illustrative pipeline entry: a follow-on Fidelity might take.",
    },
    {
        "investor": "Alibaba Group",
        "company": "SenseTime",
        "round": "Series D",
        "amount": Decimal("200000000"),
        "currency": "USD",
        "status": "committed",
        "as_of": _date(2018, 7, 20),
        "source": "Illustrative: Alibaba keeps its share with a pro-rata commitment.",
    },
    {
        "investor": "HOPU Capital",
        "company": "SenseTime",
        "round": "Series D",
        "amount": Decimal("100000000"),
        "currency": "USD",
        "status": "closed",
        "as_of": _date(2018, 8, 15),
        "source": "Illustrative: HOPU's pro-rata share, paid in at a first close.",
    },
    {
        "investor": "Silver Lake Partners",
        "company": "SenseTime",
        "round": "Series D",
        "amount": Decimal("150000000"),
        "currency": "USD",
        "status": "declined",
        "as_of": _date(2018, 7, 27),
        "source": "Illustrative: Silver Lake passes on the Series D.",
    },
    {
        "investor": "Ant Financial",
        "company": "Megvii",
        "round": "Series C",
        "amount": Decimal("100000000"),
        "currency": "USD",
        "status": "closed",
        "as_of": _date(2017, 10, 31),
        "source": "Illustrative: a share of Megvii's 2017 Series C.",
    },
]

# The contact log. `contacts` are e-mail addresses of people at the investor.
INTERACTIONS = [
    {
        "kind": "meeting",
        "occurred_at": _at(2018, 3, 20, 6, 30),
        "investor": "Alibaba Group",
        "contacts": ["mei.chen@alibaba.example.com", "jun.wang@alibaba.example.com"],
        "company": "SenseTime",
        "round": "Series C",
        "summary": "Term sheet review for SenseTime's Series C",
        "details": "Alibaba wants to lead; asked for the R&D roadmap in deep learning.",
        "follow_up_on": _date(2018, 3, 27),
        "follow_up_done": True,
        "logged_by": "ana.lima",
    },
    {
        "kind": "call",
        "occurred_at": _at(2018, 4, 3, 8),
        "investor": "Alibaba Group",
        "contacts": ["mei.chen@alibaba.example.com"],
        "company": "SenseTime",
        "round": "Series C",
        "summary": "Alibaba confirms it will lead the Series C",
        "logged_by": "ana.lima",
    },
    {
        "kind": "meeting",
        "occurred_at": _at(2018, 5, 10, 9),
        "investor": "Fidelity International",
        "contacts": [
            "hannah.whitfield@fidelity.example.com",
            "tom.ashby@fidelity.example.com",
        ],
        "company": "SenseTime",
        "round": "Series C+",
        "summary": "Fidelity's Asia team on the Series C+ extension",
        "details": "Questions on revenue mix (smart cities vs phones) and the IPO horizon.",
        "follow_up_on": _date(2018, 5, 14),
        "follow_up_done": True,
        "logged_by": "ben.okafor",
    },
    {
        "kind": "call",
        "occurred_at": _at(2018, 5, 15, 16),
        "investor": "Silver Lake Partners",
        "contacts": ["daniel.reyes@silverlake.example.com"],
        "company": "SenseTime",
        "round": "Series C+",
        "summary": "Silver Lake diligence call",
        "details": "Go-to-market with handset makers; data-room access granted.",
        "follow_up_on": _date(2018, 5, 18),
        "follow_up_done": True,
        "logged_by": "ben.okafor",
    },
    {
        "kind": "meeting",
        "occurred_at": _at(2018, 5, 22, 2),
        "investor": "HOPU Capital",
        "contacts": ["lin.zhao@hopu.example.com", "hao.sun@hopu.example.com"],
        "company": "SenseTime",
        "round": "Series C+",
        "summary": "HOPU will invest through its renminbi fund",
        "follow_up_on": _date(2018, 5, 25),
        "follow_up_done": True,
        "logged_by": "ana.lima",
    },
    {
        "kind": "call",
        "occurred_at": _at(2018, 6, 12, 7),
        "investor": "Alibaba Group",
        "contacts": ["jun.wang@alibaba.example.com"],
        "company": "SenseTime",
        "summary": "Post-closing check-in on the Series C",
        "logged_by": "ana.lima",
    },
    {
        "kind": "meeting",
        "occurred_at": _at(2018, 7, 5, 10),
        "investor": "SoftBank Vision Fund",
        "contacts": [
            "oliver.grant@visionfund.example.com",
            "aiko.tanaka@visionfund.example.com",
        ],
        "company": "SenseTime",
        "round": "Series D",
        "summary": "Vision Fund discusses a stake of almost $1B",
        "details": "They would anchor the new round; want a board observer seat.",
        "follow_up_on": _date(2018, 7, 20),
        "logged_by": "ana.lima",
    },
    {
        "kind": "email",
        "occurred_at": _at(2018, 7, 18, 13),
        "investor": "SoftBank Vision Fund",
        "contacts": ["aiko.tanaka@visionfund.example.com"],
        "company": "SenseTime",
        "round": "Series D",
        "summary": "Sent the Series D data-room index",
        "follow_up_on": _date(2018, 8, 1),
        "logged_by": "ana.lima",
    },
    {
        "kind": "email",
        "occurred_at": _at(2018, 7, 24, 3),
        "investor": "HOPU Capital",
        "contacts": ["lin.zhao@hopu.example.com"],
        "company": "SenseTime",
        "round": "Series D",
        "summary": "HOPU asks about pro-rata rights in the Series D",
        "follow_up_on": _date(2018, 8, 15),
        "logged_by": "ana.lima",
    },
    {
        "kind": "meeting",
        "occurred_at": _at(2018, 2, 6, 3),
        "investor": "CDH Investments",
        "contacts": ["yan.liu@cdh.example.com"],
        "company": "SenseTime",
        "round": "Series B",
        "summary": "CDH reviews its Series B position",
        "logged_by": "ben.okafor",
    },
    {
        "kind": "event",
        "occurred_at": _at(2018, 6, 28, 5),
        "investor": "Ant Financial",
        "contacts": ["fang.xu@antfin.example.com"],
        "company": "Megvii",
        "summary": "Ant Financial on Face++ in payments",
        "details": "Met at a Shanghai AI conference; open to comparing notes on Megvii.",
        "follow_up_on": _date(2018, 7, 9),
        "follow_up_done": True,
        "logged_by": "ben.okafor",
    },
]


def _recent(logged_by, days_ago, kind, investor, contacts, summary, **more):
    return {
        "logged_by": logged_by,
        "days_ago": days_ago,
        "kind": kind,
        "investor": investor,
        "contacts": contacts,
        "summary": summary,
        **more,
    }


# The deal team's contact log of the last weeks, dated from the day it is
# loaded (`days_ago`), so the dashboard's "contacts per week" chart always has
# lines. None touches Qualcomm Ventures or CDH Investments: the demo login's
# investors going cold.
RECENT_INTERACTIONS = [
    _recent(
        "ana.lima",
        3,
        "call",
        "Alibaba Group",
        ["mei.chen@alibaba.example.com"],
        "Alibaba on the timing of its pro-rata",
    ),
    _recent(
        "ana.lima",
        11,
        "meeting",
        "Ant Financial",
        ["fang.xu@antfin.example.com"],
        "Ant Financial's payments roadmap",
    ),
    _recent(
        "ana.lima",
        19,
        "email",
        "Alibaba Group",
        ["jun.wang@alibaba.example.com"],
        "Sent Alibaba the quarterly update",
    ),
    _recent(
        "ana.lima",
        26,
        "call",
        "SoftBank Vision Fund",
        ["aiko.tanaka@visionfund.example.com"],
        "Vision Fund's questions on the data room",
    ),
    _recent(
        "ana.lima",
        40,
        "email",
        "HOPU Capital",
        ["hao.sun@hopu.example.com"],
        "HOPU's renminbi fund documents",
    ),
    _recent(
        "ana.lima",
        54,
        "meeting",
        "Alibaba Group",
        ["mei.chen@alibaba.example.com", "jun.wang@alibaba.example.com"],
        "Alibaba strategy day in Hangzhou",
    ),
    _recent(
        "ana.lima",
        68,
        "email",
        "Ant Financial",
        ["fang.xu@antfin.example.com"],
        "Introduced Ant Financial to the SenseTime payments team",
    ),
    _recent(
        "ana.lima",
        75,
        "meeting",
        "SoftBank Vision Fund",
        ["oliver.grant@visionfund.example.com", "rahul.mehta@visionfund.example.com"],
        "Vision Fund's annual review of its AI holdings",
    ),
    _recent(
        "ben.okafor",
        2,
        "email",
        "Fidelity International",
        ["tom.ashby@fidelity.example.com"],
        "Sent Fidelity the model of the revenue split",
    ),
    _recent(
        "ben.okafor",
        8,
        "call",
        "Silver Lake Partners",
        ["priya.natarajan@silverlake.example.com"],
        "Silver Lake may come back for a later round",
    ),
    _recent(
        "ben.okafor",
        15,
        "meeting",
        "Fidelity International",
        ["hannah.whitfield@fidelity.example.com"],
        "Fidelity's Asia team visits Beijing",
    ),
    _recent(
        "ben.okafor",
        33,
        "email",
        "Silver Lake Partners",
        ["daniel.reyes@silverlake.example.com"],
        "Silver Lake's notes on the handset market",
    ),
    _recent(
        "ben.okafor",
        47,
        "call",
        "Fidelity International",
        ["hannah.whitfield@fidelity.example.com"],
        "Fidelity on the IPO horizon",
    ),
    _recent(
        "ben.okafor",
        61,
        "meeting",
        "Silver Lake Partners",
        ["daniel.reyes@silverlake.example.com"],
        "Silver Lake's technology conference",
    ),
]

DEAL_NOTES = [
    {
        "title": "Alibaba on SenseTime's R&D",
        "body": (
            "Alibaba's executive vice chairman, Joe Tsai, said in 2018 that "
            "Alibaba was “especially impressed” by SenseTime's R&D capabilities "
            "in deep learning and visual computing (as reported)."
        ),
        "investor": "Alibaba Group",
        "company": "SenseTime",
        "round": "Series C",
        "pinned": True,
        "author": "ana.lima",
    },
    {
        "title": "SenseTime: where the figures come from",
        "body": (
            "A July 2018 news report: SenseTime raised $1.2B last year (2017) "
            "alone, was valued at $4.5B in May 2018 and is preparing a round "
            "that could reach $2B. How the 2017 money splits into rounds and "
            "each investor's amount are illustrative; see each stake's source."
        ),
        "company": "SenseTime",
        "pinned": True,
        "author": "ben.okafor",
    },
    {
        "title": "Vision Fund: almost $1B ticket in the Series D",
        "body": (
            "Reported in July 2018 to want a stake of almost $1B. We carry "
            "$950M until terms are shared; it would be about half of the $2B "
            "target."
        ),
        "investor": "SoftBank Vision Fund",
        "company": "SenseTime",
        "round": "Series D",
        "author": "ana.lima",
    },
    {
        "title": "Megvii (Face++) as the comparable",
        "body": (
            "Megvii, known for its Face++ platform, is SenseTime's closest "
            "peer in computer vision: use it in valuation discussions."
        ),
        "company": "Megvii",
        "author": "ben.okafor",
    },
]

# The demo login logs nothing of the 2018 story, but gets contacts of its own
# so that "My follow-ups due" shows one overdue, one due today and one coming
# up, and the contacts chart has its line. Dated from the day they are
# loaded: `days_ago` is when the contact happened, `follow_up_in_days` the
# follow-up counted from today (none when missing).
DEMO_LOGIN_CONTACTS = [
    {
        "kind": "call",
        "days_ago": 9,
        "investor": "SoftBank Vision Fund",
        "contacts": ["oliver.grant@visionfund.example.com"],
        "company": "SenseTime",
        "summary": "Oliver Grant asks for the board-observer terms",
        "details": "Send him our draft of the observer rights before their IC meets.",
        "follow_up_in_days": -2,
    },
    {
        "kind": "email",
        "days_ago": 4,
        "investor": "Fidelity International",
        "contacts": ["hannah.whitfield@fidelity.example.com"],
        "company": "SenseTime",
        "summary": "Fidelity wants the latest revenue split",
        "follow_up_in_days": 0,
    },
    {
        "kind": "meeting",
        "days_ago": 1,
        "investor": "HOPU Capital",
        "contacts": ["lin.zhao@hopu.example.com"],
        "company": "SenseTime",
        "summary": "HOPU lunch: renminbi fund timing",
        "follow_up_in_days": 7,
    },
    {
        "kind": "meeting",
        "days_ago": 17,
        "investor": "SoftBank Vision Fund",
        "contacts": ["rahul.mehta@visionfund.example.com"],
        "company": "SenseTime",
        "summary": "Met Rahul Mehta, Vision Fund's new partner on AI",
    },
    {
        "kind": "call",
        "days_ago": 31,
        "investor": "HOPU Capital",
        "contacts": ["lin.zhao@hopu.example.com"],
        "summary": "HOPU's view of the renminbi market",
    },
    {
        "kind": "email",
        "days_ago": 52,
        "investor": "Fidelity International",
        "contacts": ["tom.ashby@fidelity.example.com"],
        "summary": "Answered Fidelity's questions on margins",
    },
]
