"""Trigram indexes for finding people and investors by their Chinese names (PostgreSQL only).

- a person's name family name first, without a space ("王军"), which the
  searches match beside "first last" (crm.investors.names);
- an investor's aliases (e.g. 阿里巴巴), which the investor searches match.
On SQLite these operations do nothing (see crm.core.db_operations).
"""

from django.db import migrations
from django.db.models.functions import Concat

from crm.core.db_operations import AddTrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("investors", "0009_external_id"),
    ]

    operations = [
        AddTrigramIndex("investor", "investor_aliases_trgm", "aliases"),
        AddTrigramIndex(
            "contact",
            "contact_family_first_name_trgm",
            Concat("last_name", "first_name"),
        ),
    ]
