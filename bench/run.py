"""`make bench`: how fast Capacity Map is at demo scale and at county scale, on PostgreSQL.

Builds (or reuses) two databases from the seed_demo generator, the demo council and a county
(5,000 groups, 150 services, 40 wards, 3 capacity rounds, 20,000 residents), then measures each
page warm through Django's test client in one process per database: server time including
template rendering, p50 and p95 over the repetitions, and the SQL queries each page runs. The
matrix is also compared with its floor, the bare SQL for exactly the cells and counts it shows
(psycopg2, no ORM). Writes bench/results.json and prints a table with the targets.

    .venv/bin/python bench/run.py [--repetitions 30] [--only county]

DATABASE_URL names the county database (default: a local `capacity_map_bench`, created if
missing); the demo council goes in a database of the same name ending `_demo`.
"""

import argparse
import ctypes
import ctypes.util
import gc
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/capacity_map_bench"

DATASETS = {
    # name: seed_demo options, and what a complete database holds
    "demo": {"options": {"scale": 1}, "expect": {"organisations": 250, "service areas": 60, "wards": 18}},
    "county": {
        "options": {"scale": 20, "wards": 40, "services": 150, "capacity_rounds": 3, "residents": 20_000},
        "expect": {
            "organisations": 5_000,
            "service areas": 150,
            "wards": 40,
            "capacity rounds": 3,
            "resident responses": 20_000,
        },
        "at_least": {"interests": 60_000, "resident service views": 300_000},
    },
}

PAGE_SCENARIOS = [
    "matrix",
    "matrix_filtered",
    "services_overview",
    "service_page",
    "dashboard",
    "survey_results",
    "registration_submit",
    "survey_submit",
]
EXPORT_SCENARIOS = ["export_csv", "export_xlsx"]
# The journeys' last steps: they write, so they are held to the same count at both scales (and
# however many services were answered), not to the page limit of 15.
SUBMISSIONS = ["registration_submit", "survey_submit"]
EXPORT_REPETITIONS = 5
WARM_UP = 3

# (scenario, measure, limit); measured at county scale on this 2-core machine.
TARGETS = [
    ("matrix", "p50_ms", 150),
    ("matrix", "ratio", 3),
    ("matrix_filtered", "p50_ms", 150),
    ("service_page", "p50_ms", 150),
    ("services_overview", "p50_ms", 250),
    ("dashboard", "p50_ms", 250),
    ("survey_results", "p50_ms", 250),
    ("export_csv", "seconds", 3),
    ("export_csv", "rss_growth_mb", 100),
    ("export_xlsx", "seconds", 15),
    ("export_xlsx", "rss_growth_mb", 300),
    ("registration_submit", "p50_ms", 100),
    ("survey_submit", "p50_ms", 100),
]
MAX_QUERIES = 15
BENCH_NAME_PREFIX = "Bench registration"
LOADTEST_NAME_PREFIX = "Loadtest Group"
SENT_NAME_PREFIXES = (BENCH_NAME_PREFIX, LOADTEST_NAME_PREFIX)


# --- the parent: machine, one worker per dataset, results -----------------------------------------


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repetitions", type=int, default=30, help="timed requests per page (at least 20)")
    parser.add_argument("--only", choices=sorted(DATASETS), help="measure one dataset only")
    parser.add_argument("--worker", choices=sorted(DATASETS), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.repetitions, Path(args.out))
    if args.repetitions < 20:
        parser.error("--repetitions must be 20 or more")

    county_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not county_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL to a postgres:// URL, or unset it")
    urls = {"county": county_url, "demo": _sibling_database(county_url, "_demo")}
    env = _bench_environment()
    _collect_static(env)
    measured = {}
    for name in [args.only] if args.only else ["demo", "county"]:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            print(f"== {name}: {_describe(DATASETS[name]['options'])}", flush=True)
            command = [sys.executable, __file__, "--worker", name, "--repetitions", str(args.repetitions)]
            # Our own script, run again with this interpreter.
            subprocess.run(  # noqa: S603
                [*command, "--out", out.name], check=True, env={**env, "DATABASE_URL": urls[name]}
            )
            measured[name] = json.loads(Path(out.name).read_text())

    machine = _machine(measured)
    results = _results(measured, machine, args.repetitions)
    if not args.only or args.only == "county":
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    missed = _report(results, measured)
    if not args.only or args.only == "county":
        print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 1 if missed else 0


