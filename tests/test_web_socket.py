"""The only socket the web app opens is its own listening one on 127.0.0.1.

``cyclemap serve --demo`` runs in a subprocess with an audit hook (tests/privacy_audit.py)
that records every network event; this test then uses the app over HTTP (sign in,
report, message check), stops it, and reads what the server process did.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.privacy_audit import audited_env, network_events, write_hook


def test_the_only_socket_is_the_listening_one_on_localhost(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    env = audited_env(write_hook(tmp_path / "hook"), log)
    env["CYCLEMAP_HOME"] = str(tmp_path / "home")
    server = subprocess.Popen(
        [sys.executable, "-m", "cyclemap", "serve", "--demo", "--no-browser", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        output = []
        deadline = time.monotonic() + 300
        login = None
        while time.monotonic() < deadline and server.poll() is None:
            line = server.stdout.readline()
            output.append(line)
            found = re.search(r"sign in once at (http://127\.0\.0\.1:\d+)(/\S+)", line)
            if found:
                base, login = found.group(1), found.group(2)
                break
        assert login, "".join(output)
        with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as client:
            report = client.get(login)
            assert report.status_code == 200 and "Riley" in report.text
            token = re.search(r'data-csrf="([0-9a-f]+)"', report.text).group(1)
            space = re.search(r'href="/r/(\d+)"', report.text).group(1)
            checked = client.post(f"/r/{space}/check", data={"draft": "you never call me back", "csrf": token})
            if checked.status_code != 200:  # say why: the server's own one-line log of it
                server.send_signal(signal.SIGINT)
                raise AssertionError(f"message check: {checked.status_code}; server said: {server.communicate(timeout=30)[0][-2000:]}")
            assert "This reads as" in checked.text
            assert client.get(f"/r/{space}/trends").status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
    found = network_events(log)
    binds = [detail for event, detail in found if event == "socket.bind"]
    assert len(binds) == 1 and "'127.0.0.1', 0" in binds[0], found
    others = [(event, detail) for event, detail in found if event not in ("socket.bind", "socket.__new__")]
    assert others == [], others  # no connect, no name lookup, no browser, nothing sent
