"""The tables of the database caches (config.caches: the failed-sign-in counters, the rate
limits' counters), made by `mitra migrate` too, so an upgrade that adds one cannot forget it
(`mitra createcachetable` does the same and may still be run). Nothing without database caches."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
