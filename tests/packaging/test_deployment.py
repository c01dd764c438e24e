"""What an operator deploys holds together: the Dockerfile's HEALTHCHECK, compose's profiles and
services, Caddy in front of the webhook, no public ops port, and the README's commands.

compose.yaml was also checked with ``docker compose config`` and deploy/Caddyfile with
``caddy validate`` while writing them; these tests keep their structure from drifting.
"""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path

from bot.app import Webhook
from bot.settings import OPS_DEFAULT_PORT, Settings
from tests.packaging.compose import ROOT, compose_text, service, services

CADDYFILE = ROOT / "deploy" / "Caddyfile"
PROBE = ["python", "-m", "bot.ops.probe"]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _profiles(name: str) -> list[str]:
    match = re.search(r"^    profiles: \[([^\]]*)\]", service(name), flags=re.MULTILINE)
    return [p.strip() for p in match.group(1).split(",")] if match else []


def _exec_form(text: str) -> list[str]:
    return re.findall(r'"([^"]*)"', text)


def _dockerfile_healthcheck() -> str:
    dockerfile = _read(ROOT / "Dockerfile").replace("\\\n", " ")
    (check,) = re.findall(r"^HEALTHCHECK\s+(.*)$", dockerfile, flags=re.MULTILINE)
    return str(check)


def test_the_image_checks_healthz_with_its_own_python() -> None:
    check = _dockerfile_healthcheck()
    options, _, command = check.partition(" CMD ")
    assert _exec_form(command) == PROBE
    assert "curl" not in check and "wget" not in check  # not in the slim image
    start = re.search(r"--start-period=(\d+)s", options)
    assert start, "no start period: migrations would count as failures"
    connect = Settings.model_fields["database_connect_timeout"].default
    assert int(start.group(1)) > connect, "the first check waits for the database at start"


def test_compose_checks_the_bot_as_the_image_does_and_not_the_backup() -> None:
    bot = service("bot")
    test = re.search(r"^      test: (\[.*\])$", bot, flags=re.MULTILINE)
    assert test, "the bot service has no healthcheck"
    assert _exec_form(test.group(1)) == ["CMD", *PROBE]
    # The backup service runs the same image without a bot in it.
    assert re.search(r"healthcheck:\n\s+disable: true", service("backup"))


def test_compose_services_and_their_profiles() -> None:
    assert services() == ["db", "bot", "backup", "caddy"]
    assert _profiles("db") == [] and _profiles("bot") == []  # `docker compose up -d`
    assert _profiles("backup") == ["backup"]
    assert _profiles("caddy") == ["webhook"]


def test_no_port_but_caddys_is_published_and_never_the_ops_port() -> None:
    for name in services():
        published = "\n    ports:" in service(name)
        assert published == (name == "caddy"), name
    ports = re.findall(r'^      - "([^"]+)"$', service("caddy").split("\n    volumes:")[0], re.M)
    assert ports == ["80:80", "443:443", "443:443/udp"]  # ACME challenge, HTTPS, HTTP/3
    settings = re.sub(r"(^|\s)#.*$", "", compose_text(), flags=re.MULTILINE)  # no comments
    assert str(OPS_DEFAULT_PORT) not in settings
    assert "OPS_HOST" not in settings, "the ops port stays on the container's loopback"


def test_caddy_forwards_only_the_webhook_path_to_the_bots_webhook_port() -> None:
    compose = compose_text()
    url = re.search(r"WEBHOOK_URL: \$\{DOMAIN:\+(https://\$\{DOMAIN\}/[\w/-]+)\}", compose)
    assert url, "compose derives WEBHOOK_URL from DOMAIN (empty DOMAIN: long polling)"
    path = Webhook(url=url.group(1), secret="x").path
    listen = re.search(r'WEBHOOK_LISTEN: (\S+)\n\s+WEBHOOK_PORT: "(\d+)"', compose)
    assert listen and listen.group(1) == "0.0.0.0"  # reachable on compose's private network
    port = listen.group(2)

    caddyfile = _read(CADDYFILE)
    assert re.search(r"^\{\$DOMAIN\} \{$", caddyfile, flags=re.MULTILINE), "site = DOMAIN"
    routes = re.findall(r"^\thandle( \S+)? \{", caddyfile, flags=re.MULTILINE)
    assert routes == [f" /{path}", ""], "the webhook path, then everything else"
    webhook_route = caddyfile.split(f"handle /{path} {{", 1)[1].split("\n\t}", 1)[0]
    assert re.search(rf"dynamic a bot {port}\b", webhook_route), "every bot container, port"
    rest = caddyfile.split("\thandle {", 1)[1]
    assert "respond 404" in rest and "reverse_proxy" not in rest

    caddy = service("caddy")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy
    assert "DOMAIN: ${DOMAIN:-}" in caddy
    assert re.search(r"^    image: caddy:2\.\d+-alpine$", caddy, flags=re.MULTILINE)


def test_env_example_names_what_compose_reads_from_env() -> None:
    example = _read(ROOT / ".env.example")
    for variable in sorted(set(re.findall(r"\$\{(\w+)[:?}+-]", compose_text()))):
        assert re.search(rf"^{variable}=", example, flags=re.MULTILINE), variable


def _readme_commands() -> list[list[str]]:
    """Every `docker compose …` command the README prints, split like a shell would."""
    readme = _read(ROOT / "README.md")
    found = re.findall(r"`(docker compose [^`]+)`", readme)
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL):
        found += [
            line.strip() for line in block.splitlines() if line.strip().startswith("docker compose")
        ]
    return [shlex.split(command.split("#", 1)[0]) for command in found]


def _verb(words: list[str]) -> tuple[str, list[str]]:
    """``docker compose [--profile P]… VERB rest…`` -> (VERB, rest)."""
    rest, i = words[2:], 0
    while rest[i].startswith("-"):
        i += 2 if rest[i] in ("--profile", "-f", "--file") else 1
    return rest[i], rest[i + 1 :]


def test_the_readmes_compose_commands_name_real_profiles_and_services() -> None:
    commands = _readme_commands()
    assert len(commands) >= 8
    named_profiles, named_services = set(), set()
    for words in commands:
        named_profiles |= {v for f, v in itertools.pairwise(words) if f == "--profile"}
        verb, rest = _verb(words)
        assert verb in ("up", "ps", "logs", "run", "stop", "start"), words
        arguments = [w for w in rest if not w.startswith("-")]
        if verb == "ps":
            continue
        if verb == "up":
            scaled = [v for f, v in itertools.pairwise(rest) if f == "--scale"]
            named_services |= {s.partition("=")[0] for s in scaled}
        elif arguments:  # `docker compose stop` alone: every service
            named_services.add(arguments[0])
    profiles = {p for name in services() for p in _profiles(name)}
    assert named_profiles == profiles == {"backup", "webhook"}
    assert named_services == {"bot", "backup"}