def _sibling_database(url, suffix):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _bench_environment():
    """Production settings, as a deployment runs them, with throwaway secrets and no real email."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONHASHSEED=env.get("PYTHONHASHSEED", "0"),
    )
    env.pop("REDIS_URL", None)
    return env


def _collect_static(env):
    # Production settings serve hashed static files, so the templates need the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env
    )


def _describe(options):
    return ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in options.items())


def _machine(measured):
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    any_run = next(iter(measured.values()))
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "postgresql": any_run["postgresql"],
        "python": platform.python_version(),
        "django": any_run["django"],
    }


def _results(measured, machine, repetitions):
    county = measured.get("county")
    results = dict(county["scenarios"]) if county else {}
    results["machine"] = machine
    results["method"] = {
        "repetitions": repetitions,
        "export_repetitions": EXPORT_REPETITIONS,
        "warm_up": WARM_UP,
        "client": "django.test.Client in one process, production settings (DEBUG off)",
    }
    for name, run in measured.items():
        results.setdefault("datasets", {})[name] = {
            "options": DATASETS[name]["options"],
            "counts": run["counts"],
            "build_seconds": run["build_seconds"],
        }
    if "demo" in measured:
        results["demo_scale"] = measured["demo"]["scenarios"]
    return results


def _report(results, measured):
    names = [name for name in ("demo", "county") if name in measured]
    print()
    print(
        f"Machine: {results['machine']['cores']} cores ({results['machine']['cpu']}), "
        f"{results['machine']['memory_gb']} GB, {results['machine']['postgresql']}"
    )
    for name in names:
        counts = measured[name]["counts"]
        built = measured[name]["build_seconds"]
        how = f"built in {built:.0f} s" if built is not None else "reused"
        print(
            f"{name}: {counts['organisations']:,} organisations, {counts['service areas']} services, "
            f"{counts['wards']} wards, {counts['capacity rounds']} capacity rounds, "
            f"{counts['interests']:,} interests, {counts['resident responses']:,} resident responses, "
            f"{counts['resident service views']:,} views ({how})"
        )
    print()
    header = f"{'scenario':<21}" + "".join(
        f"{name + ' ' + measure:>19}" for name in names for measure in ("p50 ms", "p95 ms", "queries")
    )
    print(header)
    print("-" * len(header))
    for scenario in PAGE_SCENARIOS + EXPORT_SCENARIOS:
        cells = []
        for name in names:
            figures = measured[name]["scenarios"][scenario]
            cells += [
                f"{figures['p50_ms']:>19.1f}",
                f"{figures['p95_ms']:>19.1f}",
                f"{figures['queries']:>19}",
            ]
        print(f"{scenario:<21}" + "".join(cells))
    print()
    for name in names:
        scenarios = measured[name]["scenarios"]
        matrix = scenarios["matrix"]
        print(
            f"{name}: matrix SQL floor {matrix['sql_floor_ms']:.1f} ms, page / floor {matrix['ratio']:.2f}; "
            + "; ".join(
                f"{s} {scenarios[s]['seconds']:.2f} s, +{scenarios[s]['rss_growth_mb']:.0f} MB"
                for s in EXPORT_SCENARIOS
            )
        )

    missed = []
    if "county" in measured:
        print("\nTargets (county scale):")
        scenarios = measured["county"]["scenarios"]
        for scenario, measure, limit in TARGETS:
            value = scenarios[scenario][measure]
            ok = value <= limit
            missed += [] if ok else [f"{scenario} {measure}"]
            print(f"  {'met ' if ok else 'MISSED'} {scenario} {measure} {value:.2f} <= {limit}")
        for scenario in PAGE_SCENARIOS + EXPORT_SCENARIOS:
            county_queries = scenarios[scenario]["queries"]
            demo_queries = measured.get("demo", {}).get("scenarios", {}).get(scenario, {}).get("queries")
            page = scenario not in SUBMISSIONS
            ok = (county_queries <= MAX_QUERIES or not page) and demo_queries in (None, county_queries)
            missed += [] if ok else [f"{scenario} queries"]
            same = "" if demo_queries is None else f", demo scale {demo_queries}"
            limit = f" <= {MAX_QUERIES}" if page else " (a form sent, not a page: the same at both scales)"
            print(f"  {'met ' if ok else 'MISSED'} {scenario} queries {county_queries}{same}{limit}")
    if missed:
        print("\nMissed: " + ", ".join(missed))
    return missed


# --- the worker: one dataset, one process ---------------------------------------------------------


def worker(name, repetitions, out):
    _database_ensure(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capacity_map.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    dataset = DATASETS[name]
    build_seconds = _dataset_ensure(dataset)
    bench = Bench(repetitions)
    try:
        scenarios = bench.run()
    finally:
        _leftovers_remove(dataset)
    out.write_text(
        json.dumps(
            {
                "scenarios": scenarios,
                "counts": _counts(),
                "build_seconds": build_seconds,
                "postgresql": _postgresql_version(),
                "django": django.get_version(),
            }
        )
    )
    return 0


def _database_ensure(url):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}", flush=True)
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def _counts():
    from surveys.demo.load import demo_counts
    from surveys.models import Survey

    counts = demo_counts()
    counts["capacity rounds"] = Survey.objects.organisation_capacity().count()
    return counts


def _dataset_ensure(dataset):
    """Build what is missing; None when the database already held the whole dataset."""
    from surveys.demo.load import build_demo_council

    _leftovers_remove(dataset)
    counts = _counts()
    complete = all(counts[key] == value for key, value in dataset["expect"].items()) and all(
        counts[key] >= value for key, value in dataset.get("at_least", {}).items()
    )
    build_seconds = None
    if not complete:
        print("Building the dataset (bulk inserts)...", flush=True)
        started = time.perf_counter()
        build_demo_council(**dataset["options"])
        build_seconds = round(time.perf_counter() - started, 1)
        print(f"Built in {build_seconds:.1f} s", flush=True)
        counts = _counts()
        for key, value in dataset.get("at_least", {}).items():
            if counts[key] < value:
                raise SystemExit(f"The dataset has {counts[key]:,} {key}, fewer than {value:,}.")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    _rounds_open()
    return build_seconds


def _rounds_open():
    """Keep the demo's open rounds open however long ago the database was built."""
    import datetime

    from django.utils import timezone

    from surveys.demo.shape import OPEN_ROUND, RESIDENT_ROUND
    from surveys.models import Survey

    now = timezone.now()
    for slug in (OPEN_ROUND, RESIDENT_ROUND):
        survey = Survey.objects.get(slug=slug)
        if not survey.is_open(now):
            # Every round moves together, so they stay in the same order.
            shift = now - datetime.timedelta(days=30) - survey.opens_at
            for each in Survey.objects.all():
                Survey.objects.filter(pk=each.pk).update(
                    opens_at=each.opens_at + shift, closes_at=each.closes_at + shift
                )
            print("Moved the survey rounds so the current ones are open.", flush=True)


