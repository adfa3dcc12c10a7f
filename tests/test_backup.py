"""`manage.py backup` and `restore` (behind `make backup` and `make restore`) lose nothing."""

import sqlite3
import subprocess

import psycopg2
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from organisations.models import Organisation


def _counts_here():
    return {m._meta.db_table: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def some_data(borough, make_resident_response):
    make_resident_response({borough["parks"]: "willing", borough["day_care"]: "uneasy"})
    return borough


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_every_record(some_data, tmp_path):
    expected = _counts_here()
    assert expected[Organisation._meta.db_table] == 5
    dump = tmp_path / "capacity-map.backup"
    call_command("backup", output=str(dump))
    assert dump.stat().st_size > 0

    if connection.vendor == "postgresql":
        fresh = "capacity_map_restore_check"
        settings = connection.settings_dict
        admin = psycopg2.connect(
            dbname="postgres",
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            password=settings["PASSWORD"],
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {fresh}")
            cursor.execute(f"CREATE DATABASE {fresh}")
        try:
            subprocess.run(
                [
                    "pg_restore",
                    "-h",
                    settings["HOST"],
                    "-p",
                    str(settings["PORT"]),
                    "-U",
                    settings["USER"],
                    "--no-owner",
                    "--dbname",
                    fresh,
                    str(dump),
                ],
                check=True,
                capture_output=True,
            )
            restored = psycopg2.connect(
                dbname=fresh,
                host=settings["HOST"],
                port=settings["PORT"],
                user=settings["USER"],
                password=settings["PASSWORD"],
            )
            with restored, restored.cursor() as cursor:
                counts = {}
                for table in expected:
                    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                    counts[table] = cursor.fetchone()[0]
            restored.close()
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {fresh}")
            admin.close()
    else:
        with sqlite3.connect(dump) as restored:
            counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}
    assert counts == expected


@pytest.mark.django_db(transaction=True)
def test_restore_puts_back_what_was_lost(some_data, tmp_path):
    expected = _counts_here()
    dump = tmp_path / "capacity-map.backup"
    call_command("backup", output=str(dump))
    Organisation.objects.filter(slug="friends").delete()
    assert _counts_here() != expected
    call_command("restore", input=str(dump), yes=True)
    assert _counts_here() == expected
    assert Organisation.objects.filter(slug="friends").exists()
