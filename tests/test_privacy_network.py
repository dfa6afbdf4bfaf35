"""No network at run time, proved three ways: audit hooks on the whole CLI, a fresh network
namespace with no network at all, and an import of every module that opens no socket.

The web app's own listening socket on 127.0.0.1 is the only socket cyclemap may open;
its test lives with the web app (tests/test_web*.py). Nothing here starts it.
"""

from __future__ import annotations

import json
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest

from . import privacy_audit as audit

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples"
CHAT = SAMPLES / "WhatsApp Chat with Alex.txt"
DRAFT = "you never listen to me, I'm done talking"


def _registered() -> set[str]:
    from cyclemap.cli import main

    return set(main.commands)


def scenarios() -> list[tuple[str, list[str], str | None]]:
    """(name, cyclemap arguments, stdin) for every command that reads, labels, analyses or stores."""
    found = [
        ("parse", ["parse", str(CHAT)], None),
        ("summary", ["summary", str(CHAT)], None),
        ("classify", ["classify", str(CHAT)], None),
        ("classify-fast", ["classify", "--fast", str(CHAT)], None),
        ("analyze-json", ["analyze", "--json", "--permutations", "50", str(CHAT)], None),
        ("analyze-text", ["analyze", "--permutations", "50", str(CHAT)], None),
        ("safety-check-save", ["safety-check", "--save"], "n\n" * 7),
        ("export", ["export"], None),
        ("forget", ["forget", str(CHAT)], None),
    ]
    registered = _registered()
    if "check" in registered:  # the coach, when it is present
        found.append(("check", ["check", DRAFT], None))
    return found


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> Path:
    return audit.write_hook(tmp_path_factory.mktemp("audit-hook"))


def test_the_audit_hook_sees_a_network_attempt(hook, tmp_path):
    """The control: without it, 'no events' could mean the hook never ran."""
    log = tmp_path / "audit.jsonl"
    code = "import socket\ntry:\n    socket.getaddrinfo('localhost', 80)\nexcept OSError:\n    pass\n"
    result = audit.run(["-c", code], audit.audited_env(hook, log))
    assert result.returncode == 0, result.stderr
    assert [event for event, _ in audit.network_events(log)] == ["socket.getaddrinfo"]


@pytest.mark.parametrize(("name", "args", "stdin"), scenarios(), ids=[s[0] for s in scenarios()])
def test_cli_end_to_end_makes_no_network_attempt(hook, tmp_path, name, args, stdin):
    log = tmp_path / "audit.jsonl"
    env = audit.audited_env(hook, log)
    env["CYCLEMAP_HOME"] = str(tmp_path / "data")
    result = audit.run(["-m", "cyclemap", *args], env, cwd=tmp_path, input=stdin)
    assert result.returncode == 0, result.stderr
    assert audit.network_events(log) == []


def _netns_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("util-linux's unshare is not installed, so no network namespace can be made")
    for prefix in ([unshare, "--net", "--fork"], [unshare, "--map-root-user", "--net", "--fork"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    pytest.skip("this machine does not allow a new network namespace (needs root or user namespaces)")


@pytest.mark.parametrize("args", [["parse"], ["classify"], ["analyze", "--json", "--permutations", "50"]],
                         ids=["parse", "classify", "analyze-json"])
def test_cli_gives_the_same_result_in_a_namespace_with_no_network(hook, tmp_path, args):
    prefix = _netns_prefix()
    probe = audit.run(["-c", "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)"], {}, prefix=prefix)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower()  # really no network in there
    env = audit.audited_env(hook, tmp_path / "audit.jsonl")
    outputs = []
    for where, runner in (("here", []), ("netns", prefix)):
        env["CYCLEMAP_HOME"] = str(tmp_path / f"data-{where}")
        result = audit.run(["-m", "cyclemap", *args, str(CHAT)], env, cwd=tmp_path, prefix=runner)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    if args[0] == "analyze":  # the same analysis; its time stamp may differ
        here, there = (json.loads(o) for o in outputs)
        here.pop("generated", None), there.pop("generated", None)
        assert here.keys() == there.keys() and here.get("safety") == there.get("safety")
    else:
        assert outputs[0] == outputs[1]


def test_importing_every_module_opens_no_socket(hook, tmp_path):
    import cyclemap

    # __main__ runs the command line when imported; everything else is imported as a library would be.
    names = sorted(m.name for m in pkgutil.walk_packages(cyclemap.__path__, "cyclemap.") if not m.name.endswith("__main__"))
    assert "cyclemap.cli" in names and "cyclemap.vault" in names
    code = (
        "import importlib, json, sys\n"
        "skipped = {}\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as error:\n"
        "        if (error.name or '').startswith('cyclemap'):\n"
        "            raise\n"
        "        skipped[name] = error.name\n"
        "print(json.dumps(skipped))\n"
    )
    log = tmp_path / "audit.jsonl"
    env = audit.audited_env(hook, log)
    env["CYCLEMAP_HOME"] = str(tmp_path / "data")
    result = audit.run(["-c", code], env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    skipped = json.loads(result.stdout.splitlines()[-1])
    assert len(skipped) < len(names) / 2, skipped  # an optional extra missing may skip a module, not the package
    assert audit.network_events(log) == []
    assert not (tmp_path / "data").exists()  # importing creates no data folder either
