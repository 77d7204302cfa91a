"""Trigram indexes for the contact log and deal note searches (PostgreSQL only).

GET /api/v1/interactions/?search= matches the summary or the details, and
GET /api/v1/notes/?search= the title or the body; so do the admin searches,
in part (see the admin's search_fields).
On SQLite these operations do nothing (see crm.core.db_operations).
"""

from django.db import migrations

from crm.core.db_operations import AddTrigramIndex


class Migration(migrations.Migration):

    dependencies = [
        # pg_trgm is created there.
        ("investors", "0002_search_indexes"),
        ("notes", "0004_list_indexes"),
    ]

    operations = [
        AddTrigramIndex("interaction", "interaction_summary_trgm", "summary"),
        AddTrigramIndex("interaction", "interaction_details_trgm", "details"),
        AddTrigramIndex("dealnote", "deal_note_title_trgm", "title"),
        AddTrigramIndex("dealnote", "deal_note_body_trgm", "body"),
    ]
