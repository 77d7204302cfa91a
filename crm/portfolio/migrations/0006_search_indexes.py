"""Trigram indexes for the company search (PostgreSQL only).

GET /api/v1/companies/?search= (CompanyQuerySet.matching) matches the name or
an alias; the company admin searches the name, the aliases and the city.
On SQLite these operations do nothing (see crm.core.db_operations).
"""

from django.db import migrations

from crm.core.db_operations import AddTrigramIndex


class Migration(migrations.Migration):

    dependencies = [
        # pg_trgm is created there.
        ("investors", "0002_search_indexes"),
        ("portfolio", "0005_list_indexes"),
    ]

    operations = [
        AddTrigramIndex("company", "company_name_trgm", "name"),
        AddTrigramIndex("company", "company_aliases_trgm", "aliases"),
        AddTrigramIndex("company", "company_city_trgm", "city"),
    ]
