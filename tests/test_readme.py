"""Every command shown in README.md runs, on a temporary copy of the bundled demo registry.

Commands are read from the README's ```sh blocks and from inline code spans that start with
``landreg`` or ``make``; a new command in the README becomes a new test here by itself.
The README's notation is expanded as a reader would:

- ``# …`` ends a line's command (a comment); ``;`` separates commands; ``a && b`` is one chain,
  run in order on one registry copy (``b`` builds on what ``a`` wrote), as a shell would;
- ``[--opt VALUE]`` is optional: the test runs the command with every optional part given;
- ``index | model | surface -o surface.tif`` lists alternatives of the last word: three commands;
- upper-case placeholders (``DIR``, ``NAME``, ``PATH``) are replaced by the values in ``PLACEHOLDERS``;
- spans with ``…`` are elisions, not commands.

Each command runs with the installed ``landreg`` entry point in its own temporary working
folder (with ``layers`` linked, copies of the data folders such as ``examples`` and a
``plots.gpkg`` to import), on its own copy of the
registry (``--registry`` and ``LANDREG_REGISTRY`` point to it; ``init`` gets an empty place),
and must exit 0.  ``landreg serve`` is started on a free port, its landing page fetched,
then stopped.  ``make`` targets are not run; each is listed in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

#: Each command starts Python and the command line anew (the real entry point): about a minute in all.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LAYERS = ROOT / "layers"
LANDREG = Path(sys.executable).parent / "landreg"

#: Commands shown in the README that the suite does not run, and why.
EXEMPT: dict[str, str] = {
    "make run": "creates .venv and installs landreg before serving; the serving is the `landreg serve` test",
    "make run PORT=9000": "as `make run`, on another port",
    "make test": "runs the whole test suite, this test included",
    "make test-fast": "runs the test suite but the tests marked slow (this one among them)",
    "make rebuild": "`landreg init --force` on var/landreg.gpkg; the `landreg init` tests build a registry",
    "make lint": "ruff and mypy, run by tests/test_lint.py",
    "make bench": "benchmarks take minutes; run with `make bench`",
    "make postgis": "starts a PostgreSQL server that outlives the command; the tests start their own "
    "(tests/postgis_server.py, the same landreg.registry.postgis.cluster)",
    "make postgis-stop": "stops the server of `make postgis`",
    "make fuzz": "the full contract fuzzing takes many minutes; the suite runs the same schemathesis test "
    "with a small budget (tests/api/test_schemathesis.py)",
    "make notebooks": "installs JupyterLab and serves it until stopped; tests/notebooks run the notebooks themselves",
}

#: Values for the upper-case placeholders of the usage block.
PLACEHOLDERS: dict[str, str] = {"DIR": "layers", "NAME": "kari", "PATH": "registry.gpkg"}

#: Longest a single command may take (seconds); the whole file stays near a minute.
TIMEOUT_S = 120


def _code_lines(text: str) -> list[str]:
    """Lines of the ```sh blocks and inline ``landreg``/``make`` spans, in README order."""
    lines: list[str] = []
    in_sh = False
    for line in text.splitlines():
        fence = line.strip()
        if fence.startswith("```"):
            in_sh = not in_sh and fence[3:].strip() in ("sh", "bash", "console", "shell")
            continue
        if in_sh:
            lines.append(line)
        else:
            lines += [s for s in re.findall(r"`([^`\n]+)`", line) if re.match(r"(landreg|make) \S", s)]
    return lines


