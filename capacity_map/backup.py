"""Database backups: pg_dump/pg_restore for PostgreSQL, SQLite's online backup API otherwise."""

import os
import sqlite3
import subprocess

from django.db import connection


def _pg_environment():
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    args = ["-h", settings.get("HOST") or "localhost", "-p", str(settings.get("PORT") or 5432)]
    if settings.get("USER"):
        args += ["-U", settings["USER"]]
    return env, args, settings["NAME"]


def _private_file(path):
    """Create (or empty) `path` readable by its owner only, in a folder only the owner can open."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700)
        os.chmod(folder, 0o700)  # makedirs' mode is reduced by the umask
    # Created 0600 before a byte is written, so the data is never readable by others.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an older copy being overwritten keeps its mode otherwise


def backup(path):
    """Write a consistent copy of the whole database to `path`, readable by its owner only."""
    _private_file(path)
    if connection.vendor == "postgresql":
        env, args, name = _pg_environment()
        # The PostgreSQL client tools from PATH; every argument comes from settings.
        subprocess.run(  # noqa: S603
            ["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path), name],  # noqa: S607
            env=env,
            check=True,
            capture_output=True,
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        # The online backup API copies a consistent snapshot even while others write.
        connection.connection.backup(target)


def restore(path):
    """Replace the database's contents with the backup at `path`."""
    if connection.vendor == "postgresql":
        env, args, name = _pg_environment()
        connection.close()
        restore_args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", name]
        subprocess.run(  # noqa: S603
            ["pg_restore", *args, *restore_args, str(path)],  # noqa: S607
            env=env,
            check=True,
            capture_output=True,
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(path) as source:
        source.backup(connection.connection)
