"""What an operator installs is what the code needs: declared, locked, licensed, configured.

These read the project's own files (pyproject.toml, requirements.lock, .env.example, Dockerfile,
compose.yaml) and the installed distributions' metadata; nothing is downloaded.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import inspect
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from sqlalchemy.engine import make_url

from bot.delivery.outbox import OutboxWorker
from bot.settings import Settings, load_settings
from handlers.adapters.webhook import SHUTDOWN_GRACE
from tests.packaging.compose import compose_text, grace_period_seconds

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("bot", "handlers", "storage")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Declared but never imported, on purpose: what loads them.
LOADED_WITHOUT_IMPORT = {
    "aiosqlite": "SQLAlchemy's sqlite+aiosqlite:// driver, chosen by DATABASE_URL",
    "tzdata": "zoneinfo's time-zone data where the system has none (slim images)",
}
# Each declared extra, and the code that needs it (a regex over the project's sources).
EXTRA_USED_BY = {
    ("python-telegram-bot", "job-queue"): r"\bJobQueue\b",
    ("python-telegram-bot", "webhooks"): r"\b(run|start)_webhook\b",
    ("sqlalchemy", "asyncio"): r"\bsqlalchemy\.ext\.asyncio\b",
}


def _requirements(specs: list[str]) -> list[Requirement]:
    return [Requirement(spec) for spec in specs]


RUNTIME = _requirements(PYPROJECT["project"]["dependencies"])
DEV = _requirements(PYPROJECT["project"]["optional-dependencies"]["dev"])
BUILD = _requirements(PYPROJECT["build-system"]["requires"])


def _sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


def _imported_top_level_modules(*folders: str) -> dict[str, Path]:
    """Absolute imports of the files under ``folders``: top-level module -> one file using it."""
    found: dict[str, Path] = {}
    for path in _sources(*folders):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], path)
    return found


def _third_party_distributions(*folders: str) -> dict[str, str]:
    """Distribution (canonical name) -> a file importing it, for the third-party imports."""
    owners = metadata.packages_distributions()
    local = {*PROJECT_PACKAGES, "tests", "bench"}
    found: dict[str, str] = {}
    for module, path in _imported_top_level_modules(*folders).items():
        if module in sys.stdlib_module_names or module in local:
            continue
        assert module in owners, f"{module} (imported by {path}) is not installed"
        for distribution in owners[module]:
            found.setdefault(canonicalize_name(distribution), str(path.relative_to(ROOT)))
    return found


def _names(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(requirement.name) for requirement in requirements}


def _locked() -> dict[str, tuple[Version, list[str]]]:
    """requirements.lock: canonical name -> (pinned version, its hashes)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries: dict[str, tuple[Version, list[str]]] = {}
    for entry in re.split(r"\n(?=\S)", text.replace("\\\n", " ")):
        line = entry.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --")
        name, _, version = requirement.partition(";")[0].strip().partition("==")
        hashes = [option.removeprefix("hash=").strip() for option in options]
        entries[canonicalize_name(name)] = (Version(version), hashes)
    return entries


def test_every_package_the_code_imports_is_declared() -> None:
    runtime = _names(RUNTIME)
    missing = {
        distribution: path
        for distribution, path in _third_party_distributions(*PROJECT_PACKAGES).items()
        if distribution not in runtime
    }
    assert not missing, f"imported but not in [project].dependencies: {missing}"


def test_every_package_the_tests_and_benchmarks_import_is_declared() -> None:
    declared = _names(RUNTIME) | _names(DEV)
    missing = {
        distribution: path
        for distribution, path in _third_party_distributions("tests", "bench").items()
        if distribution not in declared
    }
    assert not missing, f"imported but neither a dependency nor in the dev extra: {missing}"


def test_every_declared_runtime_dependency_is_used() -> None:
    imported = set(_third_party_distributions(*PROJECT_PACKAGES))
    unused = _names(RUNTIME) - imported - set(LOADED_WITHOUT_IMPORT)
    assert not unused, f"declared but never imported: {unused}"


def test_every_declared_extra_is_needed_by_the_code() -> None:
    code = "\n".join(path.read_text(encoding="utf-8") for path in _sources(*PROJECT_PACKAGES))
    for requirement in RUNTIME:
        for extra in sorted(requirement.extras):
            key = (canonicalize_name(requirement.name), extra)
            assert key in EXTRA_USED_BY, f"{key}: name the code that needs this extra"
            assert re.search(EXTRA_USED_BY[key], code), f"{key}: nothing uses this extra"


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    project = PYPROJECT["project"]
    assert isinstance(project["license"], str), "license must be an SPDX string, not a table"
    assert canonicalize_license_expression(project["license"]) == "MIT"
    assert project["license-files"] == ["LICENSE"]
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert "Copyright (c) 2026 Trợ lý chi bộ contributors" in license_text
    # SPDX `license` and `license-files` need setuptools 77 (PEP 639).
    (setuptools,) = (r for r in BUILD if canonicalize_name(r.name) == "setuptools")
    assert Version("76.9") not in setuptools.specifier
    assert Version("77") in setuptools.specifier