def _leftovers_remove(dataset):
    """Delete what the submit scenarios and the load test sent, so every run measures the same data."""
    from organisations.models import Organisation
    from surveys.demo.shape import RESIDENT_RESPONSES_PER_SCALE, RESIDENT_ROUND
    from surveys.models import Interest, ResidentResponse

    for prefix in SENT_NAME_PREFIXES:
        organisations = Organisation.objects.filter(name__startswith=prefix)
        ids = list(organisations.values_list("pk", flat=True))
        organisations.delete()
        Organisation.history.filter(name__startswith=prefix).delete()
        Interest.history.filter(organisation_id__in=ids).delete()
    # The generator's responses were inserted first, so any after them were sent since.
    options = dataset["options"]
    generated = options.get("residents", RESIDENT_RESPONSES_PER_SCALE * options["scale"])
    responses = ResidentResponse.objects.filter(survey__slug=RESIDENT_ROUND).order_by("pk")
    last = responses.values_list("pk", flat=True)[generated - 1 : generated].first()
    if last is not None:
        responses.filter(pk__gt=last).delete()


def _postgresql_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


class RssSampler:
    """The process's peak resident memory while a block runs, sampled every 2 ms."""

    def __init__(self):
        self.page = os.sysconf("SC_PAGE_SIZE")

    def rss(self):
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self.page

    def __enter__(self):
        self.start = self.peak = self.rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def growth_mb(self):
        return (self.peak - self.start) / 1024 / 1024


