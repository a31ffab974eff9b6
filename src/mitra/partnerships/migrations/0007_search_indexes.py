"""Indexes for the partnership list and the organisation directory (issue 19).

Kept out of the models' state on purpose: the full-text and trigram indexes are PostgreSQL
expression indexes (SQLite has no GIN), and the directory's indexes are on the organisations
table; none of them changes what Django knows about a model, so ``makemigrations`` stays quiet.

- every filter of the list: form, stage, development sector, province, visibility (with the
  list's order: anonymous visitors read ``visibility = 'public' ORDER BY created_at DESC, id
  DESC``, answered in index order), a member's organisation's sector, a member's roles;
- PostgreSQL: ``pg_trgm`` and ``unaccent``; ``mitra_unaccent``, an IMMUTABLE wrapper of
  ``unaccent`` (indexes need immutable functions); a GIN index on the weighted search document
  of ``partnerships.selectors.search_vector`` (titles A, summaries B, 'simple' configuration, no
  accents: one index for Indonesian and English); ``UPPER(code)`` for code prefixes;
  trigram GIN
  indexes on organisation names and short names; the directory's filters.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Func, TextField

#: (name, table, columns): plain b-tree indexes on both databases.
PLAIN = [
    ("partnership_vis_created", "partnerships_partnership", "visibility, created_at DESC, id DESC"),
    ("partnership_created_id", "partnerships_partnership", "created_at DESC, id DESC"),
    ("partnership_form", "partnerships_partnership", "form, created_at DESC"),
    ("partnership_stage", "partnerships_partnership", "stage, created_at DESC"),
    ("partnership_dev_sector", "partnerships_partnership", "development_sector, created_at DESC"),
    ("partnership_province", "partnerships_partnership", "province, created_at DESC"),
    ("member_org_current", "partnerships_partnershipmember", "organisation_id, left_on"),
    ("memberrole_role", "partnerships_memberrole", "role, member_id"),
    ("organisation_sector", "organisations_organisation", "sector"),
    ("organisation_kind", "organisations_organisation", "kind"),
    ("organisation_province", "organisations_organisation", "province"),
]

#: (name, column): trigram GIN indexes of the directory (PostgreSQL).
TRIGRAM = [("organisation_name_trgm", "name"), ("organisation_short_name_trgm", "short_name")]

UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION mitra_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""


class Unaccent(Func):
    """Frozen copy of mitra.core.search.Unaccent (a migration does not import app code)."""

    function = "mitra_unaccent"
    output_field = TextField()


def search_vector():
    """Frozen copy of partnerships.selectors.search_vector: the query must compile to the same
    expression for PostgreSQL to use the index (tests/test_search_postgres.py checks the plan)."""
    return SearchVector(
        Unaccent("title_ind"), Unaccent("title_en"), config="simple", weight="A"
    ) + SearchVector(Unaccent("summary_ind"), Unaccent("summary_en"), config="simple", weight="B")


def postgres_indexes(apps):
    Partnership = apps.get_model("partnerships", "Partnership")
    return [
        (Partnership, GinIndex(search_vector(), name="partnership_search")),
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, columns in PLAIN:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
    if vendor != "postgresql":
        return
    schema_editor.execute(UNACCENT_FUNCTION)
    for name, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON organisations_organisation "
            f"USING gin ({column} gin_trgm_ops)"
        )
    # Code prefixes (``UPPER(code) LIKE 'KPSOS-2026%'``); the collation is not "C", so the
    # pattern operator class is needed for LIKE to use the index.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS partnership_code_upper "
        "ON partnerships_partnership (UPPER(code::text) text_pattern_ops)"
    )
    for model, index in postgres_indexes(apps):
        schema_editor.add_index(model, index)
    schema_editor.execute("ANALYZE partnerships_partnership")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in postgres_indexes(apps):
            schema_editor.remove_index(model, index)
        for name in ["partnership_code_upper", *(name for name, _column in TRIGRAM)]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute("DROP FUNCTION IF EXISTS mitra_unaccent(text)")
    for name, _table, _columns in PLAIN:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0006_need_in_both_languages"),
        ("organisations", "0003_kpbu_model"),
    ]

    operations = [
        # Both skip themselves on SQLite (CreateExtension checks the database's vendor).
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