def test_the_checkers_are_pinned_to_one_version() -> None:
    checkers = {"ruff", "mypy", "import-linter"}
    pins = {str(canonicalize_name(r.name)): str(r.specifier) for r in DEV}
    for checker in checkers:
        assert re.fullmatch(r"==\d+(\.\d+)*", pins[checker]), f"{checker} is {pins[checker]!r}"


def test_the_lock_pins_every_dependency_with_hashes() -> None:
    locked = _locked()
    for requirement in [*RUNTIME, *BUILD]:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: regenerate it"
        version, _ = locked[name]
        assert version in requirement.specifier, f"lock has {name}=={version}, not {requirement}"
    for pinned, (_, hashes) in locked.items():
        assert hashes and all(h.startswith("sha256:") for h in hashes), f"{pinned} has no hash"


def test_the_lock_holds_what_the_declared_extras_bring() -> None:
    locked = _locked()
    for requirement in RUNTIME:
        for extra in requirement.extras:
            for brought in metadata.requires(requirement.name) or []:
                dependency = Requirement(brought)
                if dependency.marker and dependency.marker.evaluate({"extra": extra}):
                    name = canonicalize_name(dependency.name)
                    assert name in locked, f"{requirement.name}[{extra}] needs {name}"


def test_the_lock_is_closed_under_the_dependencies_of_what_it_pins() -> None:
    """Checked where the installed version is the locked one, so its metadata is the truth."""
    locked = _locked()
    for name, (version, _) in locked.items():
        try:
            if Version(metadata.version(name)) != version:
                continue
        except metadata.PackageNotFoundError:
            continue
        for brought in metadata.requires(name) or []:
            dependency = Requirement(brought)
            if dependency.marker is None or dependency.marker.evaluate({"extra": ""}):
                needed = canonicalize_name(dependency.name)
                assert needed in locked, f"{name}=={version} needs {needed}, not in the lock"


def test_the_lock_leaves_out_the_unused_rate_limiter() -> None:
    assert "aiolimiter" not in _locked()


def _env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: {line!r} is not KEY=value"
            values[key.strip()] = value.strip()
    return values


def _setting_names() -> dict[str, str]:
    """Environment variable -> Settings field."""
    return {(field.alias or name).upper(): name for name, field in Settings.model_fields.items()}


def test_env_example_lists_every_setting() -> None:
    missing = set(_setting_names()) - set(_env_example())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_lists_the_compose_password() -> None:
    assert "POSTGRES_PASSWORD" in _env_example()


@pytest.mark.parametrize("variable", sorted(_setting_names()))
def test_env_example_shows_the_default_the_code_uses(variable: str) -> None:
    field = _setting_names()[variable]
    shown = load_settings(_env_file=None, **{field: _env_example()[variable]})
    assert getattr(shown, field) == Settings.model_fields[field].default, variable


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_docker_base_image_is_pinned_to_a_patch_release() -> None:
    bases = re.findall(r"^FROM\s+(\S+)", _dockerfile(), flags=re.MULTILINE)
    assert bases
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base), base


def test_the_docker_image_installs_the_locked_hashed_dependencies() -> None:
    dockerfile = _dockerfile()
    assert "--require-hashes" in dockerfile
    assert "-r requirements.lock" in dockerfile
    assert re.search(r"pip install .*--no-deps .*\.", dockerfile), "the project goes in alone"


def test_compose_gives_the_outbox_time_to_drain_on_stop() -> None:
    """The webhook server finishes the requests in hand (``SHUTDOWN_GRACE``), then
    ``run_forever`` waits ``send_timeout`` + 5 s for in-flight sends; PTB then stops."""
    send_timeout = inspect.signature(OutboxWorker).parameters["send_timeout"].default
    assert grace_period_seconds("bot") >= SHUTDOWN_GRACE + send_timeout + 10


def test_compose_never_puts_the_password_inside_a_url() -> None:
    """A password with @ : / # % would break the URL; asyncpg and pg_dump read PGPASSWORD."""
    compose = compose_text()
    urls = re.findall(r"DATABASE_URL:\s*(\S+)", compose)
    assert urls
    assert all(make_url(url).password is None for url in urls), urls
    assert "PGPASSWORD: ${POSTGRES_PASSWORD" in compose


def test_the_docker_build_context_leaves_out_secrets_and_backups() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for private in (".env", "data", "backups", "*.dump"):
        assert private in ignored, f".dockerignore must leave out {private}"
