"""Trigram indexes for the investor and contact searches (PostgreSQL only).

Each indexes the expression Django's `icontains` compiles to:
- GET /api/v1/investors/?search= matches the name, the description, or a
  contact's full name ("first last") or email;
- GET /api/v1/contacts/?search= matches the full name, email or title;
- the investor admin searches the name and the city.
On SQLite these operations do nothing (see crm.core.db_operations).
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat

from crm.core.db_operations import AddTrigramIndex, TrigramExtensionOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("investors", "0001_initial"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        AddTrigramIndex("investor", "investor_name_trgm", "name"),
        AddTrigramIndex("investor", "investor_description_trgm", "description"),
        AddTrigramIndex("investor", "investor_city_trgm", "city"),
        AddTrigramIndex(
            "contact",
            "contact_full_name_trgm",
            Concat("first_name", Value(" "), "last_name"),
        ),
        AddTrigramIndex("contact", "contact_email_trgm", "email"),
        AddTrigramIndex("contact", "contact_title_trgm", "title"),
    ]
