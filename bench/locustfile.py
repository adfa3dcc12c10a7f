"""`make loadtest`: officers browsing and exporting, groups registering, residents answering.

Run by bench/loadtest.py, which starts gunicorn and writes the plan this file reads (the
officer's session, the county's wards, categories, services and survey sections) to the file
named by LOADTEST_PLAN. Runs in its own virtualenv (bench/.venv-locust), without Django.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"]).read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMBERS = itertools.count(1)


class Visitor(HttpUser):
    abstract = True

    def get(self, url, name, **kwargs):
        response = self.client.get(url, name=name, **kwargs)
        self.keep_cookies()
        return response

    def keep_cookies(self):
        # Production marks cookies Secure; plain HTTP on loopback stands in for the TLS proxy here,
        # so the client is told to send them back all the same.
        for cookie in self.client.cookies:
            cookie.secure = False

    def form_token(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            found = CSRF.search(response.text or "")
            if found is None:
                response.failure(f"{response.status_code} with no form")
                return None
        self.keep_cookies()
        return found.group(1)

    def send(self, url, name, data, expect):
        """GET the form, then POST it with its CSRF token; the answer must redirect to `expect`."""
        token = self.form_token(url, name)
        if token is None:
            return False
        with self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or (expect and not location.startswith(expect)):
                response.failure(f"{response.status_code} to {location or 'nowhere'}, expected {expect}")
                return False
            response.success()
        self.keep_cookies()
        return True


class Officer(Visitor):
    """A council officer browsing the matrix, the services and their pages, and exporting."""

    weight = 10
    wait_time = between(1, 5)

    def on_start(self):
        self.client.cookies.set(PLAN["session_cookie"], PLAN["officer_session"])

    @task(6)
    def matrix(self):
        self.get("/matrix/", name="matrix")

    @task(3)
    def matrix_page(self):
        self.get("/matrix/", params={"page": random.randint(2, PLAN["matrix_pages"])}, name="matrix page n")

    @task(5)
    def matrix_filtered(self):
        self.get("/matrix/", params=self.some_filters(), name="matrix filtered")

    @task(3)
    def services_overview(self):
        self.get("/services/", name="services overview")

    @task(6)
    def service_page(self):
        self.get(f"/services/{random.choice(PLAN['services'])}/", name="service page")

    @task(3)
    def organisation_page(self):
        self.get(f"/organisations/{random.choice(PLAN['organisations'])}/", name="organisation page")

    @task(2)
    def dashboard(self):
        self.get("/dashboard/", name="dashboard")

    @task(2)
    def survey_results(self):
        self.get("/survey/results/", name="survey results")

    @task(2)
    def export_filtered(self):
        kind = random.choice(["csv", "xlsx"])
        self.get(f"/matrix.{kind}", params=self.some_filters(), name=f"export {kind} filtered")

    @task(1)
    def export_csv_whole(self):
        self.get("/matrix.csv", name="export csv whole matrix")

    @staticmethod
    def some_filters():
        return {"ward": random.choice(PLAN["wards"]), "category": random.choice(PLAN["categories"])}


class Group(Visitor):
    """A community group registering, one page at a time, from the start page to its reference."""

    weight = 3
    # Between pages, to read and answer (shortened, so that journeys end within the 30 seconds).
    wait_time = between(0.5, 2)

    @task
    def register(self):
        self.client.cookies.clear()
        number = next(NUMBERS)
        self.get("/register/", name="register start")
        services = random.sample(PLAN["open_services"], 3)
        pages = [
            (
                "about",
                {"name": f"{PLAN['name_prefix']} {os.getpid()}-{number}", "description": "A test group."},
            ),
            ("type", {"org_type": "community_group", "charity_number": "", "company_number": ""}),
            ("where", {"area": "wards", "wards": random.sample(PLAN["wards"], 2)}),
            (
                "size",
                {
                    "volunteers": "12",
                    "paid_staff": "",
                    "income_band": "under_10k",
                    "year_founded": "2010",
                    "safeguarding_policy": "yes",
                    "public_liability_insurance": "yes",
                },
            ),
            ("services", {"services": services}),
            *[
                (
                    f"service-{slug}",
                    {
                        "roles": ["deliver"],
                        "involvement": "volunteers",
                        "readiness": "with_support",
                        "volunteers_offered": "4",
                        "hours_per_week": "8",
                        "support_needed": ["training"],
                        "benefits": "More hands.",
                    },
                )
                for slug in services
            ],
            (
                "contact",
                {
                    "contact_name": "Load Test",
                    "contact_email": "loadtest@example.org",
                    "contact_phone": "01632 960000",
                    "postcode": "AW1 1AA",
                    "consent": "on",
                    "fax_number": "",
                },
            ),
        ]
        for key, data in pages:
            self.wait()
            name = "register service step" if key.startswith("service-") else f"register {key}"
            if not self.send(f"/register/{key}/", name, data, expect="/register/"):
                return
        self.wait()
        self.send("/register/check/", "register check and send", {}, expect="/register/done/")
        self.get("/register/done/", name="register done")


class Resident(Visitor):
    """A resident answering the survey, one service category a page, then sending it."""

    weight = 7
    wait_time = between(0.5, 2)

    @task
    def answer(self):
        self.client.cookies.clear()
        self.get("/survey/", name="survey start")
        views = ["willing", "neutral", "uneasy", "dont_know"]
        for slug, service_ids in PLAN["sections"]:
            self.wait()
            data = {}
            for pk in service_ids:
                data[f"view_{pk}"] = random.choice(views)
                if random.random() < 0.4:
                    data[f"ways_{pk}"] = random.sample(
                        ["volunteers", "community_group", "social_enterprise"], 2
                    )
            if not self.send(f"/survey/questions/{slug}/", "survey section", data, expect="/survey/"):
                return
        self.wait()
        about = {"ward": random.choice(PLAN["wards"]), "age_band": random.choice(PLAN["age_bands"])}
        if not self.send("/survey/about-you/", "survey about you", about, expect="/survey/check-answers/"):
            return
        self.wait()
        self.send("/survey/check-answers/", "survey check and send", {}, expect="/survey/thank-you/")
        self.get("/survey/thank-you/", name="survey thanks")
