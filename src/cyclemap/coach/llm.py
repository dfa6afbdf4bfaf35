"""Optional: more alternatives from the user's own language model, on this machine.

Never the default and never required. A person who runs a model locally
(llama.cpp's server, Ollama, LM Studio, vLLM: anything with an
OpenAI-compatible ``/chat/completions``) can point cyclemap at it with a file
``coach_llm.json`` in the data folder::

    {"endpoint": "http://127.0.0.1:11434/v1", "model": "llama3.1", "timeout": 30}

and ask for it per check (``cyclemap check --llm``, ``check_message(..., engine="llm")``).
Only loopback addresses are accepted, so nothing leaves the machine. What is
sent: the draft, the move and cue cyclemap read in it, and the instructions
below; never the context messages, names of files, or anything stored.
What comes back goes through the same filter as the offline alternatives
(read as ``soften`` by cyclemap's classifier, no blame word, topic kept).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..errors import InputError, UsageError
from ..paths import data_dir
from .compose import Candidate

CONFIG_NAME = "coach_llm.json"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
WHAT_IS_SENT = ("the draft, the move and cue cyclemap read in it, and instructions; never the context "
                "messages or anything cyclemap stores")

_INSTRUCTIONS = """You help one partner in a couple rewrite a message before sending it.
The draft below reads as {move} ({cue}). Write three alternatives, each 1 to 3 short sentences, in a natural,
warm, everyday voice, in the first person. Keep the draft's topic, names and concrete request.
For a pursuit: say the feeling and the need underneath, then one clear, kind request.
For a withdrawal: name the overwhelm, say when you will come back to talk, and reassure.
Never use blame, sarcasm, insults, "always", "never" or "you're so".
Answer with a JSON list of three strings and nothing else."""


@dataclass(frozen=True)
class LLMConfig:
    endpoint: str
    model: str
    timeout: float = 30.0


def config_path() -> Path:
    return data_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> LLMConfig:
    """The user's configuration; a clear error when there is none or it points off this machine."""
    path = path or config_path()
    if not path.is_file():
        raise UsageError("no local language model is configured",
                         hint=f"create {path} with an endpoint and a model (see docs/coach.md), or leave out --llm")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", line=error.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("endpoint"), str) or not isinstance(data.get("model"), str):
        raise InputError(path, "needs an 'endpoint' and a 'model' (strings)")
    endpoint = data["endpoint"].rstrip("/")
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or parsed.hostname not in {h.strip("[]") for h in LOOPBACK}:
        raise InputError(path, f"endpoint {endpoint!r} is not on this machine",
                         hint="cyclemap only talks to a model at 127.0.0.1, localhost or ::1")
    timeout = data.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InputError(path, "timeout must be a positive number of seconds")
    return LLMConfig(endpoint, data["model"], float(timeout))


def _parse(content: str) -> list[str]:
    start, end = content.find("["), content.rfind("]")
    if start < 0 or end <= start:
        return []
    try:
        items = json.loads(content[start:end + 1])
    except json.JSONDecodeError:
        return []
    return [i.strip() for i in items if isinstance(i, str) and 0 < len(i.strip()) <= 600][:5]


def llm_candidates(draft: str, move: str, cue: str | None, config: LLMConfig) -> list[Candidate]:
    """Alternatives written by the local model (unfiltered); raises UsageError when it cannot be reached."""
    body = {
        "model": config.model,
        "temperature": 0.7,
        "messages": [
            {"role": "system", "content": _INSTRUCTIONS.format(move=move, cue=cue or "")},
            {"role": "user", "content": draft[:2000]},
        ],
    }
    request = urllib.request.Request(
        f"{config.endpoint}/chat/completions", data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310 - loopback only
            reply = json.loads(response.read().decode("utf-8"))
        content = reply["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, OSError, KeyError, IndexError, TypeError, ValueError) as error:
        raise UsageError(f"the local model at {config.endpoint} did not answer ({type(error).__name__})",
                         hint="is it running? the offline alternatives work without it") from None
    return [Candidate(text, "local-model") for text in _parse(str(content))]
