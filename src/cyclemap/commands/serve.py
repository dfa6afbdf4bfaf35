"""``cyclemap serve``: the local web app."""

from __future__ import annotations

import threading
import webbrowser

import click

from ..cli import friendly_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Keep 127.0.0.1 unless a practice server needs more.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.option("--database", metavar="URL", help="sqlite:///PATH or postgresql://user@host/db. Default: SQLite in the data folder.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
@click.option("--demo", is_flag=True, help="Open with the bundled sample already imported (in a separate demo database).")
@friendly_errors
def serve(host: str, port: int, database: str | None, no_browser: bool, demo: bool) -> None:
    """Run the web app on this machine: import, report, cycle map, practice, trends.

    Nothing leaves the machine: the app listens on 127.0.0.1 and makes no
    outside request. Stop it with Ctrl+C.

    \b
    Examples:
      cyclemap serve --demo                 # see a full app on the bundled sample
      cyclemap serve                        # your own, private app
      cyclemap serve --database postgresql://cyclemap@localhost/cyclemap --host 0.0.0.0
    """
    from ..web.app import create_app
    from ..web.db import default_url
    from ..web.server import bind, make_server

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"cyclemap: warning: listening on {host}: other machines on the network can reach this app", err=True)
    app = create_app(database or (default_url("demo.sqlite3") if demo else None))
    sock = bind(host, port)
    try:
        path, accounts = "/", {}
        if demo:
            from ..web.demo import prepare_demo

            click.echo("Preparing the demo (reading the sample chat)…", err=True)
            path, accounts = prepare_demo(app)
        bound_host, bound_port = sock.getsockname()[:2]
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "::") else bound_host
        base = f"http://{shown}:{bound_port}"
        click.echo(f"cyclemap is running at {base}/  (Ctrl+C to stop)")
        for name, password in accounts.items():
            click.echo(f"  demo account: {name} / {password}")
        if not no_browser:
            threading.Timer(0.8, webbrowser.open, args=(base + path,)).start()
        elif demo:
            click.echo(f"  sign in once at {base}{path}")
        make_server(app).run(sockets=[sock])
    finally:
        sock.close()
        app.state.web.runner.shutdown()
        app.state.web.engine.dispose()
