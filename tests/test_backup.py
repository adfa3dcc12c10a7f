"""`manage.py backup` and `restore` (behind `make backup` and `make restore`) lose nothing."""

import io
import shutil
import sqlite3
import stat
import subprocess

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
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


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(some_data, tmp_path):
    folder = tmp_path / "backups"
    dump = folder / "capacity-map.backup"
    call_command("backup", output=str(dump))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    # Written again over an older copy that others could read, it is made private too.
    dump.chmod(0o644)
    call_command("backup", output=str(dump))
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600


@pytest.fixture
def a_backup_then_a_loss(some_data, tmp_path):
    dump = tmp_path / "capacity-map.backup"
    call_command("backup", output=str(dump))
    Organisation.objects.filter(slug="friends").delete()
    return dump


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_overwrites_nothing_unless_told_yes(a_backup_then_a_loss, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Terminal("no\n"))
    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", input=str(a_backup_then_a_loss))
    assert not Organisation.objects.filter(slug="friends").exists()
    monkeypatch.setattr("sys.stdin", _Terminal("yes\n"))
    call_command("restore", input=str(a_backup_then_a_loss))
    assert Organisation.objects.filter(slug="friends").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_with_no_terminal_to_ask_refuses_unless_given_yes(a_backup_then_a_loss, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped input is not a person's answer
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", input=str(a_backup_then_a_loss))
    assert not Organisation.objects.filter(slug="friends").exists()
    call_command("restore", input=str(a_backup_then_a_loss), yes=True)
    assert Organisation.objects.filter(slug="friends").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_restore_runs_unattended_for_the_backup_it_is_given(tmp_path):
    def dry_run(*variables):
        return subprocess.run(
            ["make", "-n", "restore", *variables],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )

    given = dry_run("BACKUP=backups/x.backup")
    command = next(line for line in given.stdout.splitlines() if "manage.py restore" in line)
    assert command.endswith("--input backups/x.backup --yes")
    # With no backup named it restores nothing, not "the newest" by surprise.
    assert "BACKUP=" in dry_run().stdout + dry_run().stderr
    refused = subprocess.run(["make", "restore"], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert refused.returncode != 0 and "Say which backup to restore" in refused.stdout


class _Terminal(io.StringIO):
    def isatty(self):
        return True