def _tokens(line: str) -> list[str]:
    """Shell words of ``line``, with ``;``, ``&&`` and ``|`` as words of their own and comments dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def _split(tokens: list[str], separators: tuple[str, ...]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token in separators:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def readme_commands(text: str) -> list[str]:
    """Every command the README shows, expanded, each once, in README order."""
    commands: list[str] = []
    for line in _code_lines(text):
        if "…" in line:
            continue
        for command in _split(_tokens(line), (";",)):
            chain = _split(command, ("&&",))
            if len(chain) > 1:  # a chain runs as one test, its parts in order
                commands.append(" && ".join(shlex.join(_given(part)) for part in chain))
                continue
            first, *alternatives = _split(command, ("|",))
            for words in [first] + [first[:-1] + alt for alt in alternatives]:
                commands.append(shlex.join(_given(words)))
    return list(dict.fromkeys(commands))


def _given(words: list[str]) -> list[str]:
    """The words with every ``[optional]`` part given."""
    return [w.strip("[]") for w in words if w.strip("[]")]


def _chain(command: str) -> list[str]:
    """The commands of a ``a && b`` chain (one command when there is no chain)."""
    return [shlex.join(part) for part in _split(_tokens(command), ("&&",))] if "&&" in command else [command]


def _input_folders() -> list[str]:
    """Top-level data folders of the repository (``examples``, ``schemas``): no code, under 1 MB."""
    folders = []
    for path in sorted(ROOT.iterdir()):
        if not path.is_dir() or path.name.startswith((".", "_")) or path.name in ("layers", "var", "build", "dist"):
            continue
        if path.name.endswith(".egg-info"):
            continue
        files = [f for f in path.rglob("*") if f.is_file()]
        if any(f.suffix in (".py", ".ipynb", ".pyc") for f in files) or sum(f.stat().st_size for f in files) > 1e6:
            continue
        folders.append(path.name)
    return folders


INPUT_FOLDERS = _input_folders()
COMMANDS = readme_commands(README.read_text(encoding="utf-8"))
RUN = [c for c in COMMANDS if c not in EXEMPT]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def readme_registry(demo_registry_file) -> Path:
    """The bundled demo registry, enriched (read-only: each command gets a copy)."""
    return demo_registry_file


@pytest.fixture(scope="session")
def import_file(readme_registry, tmp_path_factory) -> Path:
    """``plots.gpkg``: three new plots in Trondheim, clear of the demo plots, to import."""
    import shapely

    from landreg.io import write_plots
    from landreg.registry import open_registry
    from landreg.testing import make_plot_frame

    with open_registry(readme_registry) as reg:
        for y in range(7_030_000, 7_060_000, 1_000):
            origin = (560_000.0, float(y))
            frame = make_plot_frame(3, seed=4, origin=origin, prefix="README")
            if reg.count_plots(intersects=shapely.box(*frame.total_bounds).buffer(50)) == 0:
                break
    path = tmp_path_factory.mktemp("readme_import") / "plots.gpkg"
    write_plots(frame, path)
    return path


def _prepare(command: str, workdir: Path, registry: Path) -> tuple[list[str], dict[str, str]]:
    """argv and environment of ``command`` run in ``workdir`` on ``registry``."""
    words = shlex.split(command)
    unknown = [w for w in words if re.fullmatch(r"[A-Z][A-Z_]+", w) and w not in PLACEHOLDERS]
    assert not unknown, f"{command!r}: add a value for placeholder(s) {unknown} to PLACEHOLDERS in {__file__}"
    words = [PLACEHOLDERS.get(w, w) for w in words]
    if len(words) > 1 and words[1] == "init":
        registry = workdir / "new.gpkg"  # init builds a registry where there is none
    for i, word in enumerate(words[:-1]):
        if word == "--registry":
            words[i + 1] = str(registry)
    for word in words:  # output folders named in a command exist, as in the repository
        if "/" in word and not word.startswith(("-", "/")) and (ROOT / word).parent.is_dir():
            (workdir / word).parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LANDREG_REGISTRY": str(registry), "LANDREG_LAYERS_DIR": str(LAYERS)}
    env.pop("LANDREG_API_REGISTRY", None)
    return [str(LANDREG), *words[1:]], env


@pytest.mark.parametrize("command", RUN, ids=RUN)
def test_readme_command_runs(command, readme_registry, import_file, tmp_path):
    for part in _chain(command):
        first = shlex.split(part)[0]
        assert first == "landreg", f"README command {part!r} is neither a landreg command nor listed in EXEMPT"
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "layers").symlink_to(LAYERS, target_is_directory=True)
    for folder in INPUT_FOLDERS:  # example inputs the README names, copied so that commands may overwrite them
        shutil.copytree(ROOT / folder, workdir / folder)
    shutil.copy(import_file, workdir / "plots.gpkg")
    registry = tmp_path / "registry.gpkg"
    shutil.copy(readme_registry, registry)
    for part in _chain(command):
        argv, env = _prepare(part, workdir, registry)
        if argv[1] == "serve":
            _serve_and_fetch(argv, env, workdir)
            continue
        out = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        assert out.returncode == 0, f"{part}\nexit {out.returncode}\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
        assert "Traceback" not in out.stderr


def _serve_and_fetch(argv: list[str], env: dict[str, str], workdir: Path) -> None:
    """Start ``landreg serve`` on a free port, fetch the landing page, stop it."""
    port = str(_free_port())
    if "--port" in argv:
        argv[argv.index("--port") + 1] = port
    else:
        argv += ["--port", port]
    proc = subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = False
    try:
        deadline = time.monotonic() + 60
        while not served and proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    served = resp.status == 200 and "plots" in resp.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert served, f"{shlex.join(argv)} did not serve its landing page:\n{output[-4000:]}"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.M | re.S)


PYTHON_BLOCKS = _python_blocks(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))])
def test_readme_python_runs(code, readme_registry, tmp_path):
    """The README's Python examples run in a folder whose ``var/landreg.gpkg`` is a copy of the demo registry."""
    (tmp_path / "var").mkdir()
    shutil.copy(readme_registry, tmp_path / "var" / "landreg.gpkg")
    (tmp_path / "layers").symlink_to(LAYERS, target_is_directory=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert out.returncode == 0, f"{code}\n{out.stderr[-4000:]}"


def test_readme_commands_are_found():
    """The parser sees the usage block and the Python example; the exempt list names only commands the README shows."""
    assert any(c.startswith("landreg query ") and "--max-price" in c for c in COMMANDS)
    assert "landreg prices surface -o surface.tif" in COMMANDS
    assert "landreg map overview -o overview.html" in COMMANDS
    assert any("'Norsk Stål'" in c for c in COMMANDS)
    assert PYTHON_BLOCKS and "open_registry" in PYTHON_BLOCKS[0]
    stale = set(EXEMPT) - set(COMMANDS)
    assert not stale, f"EXEMPT names commands the README no longer shows: {stale}"


def test_readme_notation_is_expanded():
    """Optional parts, alternatives, comments, ``;`` and quoted words, as in the usage block."""
    text = (
        "```sh\n"
        "landreg init [--layers DIR] [--force]   # build\n"
        "landreg prices index | model --basis raw | surface -o s.tif\n"
        'landreg map a -o a.html; landreg search --relocating "Norsk Stål"\n'
        "landreg split A --version 1 [--codes A-1,A-2] && landreg merge A-1 A-2   # chain\n"
        "```\n"
        "Run `landreg layers check` or `make lint`; see `landreg` and `landreg prices …`.\n"
    )
    assert readme_commands(text) == [
        "landreg init --layers DIR --force",
        "landreg prices index",
        "landreg prices model --basis raw",
        "landreg prices surface -o s.tif",
        "landreg map a -o a.html",
        "landreg search --relocating 'Norsk Stål'",
        "landreg split A --version 1 --codes A-1,A-2 && landreg merge A-1 A-2",
        "landreg layers check",
        "make lint",
    ]
