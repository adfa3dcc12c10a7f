"""A small stand-in for the GOV.UK Notify API on loopback, for tests only.

It checks what the real service checks of an email request: a JWT signed with the key's secret,
issued by the key's service id within the last 30 seconds; a known template; an email address;
every personalisation field the template uses. It keeps what it accepted, and can be told to
answer with an error, as Notify does when it is down or refuses a message.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"capacity_map_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEMPLATE_FIELDS = ("subject", "body")


class FakeNotify:
    def __init__(self):
        self.sent = []
        self.refusals = []
        self.fail_with = None  # e.g. 500 to act as if Notify were down
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status, error, message):
                fake.refusals.append((status, message))
                self._answer(
                    status, {"status_code": status, "errors": [{"error": error, "message": message}]}
                )

            def do_POST(self):
                if self.path != "/v2/notifications/email":
                    return self._error(404, "NotFound", "Not found")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(
                        token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
                    )
                except jwt.PyJWTError as error:
                    return self._error(403, "AuthError", f"Invalid token: {error}")
                if claims["iss"] != SERVICE_ID or abs(time.time() - claims["iat"]) > 30:
                    return self._error(403, "AuthError", "Invalid token: iss or iat")
                if fake.fail_with:
                    return self._error(fake.fail_with, "Exception", "Internal server error")
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if data.get("template_id") != TEMPLATE_ID:
                    return self._error(400, "BadRequestError", "Template not found")
                if "@" not in data.get("email_address", ""):
                    return self._error(400, "ValidationError", "email_address Not a valid email address")
                missing = [f for f in TEMPLATE_FIELDS if f not in (data.get("personalisation") or {})]
                if missing:
                    return self._error(
                        400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
                    )
                notification_id = str(uuid.uuid4())
                fake.sent.append({**data, "id": notification_id})
                personalisation = data["personalisation"]
                self._answer(
                    201,
                    {
                        "id": notification_id,
                        "reference": data.get("reference"),
                        "content": {
                            "subject": personalisation["subject"],
                            "body": personalisation["body"],
                            "from_email": "capacity.map@notifications.service.gov.uk",
                        },
                        "uri": f"{fake.url}/v2/notifications/{notification_id}",
                        "template": {
                            "id": TEMPLATE_ID,
                            "version": 1,
                            "uri": f"{fake.url}/templates/{TEMPLATE_ID}",
                        },
                    },
                )

        return Handler
