"""`make loadtest`: gunicorn with production settings, 2 workers, under 30 seconds of locust.

Uses the county database that `make bench` builds (building it first if it is missing), starts
gunicorn on 127.0.0.1, runs bench/locustfile.py headless from its own virtualenv, stops both,
removes what the simulated groups and residents sent, and reports requests per second, the
median and 99th percentile response times and the errors (also to bench/loadtest.json).

    .venv/bin/python bench/loadtest.py --locust bench/.venv-locust/bin/locust [--users 20] [--seconds 30]
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import run as bench

ROOT = bench.ROOT
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "loadtest.json"
P99_TARGET_MS = 1000


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locust", required=True, help="the locust executable (in its own virtualenv)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()

    env = bench._bench_environment()
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or bench.DEFAULT_DATABASE_URL
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    # Every simulated resident and group shares 127.0.0.1, where in life each has an address.
    env["RATE_LIMIT_SUBMISSIONS"] = "1000000"
    os.environ.update(env)
    bench._collect_static(env)
    plan = prepare()
    DATA.mkdir(exist_ok=True)
    port = _free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as plan_file:
        json.dump(plan, plan_file)
        plan_file.flush()
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "capacity_map.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            _wait_until_up(port)
            _warm_up(port, plan)
            print(
                f"gunicorn (2 workers) on 127.0.0.1:{port}; {args.users} users for {args.seconds} s",
                flush=True,
            )
            subprocess.run(  # noqa: S603
                [
                    args.locust,
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(max(1, args.users // 4)),
                    "--run-time",
                    f"{args.seconds}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(DATA / "loadtest"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**env, "LOADTEST_PLAN": plan_file.name},
                timeout=args.seconds + 120,
                check=False,
            )
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
            clean_up()
    return report(args)


def prepare():
    """The plan the simulated visitors follow, read from the county database (built if missing)."""
    bench._database_ensure(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capacity_map.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from organisations.models import Organisation, Ward
    from services.models import ServiceArea, ServiceCategory
    from surveys.matrix.filters import MatrixFilterSet
    from surveys.matrix.selectors import capacity_matrix
    from surveys.models import ResidentResponse
    from surveys.residents.journey import survey_sections
    from surveys.rounds import open_capacity_survey, open_resident_survey, services_for_round

    call_command("migrate", verbosity=0)
    bench._dataset_ensure(bench.DATASETS["county"])
    officer = Client()
    officer.force_login(get_user_model().objects.get(username="officer"))
    filterset = MatrixFilterSet({})
    matrix = capacity_matrix(filters=filterset.matrix_filters(), survey=filterset.selected_survey(), limit=1)
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "officer_session": officer.cookies[settings.SESSION_COOKIE_NAME].value,
        "matrix_pages": max(2, -(-matrix.organisation_count // 50)),
        "wards": list(Ward.objects.values_list("gss_code", flat=True)),
        "categories": list(ServiceCategory.objects.values_list("slug", flat=True)),
        "services": list(ServiceArea.objects.values_list("slug", flat=True)),
        "organisations": list(
            Organisation.objects.approved().order_by("?").values_list("slug", flat=True)[:500]
        ),
        "open_services": [service.slug for service in services_for_round(open_capacity_survey())],
        "sections": [
            (section.slug, [service.pk for service in section.services])
            for section in survey_sections(open_resident_survey())
        ],
        "age_bands": list(ResidentResponse.AgeBand.values),
        "name_prefix": bench.LOADTEST_NAME_PREFIX,
    }


def clean_up():
    """Delete the groups and responses the load test sent, so the county stays as generated."""
    from django.db import close_old_connections

    close_old_connections()
    bench._leftovers_remove(bench.DATASETS["county"])


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port):
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _warm_up(port, plan):
    """A few requests to every kind of page first, so both workers have loaded their templates."""
    cookie = f"{plan['session_cookie']}={plan['officer_session']}"
    paths = ["/matrix/", "/services/", "/dashboard/", "/survey/results/", f"/services/{plan['services'][0]}/"]
    paths += ["/register/", "/register/about/", "/survey/", f"/survey/questions/{plan['sections'][0][0]}/"]
    for path in paths * 3:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answer.read()


def report(args):
    with open(DATA / "loadtest_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    with open(DATA / "loadtest_failures.csv") as failures:
        failed = list(csv.DictReader(failures))
    total = next(row for row in rows if row["Name"] == "Aggregated")

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "requests_per_second": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"])),
        }

    results = {
        "users": args.users,
        "seconds": args.seconds,
        "server": "gunicorn, 2 sync workers, production settings, PostgreSQL on the same machine",
        "total": figures(total),
        "by_request": {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"},
        "failures": [
            {"name": row["Name"], "error": row["Error"], "count": row["Occurrences"]} for row in failed
        ],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{'request':<28}{'count':>8}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, row in sorted(results["by_request"].items()):
        print(
            f"{name:<28}{row['requests']:>8}{row['errors']:>8}{row['requests_per_second']:>8}"
            f"{row['p50_ms']:>9.0f}{row['p99_ms']:>9.0f}{row['max_ms']:>9}"
        )
    t = results["total"]
    print(
        f"{'all':<28}{t['requests']:>8}{t['errors']:>8}{t['requests_per_second']:>8}"
        f"{t['p50_ms']:>9.0f}{t['p99_ms']:>9.0f}{t['max_ms']:>9}"
    )
    for failure in results["failures"]:
        print(f"  error: {failure['name']}: {failure['error']} ({failure['count']})")
    met = t["errors"] == 0 and t["p99_ms"] <= P99_TARGET_MS
    print(
        f"\n{t['requests_per_second']} requests/s, p50 {t['p50_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms, "
        f"{t['errors']} errors: target (0 errors, p99 <= {P99_TARGET_MS} ms) {'met' if met else 'MISSED'}"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
