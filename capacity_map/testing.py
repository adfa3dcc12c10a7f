"""A pytest plugin (loaded by `-p capacity_map.testing` in pyproject.toml) that says, before
Django reads its settings, that this process runs the tests: DJANGO_TESTING=1, the explicit flag
the settings read, rather than guessing from the command line."""

import os

os.environ.setdefault("DJANGO_TESTING", "1")