class Bench:
    """Every scenario against the current database, through Django's test client."""

    def __init__(self, repetitions):
        from django.contrib.auth import get_user_model
        from django.db.models import Count, Q
        from django.test import Client
        from django.urls import reverse

        from organisations.models import Ward
        from services.models import ServiceArea, ServiceCategory
        from surveys.rounds import default_capacity_survey

        self.repetitions = repetitions
        self.officer = Client()
        self.officer.force_login(get_user_model().objects.get(username="officer"))
        self.public = Client()
        survey = default_capacity_survey()
        busiest = (
            ServiceArea.objects.annotate(n=Count("interests", filter=Q(interests__survey=survey)))
            .order_by("-n", "name")
            .first()
        )
        ward = Ward.objects.order_by("gss_code").first()
        category = ServiceCategory.objects.get(slug="parks-and-open-spaces")
        self.gets = {
            "matrix": (reverse("surveys:matrix"), {}),
            "matrix_filtered": (
                reverse("surveys:matrix"),
                {"ward": ward.gss_code, "category": category.slug},
            ),
            "services_overview": (reverse("services:list"), {}),
            "service_page": (reverse("services:detail", args=[busiest.slug]), {}),
            "dashboard": (reverse("dashboard"), {}),
            "survey_results": (reverse("surveys:resident_results"), {}),
            "export_csv": (reverse("surveys:matrix_csv"), {}),
            "export_xlsx": (reverse("surveys:matrix_xlsx"), {}),
        }
        self.busiest = busiest
        self.sent = 0

    def run(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self._registration_answers = self._walk_registration()
        self._survey_state = self._walk_survey()
        results = {}
        for scenario in PAGE_SCENARIOS + EXPORT_SCENARIOS:
            request = getattr(self, f"_{scenario}", None) or self._getter(scenario)
            # Whatever a step needs before it is sent (the answers in the session) is not timed.
            prepare = getattr(self, f"_prepare_{scenario}", None) or (lambda: None)
            if scenario in EXPORT_SCENARIOS:
                times, growth = self._export_runs(request)
            else:
                for _ in range(WARM_UP):
                    prepare()
                    request()
                times = []
                for _ in range(self.repetitions):
                    prepare()
                    started = time.perf_counter()
                    request()
                    times.append(time.perf_counter() - started)
            prepare()
            with CaptureQueriesContext(connection) as queries:
                request()
            # Counted now: the log is emptied when the next request starts.
            query_count = len(queries)
            results[scenario] = self._figures(times, query_count)
            if scenario == "matrix":
                # Straight after the page, in a loop of its own: the SQL at its fastest, warm.
                floor = [self._matrix_floor() for _ in range(WARM_UP + self.repetitions)][WARM_UP:]
                results[scenario]["sql_floor_ms"] = round(statistics.median(floor) * 1000, 2)
                results[scenario]["ratio"] = round(statistics.median(times) / statistics.median(floor), 2)
            if scenario in EXPORT_SCENARIOS:
                results[scenario]["seconds"] = round(statistics.median(times), 3)
                results[scenario]["rss_growth_mb"] = round(growth, 1)
            print(
                f"  {scenario:<20} p50 {results[scenario]['p50_ms']:8.1f} ms  "
                f"p95 {results[scenario]['p95_ms']:8.1f} ms  {query_count:3} queries",
                flush=True,
            )
        matrix = results["matrix"]
        print(f"  matrix SQL floor {matrix['sql_floor_ms']:.1f} ms, ratio {matrix['ratio']:.2f}", flush=True)
        return results

    @staticmethod
    def _export_runs(request):
        """Seconds of the timed runs, and the most the process grew in any run, the first included.

        Before each run the process hands freed memory back to the system (gc, then glibc's
        malloc_trim), so the growth is what that export needed, not what an earlier page left free.
        """
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        times, growth = [], 0.0
        for run in range(WARM_UP + EXPORT_REPETITIONS):
            gc.collect()
            libc.malloc_trim(0)
            with RssSampler() as memory:
                started = time.perf_counter()
                request()
                elapsed = time.perf_counter() - started
            growth = max(growth, memory.growth_mb)
            if run >= WARM_UP:
                times.append(elapsed)
        return times, growth

    @staticmethod
    def _figures(times, queries):
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return {
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "queries": queries,
            "repetitions": len(times),
        }

    def _getter(self, scenario):
        path, params = self.gets[scenario]

        def request():
            response = self.officer.get(path, params)
            if response.status_code != 200:
                raise SystemExit(f"{scenario}: {path} answered {response.status_code}")
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            response.close()
            if size < 1000:
                raise SystemExit(f"{scenario}: {path} answered only {size} bytes")

        return request

    # The registration journey: walked once for real, then its last step is sent again and again.

    def _walk_registration(self):
        from django.urls import reverse

        from surveys.registration.answers import SERVICE_PREFIX
        from surveys.registration.sessions import REGISTRATION_SESSION

        client, ward = self.public, _first_ward_code()
        services = list(self._open_service_slugs()[:3])
        pages = [
            ("about", {"name": f"{BENCH_NAME_PREFIX} 0", "description": "A benchmark group."}),
            ("type", {"org_type": "community_group", "charity_number": "", "company_number": ""}),
            ("where", {"area": "wards", "wards": [ward]}),
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
                    SERVICE_PREFIX + slug,
                    {
                        "roles": ["deliver"],
                        "involvement": "volunteers",
                        "readiness": "with_support",
                        "volunteers_offered": "4",
                        "hours_per_week": "8",
                        "support_needed": ["training"],
                        "costs": "",
                        "benefits": "More hands.",
                        "concerns": "",
                    },
                )
                for slug in services
            ],
            (
                "contact",
                {
                    "contact_name": "Bench Contact",
                    "contact_email": "bench@example.org",
                    "contact_phone": "01632 960000",
                    "postcode": "AW1 1AA",
                    "consent": "on",
                    "fax_number": "",
                },
            ),
        ]
        for key, data in pages:
            response = client.post(reverse("surveys:register_step", args=[key]), data)
            if response.status_code != 302:
                raise SystemExit(f"registration page {key} did not accept the answers")
        return client.session[REGISTRATION_SESSION]

    def _open_service_slugs(self):
        from surveys.rounds import open_capacity_survey, services_for_round

        return [service.slug for service in services_for_round(open_capacity_survey())]

    def _prepare_registration_submit(self):
        from surveys.registration.sessions import REGISTRATION_SESSION

        self.sent += 1
        answers = json.loads(json.dumps(self._registration_answers))
        answers["about"]["name"] = [f"{BENCH_NAME_PREFIX} {self.sent}"]
        session = self.public.session
        session[REGISTRATION_SESSION] = answers
        session.save()

    def _registration_submit(self):
        from django.urls import reverse

        response = self.public.post(reverse("surveys:register_check"), {}, REMOTE_ADDR=self._address())
        if response.status_code != 302 or response.url != reverse("surveys:register_done"):
            raise SystemExit(f"registration_submit answered {response.status_code}")

    # The residents' survey: every section answered for real once, then sent again and again.

    def _walk_survey(self):
        from django.urls import reverse

        from surveys.models import ResidentServiceView
        from surveys.residents.journey import STATE_KEY, survey_sections
        from surveys.rounds import open_resident_survey

        client = self.public
        views = ResidentServiceView.View.values
        for section in survey_sections(open_resident_survey()):
            data = {}
            for number, service in enumerate(section.services):
                data[f"view_{service.pk}"] = views[number % len(views)]
                if number % 2 == 0:
                    data[f"ways_{service.pk}"] = ["volunteers", "community_group"]
            response = client.post(reverse("surveys:resident_section", args=[section.slug]), data)
            if response.status_code != 302:
                raise SystemExit(f"survey section {section.slug} did not accept the answers")
        response = client.post(
            reverse("surveys:resident_about"), {"ward": _first_ward_code(), "age_band": "35_44"}
        )
        if response.status_code != 302:
            raise SystemExit("the survey's about-you page did not accept the answers")
        return client.session[STATE_KEY]

    def _prepare_survey_submit(self):
        from surveys.residents.journey import ANSWERED_KEY, STATE_KEY

        session = self.public.session
        session[STATE_KEY] = json.loads(json.dumps(self._survey_state))
        session.pop(ANSWERED_KEY, None)
        session.save()

    def _survey_submit(self):
        from django.urls import reverse

        response = self.public.post(reverse("surveys:resident_check"), {}, REMOTE_ADDR=self._address())
        if response.status_code != 302 or response.url != reverse("surveys:resident_thanks"):
            raise SystemExit(f"survey_submit answered {response.status_code}")

    def _address(self):
        # Each submission from a different resident, as the rate limit counts per address.
        self.sent += 1
        return f"10.{self.sent // 65536 % 256}.{self.sent // 256 % 256}.{self.sent % 256}"

    # The floor: the matrix's cells and counts, fetched by hand-written SQL.

    def _matrix_floor(self):
        """Run the matrix's bare SQL once on its own connection; return the seconds it took."""
        if not hasattr(self, "_floor"):
            self._floor = MatrixFloor()
        return self._floor.once()


