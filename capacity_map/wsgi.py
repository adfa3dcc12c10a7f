"""WSGI entry point, for gunicorn: `gunicorn capacity_map.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capacity_map.settings")
application = get_wsgi_application()
