"""Benchmark: the web app with a 100,000-message import, on SQLite and on PostgreSQL.

    .venv/bin/python bench/web_speed.py [--messages 100000] [--backends sqlite,postgresql] [--rounds 20]

For each backend: serve the app on 127.0.0.1 in a thread (as ``cyclemap serve`` does),
upload a generated WhatsApp export (bench/whatsapp_parse.py's generator) of N messages,
and while it is read and analysed in the background, keep asking for other pages,
recording their response times and the progress the import page shows. Then time the
typical pages (median and 95th percentile of --rounds requests each). The goal: every
page under 200 ms. PostgreSQL is a throwaway cluster (tests/web_support.py), or
$CYCLEMAP_TEST_POSTGRES_URL. The machine is shared: figures are noisy.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _generator():
    spec = importlib.util.spec_from_file_location("whatsapp_parse", ROOT / "bench" / "whatsapp_parse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {1000 * statistics.median(ordered):.0f} ms, p95 {1000 * p95:.0f} ms, max {1000 * ordered[-1]:.0f} ms (n={len(ordered)})"


def run(backend: str, url: str, chat: Path, rounds: int) -> None:
    from cyclemap.web import create_app
    from cyclemap.web.server import ServerThread
    from tests.web_support import PASSWORD

    app = create_app(url)
    with ServerThread(app) as base, httpx.Client(base_url=base, follow_redirects=True, timeout=120) as client:
        page = client.get("/setup").text
        token = re.search(r'data-csrf="([0-9a-f]+)"', page).group(1)
        page = client.post("/setup", data={"username": "sam", "password": PASSWORD, "password2": PASSWORD, "csrf": token}).text
        token = re.search(r'data-csrf="([0-9a-f]+)"', page).group(1)
        rid = client.post("/relationships", data={"name": "Sam and Alex", "csrf": token}, headers={"Accept": "application/json"}).json()["id"]
        started = time.perf_counter()
        response = client.post(f"/r/{rid}/import", params={"name": chat.name}, content=chat.read_bytes(),
                               headers={"X-CSRF-Token": token, "Content-Type": "application/octet-stream", "Accept": "application/json"})
        uploaded = time.perf_counter() - started
        assert response.status_code == 202, response.text
        iid = response.json()["id"]
        during: list[float] = []
        progress: list[tuple[float, int]] = []
        while True:
            for path in (f"/r/{rid}", f"/r/{rid}/practice", f"/r/{rid}/cycle-map"):
                t0 = time.perf_counter()
                assert client.get(path).status_code == 200
                during.append(time.perf_counter() - t0)
            job = client.get(f"/r/{rid}/imports/{iid}", headers={"Accept": "application/json"}).json()
            if not progress or progress[-1][1] != job["percent"]:
                progress.append((time.perf_counter() - started, job["percent"]))
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        total = time.perf_counter() - started
        print(f"[{backend}] import of {job['total']:,} turns: {job['status']} in {total:.1f} s (upload {uploaded:.2f} s)")
        shown = [f"{p}% at {t:.0f}s" for t, p in progress]
        print(f"[{backend}] progress shown: {len(progress)} distinct values: {', '.join(shown[:6])}{' ...' if len(shown) > 6 else ''}")
        print(f"[{backend}] other pages while importing: {_ms(during)}")
        pages = {
            "space": f"/r/{rid}", "report": f"/r/{rid}/report", "turns (page 1)": f"/r/{rid}/turns",
            "turns (page 900)": f"/r/{rid}/turns?page=900", "trends": f"/r/{rid}/trends", "cycle map": f"/r/{rid}/cycle-map",
            "practice": f"/r/{rid}/practice", "report as JSON": f"/r/{rid}/report?format=json",
        }
        for name, path in pages.items():
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, (path, response.status_code)
            print(f"[{backend}] {name}: {_ms(times)}, {len(response.content) / 1024:.0f} KiB")
        turn = client.get(f"/r/{rid}/turns?move=neutral", headers={"Accept": "application/json"}).json()["turns"][0]
        t0 = time.perf_counter()
        client.post(f"/r/{rid}/imports/{iid}/turns/{turn['position']}", data={"choice": "pursue:criticize", "csrf": token})
        answered = time.perf_counter() - t0
        while client.get(f"/r/{rid}/turns", headers={"Accept": "application/json"}).json()["stats"].get("updating"):
            time.sleep(1)
        print(f"[{backend}] one correction on {job['total']:,} turns: answered in {1000 * answered:.0f} ms, "
              f"figures updated after {time.perf_counter() - t0:.0f} s")
    app.state.web.runner.pool.shutdown(wait=True)
    app.state.web.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cyclemap-webbench-") as folder:
        root = Path(folder)
        chat = root / "WhatsApp Chat with Alex.txt"
        _generator()(chat, args.messages)
        print(f"chat: {args.messages:,} messages, {chat.stat().st_size / 1e6:.1f} MB; {os.cpu_count()} CPUs (shared)")
        for backend in args.backends.split(","):
            os.environ["CYCLEMAP_HOME"] = str(root / f"home-{backend}")  # a cold label cache for each
            if backend == "sqlite":
                run(backend, f"sqlite:///{root / 'app.sqlite3'}", chat, args.rounds)
            else:
                from tests.web_support import ExternalPostgres, Postgres

                given = os.environ.get("CYCLEMAP_TEST_POSTGRES_URL")
                server = ExternalPostgres(given) if given else Postgres()
                try:
                    run(backend, server.new_database(), chat, args.rounds)
                finally:
                    server.stop()


if __name__ == "__main__":
    main()