class MatrixFloor:
    """Exactly the cells and counts the matrix's first page shows, by hand-written SQL (psycopg2).

    The ready-now footers of every column, how many organisations match, and the first 50 of them
    with their cells: what any implementation of the page has to fetch, with nothing around it.
    """

    def __init__(self):
        import psycopg2
        from django.db import connection

        from surveys.matrix.filters import MatrixFilterSet
        from surveys.matrix.selectors import capacity_matrix

        filterset = MatrixFilterSet({})
        survey = filterset.selected_survey()
        matrix = capacity_matrix(filters=filterset.matrix_filters(), survey=survey, limit=0)
        settings = connection.settings_dict
        self.connection = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
        )
        self.connection.autocommit = True
        self.params = {"survey": survey.pk, "columns": [column.service.pk for column in matrix.columns]}
        shown = (
            "FROM organisations_organisation o WHERE o.status = 'approved' AND EXISTS (SELECT 1 FROM "
            "surveys_interest i WHERE i.organisation_id = o.id AND i.survey_id = %(survey)s "
            "AND i.service_area_id = ANY(%(columns)s))"
        )
        self.statements = [
            # the footers: ready-now deliverers and co-governors per service
            "SELECT i.service_area_id, count(*) FILTER (WHERE i.delivers AND i.readiness = 'ready_now'), "
            "count(*) FILTER (WHERE i.co_governs AND i.readiness = 'ready_now') FROM surveys_interest i "
            "JOIN organisations_organisation o ON o.id = i.organisation_id WHERE i.survey_id = %(survey)s "
            "AND o.status = 'approved' AND i.service_area_id = ANY(%(columns)s) GROUP BY i.service_area_id",
            # how many organisations match
            f"SELECT count(*) {shown}",
            # the page's organisations and their cells
            f"WITH page AS (SELECT o.id, o.name, o.slug {shown} ORDER BY o.name, o.id LIMIT 50) "  # noqa: S608
            "SELECT p.id, p.name, p.slug, i.service_area_id, i.delivers, i.co_governs, i.readiness "
            "FROM page p JOIN surveys_interest i ON i.organisation_id = p.id AND i.survey_id = %(survey)s "
            "AND i.service_area_id = ANY(%(columns)s) ORDER BY p.name, p.id",
        ]

    def once(self):
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            for statement in self.statements:
                cursor.execute(statement, self.params)
                cursor.fetchall()
        return time.perf_counter() - started


def _first_ward_code():
    from organisations.models import Ward

    return Ward.objects.order_by("gss_code").values_list("gss_code", flat=True).first()


if __name__ == "__main__":
    sys.exit(main())
