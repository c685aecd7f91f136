"""docs/cds-hooks.md: every ``$ curl`` of its console blocks is run against the real service
(``spinepath serve`` in a subprocess on 127.0.0.1, a free port in place of 8000) from
docs/cds-hooks/, and must print what the page shows.

With curl (and a POSIX shell) the commands run as written; without curl each request is made
with httpx and printed the way the command's ``-w`` format and ``python -m json.tool`` would.
Nothing is normalised but the port. ``python tests/test_docs_cds_hooks.py --write`` rewrites
the page's outputs from a run (then read the diff).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cds-hooks.md"
HERE = ROOT / "docs" / "cds-hooks"
PORT = "8000"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def sessions(text: str) -> list[tuple[str, str]]:
    """Each ``$ command`` of the page's console blocks with the output shown under it."""
    found: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            else:
                found[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in found]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "spinepath", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(400):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return server
        except OSError:
            if server.poll() is not None:
                died = server.stderr.read().decode() if server.stderr else "died"
                raise RuntimeError(died) from None
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the service did not start")


def run(command: str, port: int) -> str:
    command = command.replace(f"127.0.0.1:{PORT}", f"127.0.0.1:{port}")
    if shutil.which("curl") and shutil.which("sh"):
        done = subprocess.run(
            command,
            shell=True,
            cwd=HERE,
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        return done.stdout.decode().rstrip("\n")
    return _with_httpx(command)


def _with_httpx(command: str) -> str:
    import httpx

    from spinepath.service import MAX_BODY

    words = shlex.split(command.rsplit("curl ", 1)[1].split(" | ")[0])
    url, headers, data, form = "", {}, None, None
    words_iter = iter(words)
    for word in words_iter:
        if word == "-s":
            continue
        if word == "-w":
            form = next(words_iter)
        elif word == "-H":
            name, _, value = next(words_iter).partition(": ")
            headers[name] = value
        elif word in ("-d", "--data-binary"):
            value = next(words_iter)
            data = (
                b" " * (MAX_BODY + 1)
                if value == "@-"
                else (HERE / value[1:]).read_bytes()
                if value.startswith("@")
                else value.encode()
            )
        else:
            url = word
    answer = httpx.post(url, content=data, headers=headers) if data is not None else httpx.get(url)
    if "| python -m json.tool" in command:
        return json.dumps(answer.json(), indent=4)
    out = answer.text
    if form is not None:
        out += form.replace("\\n", "\n").replace("%{http_code}", str(answer.status_code))
    return out.rstrip("\n")


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    pytest.importorskip("uvicorn", reason="the 'service' extra")
    pytest.importorskip("httpx", reason="the 'service' extra's tests")
    chosen = free_port()
    server = start(chosen)
    yield chosen
    server.terminate()
    server.wait(timeout=10)


STEPS = sessions(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_the_session_it_promises() -> None:
    commands = " ".join(c for c, _ in STEPS)
    for hook in ("/cds-services ", "spinepath-patient-view", "spinepath-order-select"):
        assert hook in commands
    shown = "\n".join(out for _, out in STEPS)
    for status in ("HTTP 400", "HTTP 422", "HTTP 413", "HTTP 412", "HTTP 404"):
        assert status in shown
    assert '"indicator": "warning"' in shown


@pytest.mark.parametrize(("command", "shown"), STEPS, ids=[f"step{i}" for i in range(len(STEPS))])
def test_each_command_prints_what_the_page_shows(port: int, command: str, shown: str) -> None:
    assert run(command, port) == shown


def _write() -> None:
    text = PAGE.read_text(encoding="utf-8")
    chosen = free_port()
    server = start(chosen)
    try:

        def fill(match: re.Match[str]) -> str:
            lines = []
            for command, _ in sessions(match.group(0)):
                lines += [f"$ {command}", run(command, chosen)]
            return "```console\n" + "\n".join(lines) + "\n```"

        PAGE.write_text(BLOCK.sub(fill, text), encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    _write()
