"""The ``chibo`` command: run the bot, manage the database and cells."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.delivery.callbacks import MAX_ID, bounded_int
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.exports.service import ExportBundle


def _key(text: str) -> int:
    """An id option: bounded like ids in buttons, so a huge one never reaches the database."""
    value = bounded_int(text, minimum=1)
    if value is None:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to {MAX_ID}, not {text!r}")
    return value


def _keys(text: str) -> tuple[int, ...]:
    """A comma-separated list of ids."""
    return tuple(_key(part.strip()) for part in text.split(",") if part.strip())


# The role names on the command line (ASCII), and the roles they give.
ORG_ROLES = {"bi-thu": "bi_thu_du", "pho-bi-thu": "pho_bi_thu_du", "phu-trach": "phu_trach"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chibo", description="Trợ lý chi bộ — Telegram bot")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot (the local simulator when no token is set)")
    run.add_argument("--simulator", action="store_true", help="use the simulator even with a token")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling",
    )

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")
    db_sub.add_parser("current", help="print the schema revision")
    backup = db_sub.add_parser(
        "backup", help="a consistent copy of the database, also while the bot runs"
    )
    backup.add_argument("file", type=Path)
    restore = db_sub.add_parser(
        "restore", help="replace the database with a backup (stop the bot first)"
    )
    restore.add_argument("file", type=Path)
    restore.add_argument("--force", action="store_true", help="even if the database is in use")

    cell = sub.add_parser("cell", help="cells")
    cell_sub = cell.add_subparsers(dest="cell_command", required=True)
    create = cell_sub.add_parser("create", help="create a cell and print the secretary's link")
    create.add_argument("--name", required=True, help='e.g. "Chi bộ Khu phố 3"')
    create.add_argument(
        "--parent", default=None, help='the higher committee, e.g. "Đảng bộ phường X"'
    )
    create.add_argument(
        "--org", type=_key, default=None, help="the parent committee's id (chibo org list)"
    )
    cell_sub.add_parser("list", help="list cells")
    attach = cell_sub.add_parser("attach", help="put an existing cell under a parent committee")
    attach.add_argument("--cell", type=_key, required=True)
    attach.add_argument("--org", type=_key, required=True)
    link = cell_sub.add_parser("secretary-link", help="a new one-time secretary link for a cell")
    link.add_argument("--cell", type=_key, required=True)

    org = sub.add_parser("org", help="parent committees (đảng ủy) over cells")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    org_create = org_sub.add_parser(
        "create", help="create a parent committee and print its bí thư's one-time link"
    )
    org_create.add_argument("name", help='e.g. "Đảng ủy phường Bến Nghé"')
    org_create.add_argument("--parent", type=_key, default=None, help="the org it sits under")
    org_sub.add_parser("list", help="list parent committees")
    org_roles = org_sub.add_parser("roles", help="the people with a role in a parent committee")
    org_roles.add_argument("--org", type=_key, required=True)
    org_revoke = org_sub.add_parser("revoke", help="end a role (see chibo org roles)")
    org_revoke.add_argument("--role", type=_key, required=True, help="the role's id")
    org_link = org_sub.add_parser("link", help="a one-time link for a role in a parent committee")
    org_link.add_argument("--org", type=_key, required=True)
    org_link.add_argument("--role", choices=sorted(ORG_ROLES), required=True)
    org_link.add_argument(
        "--cells", type=_keys, default=(), help="the overseer's cells, e.g. 3,4 (phu-trach only)"
    )

    plan = sub.add_parser("plan", help="meeting plans")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    plan_import = plan_sub.add_parser(
        "import", help="import a year's plan from CSV (date,time,kind,place,topic,presenter)"
    )
    plan_import.add_argument("--cell", type=_key, required=True)
    plan_import.add_argument("file", help="the CSV file (UTF-8)")
    roster = sub.add_parser("roster", help="the cell's member list")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_sub.add_parser(
        "import",
        help="add members (also without Telegram) from CSV or XLSX: "
        "họ tên, năm sinh, ngày vào đảng, trạng thái",
    )
    roster_import.add_argument("--cell", type=_key, required=True)
    roster_import.add_argument("file", type=Path, help="the .csv (UTF-8) or .xlsx file")
    roster_list = roster_sub.add_parser(
        "list", help="list the cell's members with their ids (for chibo transfer)"
    )
    roster_list.add_argument("--cell", type=_key, required=True)
    transfer = sub.add_parser(
        "transfer",
        help="record a transfer (chuyển sinh hoạt) of a member to another cell at once",
    )
    transfer.add_argument("--member", type=_key, required=True, help="the member's id")
    transfer.add_argument("--to", dest="to_cell", type=_key, required=True, help="the cell id")
    transfer.add_argument(
        "--temporary",
        nargs=2,
        metavar=("FROM", "UNTIL"),
        default=None,
        help="a temporary transfer for these days (dd/mm/yyyy); without it: official",
    )
    export = sub.add_parser("export", help="write attendance, comments and draft minutes files")
    export.add_argument("--cell", type=_key, required=True)
    export.add_argument("--meeting", type=_key, default=None, help="one meeting")
    export.add_argument("--from", dest="date_from", default=None, help="dd/mm/yyyy")
    export.add_argument("--to", dest="date_to", default=None, help="dd/mm/yyyy")
    export.add_argument("--out", default=".", help="folder to write into (default: here)")

    ask = sub.add_parser("ask", help="ask the rules knowledge base")
    ask.add_argument("question", nargs="*", help="the question; none: read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")

    kb = sub.add_parser("kb", help="the rules knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_sub.add_parser("check", help="validate every entry")
    return parser


async def _bot_username(settings: Settings) -> str | None:
    if not settings.bot_token:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(
        settings.bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
    )
    try:
        async with bot:
            return bot.username
    except TelegramError:
        return None


def _print_link(username: str | None, payload: str) -> None:
    if username:
        print(f"https://t.me/{username}?start={payload}")
    else:
        print(f"(no bot token, or Telegram unreachable) in the simulator type: /start {payload}")


CELL_ERRORS = {
    "cell_name_length": "a cell name must be 3 to 200 characters",
    "cell_gone": "no such cell",
    "org_gone": "no such parent committee (chibo org list)",
    "org_role_gone": "no such role (chibo org roles --org ID)",
    "overseer_needs_cells": "--cells is for --role phu-trach, and it needs at least one cell "
    "under the org",
}


async def _cell_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.errors import DomainError
    from bot.runtime import open_services

    services = await open_services(settings)
    try:
        if args.cell_command == "create":
            if args.org is not None:
                await services.orgs.org(args.org)  # no such org: nothing is created
            cell, payload = await services.cells.create_cell(
                args.name, parent_committee=args.parent
            )
            print(f"Created cell {cell.id}: {cell.name}")
            if args.org is not None:
                org = await services.orgs.attach_cell(cell.id, args.org)
                print(f"under {org.id}: {org.name}")
            print("One-time link that makes whoever opens it the cell's secretary:")
            _print_link(await _bot_username(settings), payload)
        elif args.cell_command == "attach":
            org = await services.orgs.attach_cell(args.cell, args.org)
            print(f"Cell {args.cell} is now under {org.id}: {org.name}")
        elif args.cell_command == "secretary-link":
            payload = await services.cells.new_secretary_code(args.cell)
            _print_link(await _bot_username(settings), payload)
        else:
            for info in await services.cells.list_cells():
                group = info.group_chat_id if info.group_chat_id is not None else "-"
                print(f"{info.id}\t{info.name}\tgroup={group}")
        return 0
    except DomainError as exc:  # a bad name, or a cell id that does not exist
        key = str(exc.args[0]) if exc.args else ""
        reason = CELL_ERRORS.get(key, f"{type(exc).__name__} {key}".strip())
        print(f"cannot {args.cell_command.replace('-', ' ')}: {reason}", file=sys.stderr)
        return 1
    finally:
        await services.db.dispose()


async def _org_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.errors import DomainError
    from bot.runtime import open_services
    from storage.enums import OrgRole

    services = await open_services(settings)
    try:
        if args.org_command == "create":
            org, payload = await services.orgs.create_org(args.name, parent_id=args.parent)
            print(f"Created parent committee {org.id}: {org.name}")
            print("One-time link that makes whoever opens it its bí thư đảng ủy:")
            _print_link(await _bot_username(settings), payload)
        elif args.org_command == "link":
            role = OrgRole(ORG_ROLES[args.role])
            org, payload = await services.orgs.new_invite(args.org, role, args.cells)
            print(f"One-time link for {args.role} of {org.name}:")
            _print_link(await _bot_username(settings), payload)
        elif args.org_command == "roles":
            for held, active, cell_ids in await services.orgs.roles_in(args.org):
                listed = ",".join(map(str, cell_ids)) or "-"
                state = "active" if active else "revoked"
                print(f"{held.id}\t{held.role.value}\t{held.full_name}\t{state}\tcells={listed}")
        elif args.org_command == "revoke":
            ended = await services.orgs.revoke(args.role)
            print(f"Revoked role {ended.id} ({ended.role.value}) of {ended.org.name}")
        else:
            for info, cells in await services.orgs.list_orgs():
                parent = info.parent_id if info.parent_id is not None else "-"
                print(f"{info.id}\t{info.name}\tparent={parent}\tcells={cells}")
        return 0
    except DomainError as exc:
        key = str(exc.args[0]) if exc.args else ""
        reason = CELL_ERRORS.get(key, f"{type(exc).__name__} {key}".strip())
        print(f"cannot {args.org_command}: {reason}", file=sys.stderr)
        return 1
    finally:
        await services.db.dispose()


async def _db_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.db_command in ("backup", "restore"):
        return await _backup_command(settings, args)
    from bot.runtime import connect_database
    from storage.migrate import current_revision, upgrade_database

    db = await connect_database(settings)
    try:
        if args.db_command == "upgrade":
            await upgrade_database(db.engine)
        print(f"schema revision: {await current_revision(db.engine)}")
        return 0
    finally:
        await db.dispose()


async def _backup_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.backup import backup, restore
    from bot.ops.errors import BackupError

    try:
        if args.db_command == "backup":
            copy = await backup(settings.database_url, args.file)
        else:
            copy = await restore(settings.database_url, args.file, force=args.force)
    except BackupError as exc:
        print(f"cannot {args.db_command}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.db_command}: {copy.path} (schema revision {copy.revision})")
    return 0


def _refused(problems: Sequence[str]) -> int:
    """An all-or-nothing import refused: every bad row, by line."""
    print("Nothing was imported. Fix these rows and try again:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


async def _plan_command(settings: Settings, args: argparse.Namespace, source: TextIO) -> int:
    from bot.meetings.plan_import import PlanError, import_plan
    from bot.runtime import open_services

    services = await open_services(settings)
    try:
        count = await import_plan(services.db, services.clock, args.cell, source)
    except UnicodeDecodeError as exc:
        print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    except PlanError as exc:
        return _refused(exc.problems)
    finally:
        await services.db.dispose()
    print(f"Imported {count} meetings into cell {args.cell}.")
    return 0


async def _roster_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.runtime import open_services

    services = await open_services(settings)
    try:
        members = await services.members.roster_entries.of_cell(args.cell)
    finally:
        await services.db.dispose()
    if members is None:
        print(f"cannot list: no cell {args.cell}", file=sys.stderr)
        return 1
    for m in members:
        telegram = "telegram" if m.telegram_id is not None else "no-telegram"
        print(
            f"{m.id}\t{m.full_name}\t{m.role.value}\t{m.party_status.value}\t{m.state.value}\t{telegram}"
        )
    return 0


async def _roster_command(settings: Settings, args: argparse.Namespace, data: bytes) -> int:
    from bot.members.roster_file import RosterFileError
    from bot.runtime import open_services

    services = await open_services(settings)
    try:
        summary = await services.members.roster_entries.import_into_cell(
            args.cell, data, args.file.name
        )
    except RosterFileError as exc:
        return _refused(exc.problems)
    finally:
        await services.db.dispose()
    print(
        f"Imported into cell {args.cell}: {len(summary.added)} added, "
        f"{len(summary.matched)} already listed (updated)."
    )
    return 0


TRANSFER_ERRORS = {
    "member_gone": "no active member with that id",
    "transfer_target_gone": "no such cell, or it is the member's own cell",
    "transfer_target_member": "the member is already active in that cell",
    "transfer_pending": "the member has a transfer waiting for the target cell",
    "transfer_period": "the period must end after it starts, and not before today",
    "transfer_overlaps": "the member has a status in that period already",
    "last_secretary": "the member is the cell's only secretary",
}


async def _transfer_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.errors import DomainError
    from bot.members.roster_file import parse_day
    from bot.runtime import open_services
    from storage.enums import TransferKind

    days = [parse_day(day) for day in args.temporary or ()]
    if any(day is None for day in days):
        print("--temporary takes two days, dd/mm/yyyy", file=sys.stderr)
        return 2
    kind = TransferKind.TEMPORARY if days else TransferKind.OFFICIAL
    services = await open_services(settings)
    try:
        given = [day for day in days if day is not None]  # both, checked above
        period = (given[0], given[1]) if len(given) == 2 else None
        info = await services.members.transfers.record(args.member, args.to_cell, kind, period)
    except DomainError as exc:
        key = str(exc.args[0]) if exc.args else ""
        print(f"cannot transfer: {TRANSFER_ERRORS.get(key, key)}", file=sys.stderr)
        return 1
    finally:
        await services.db.dispose()
    print(
        f"Transferred {info.member.full_name} ({info.kind_name}) from cell {info.source.id} "
        f"to cell {info.target.id}{info.period}: member {info.member.id} there."
    )
    return 0


async def _export_command(settings: Settings, args: argparse.Namespace) -> ExportBundle | int:
    from bot.errors import DomainError
    from bot.exports.service import parse_day
    from bot.runtime import open_services

    if (args.meeting is None) == (args.date_from is None or args.date_to is None):
        print("give either --meeting ID or both --from and --to", file=sys.stderr)
        return 2
    services = await open_services(settings)
    try:
        if args.meeting is not None:
            return await services.exports.meeting(args.cell, args.meeting)
        start, end = parse_day(args.date_from), parse_day(args.date_to)
        return await services.exports.period(args.cell, start, end)
    except DomainError as exc:
        print(
            f"cannot export: {type(exc).__name__} {' '.join(map(str, exc.args))}", file=sys.stderr
        )
        return 1
    finally:
        await services.db.dispose()


def _write_export(out: str, exported: ExportBundle) -> int:
    from bot.exports.files import write_private

    for path in write_private(Path(out), exported.files):
        print(path)
    print(f"{len(exported.reports)} meeting(s) exported")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from bot.runtime import DatabaseUnavailable, redact_in_logs

    redact_in_logs(settings.secrets())
    try:
        return _command(settings, args)
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1


def _command(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "run":
        from bot.runner import RunError, run

        try:
            return asyncio.run(
                run(settings, force_simulator=args.simulator, force_webhook=args.webhook)
            )
        except RunError as exc:
            print(exc, file=sys.stderr)
            return 2
    if args.command == "db":
        return asyncio.run(_db_command(settings, args))
    if args.command == "cell":
        return asyncio.run(_cell_command(settings, args))
    if args.command == "org":
        return asyncio.run(_org_command(settings, args))
    if args.command == "plan":
        try:
            # Opened here, not in async code, and closed below; read as it is parsed.
            source = open(args.file, encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
            return 2
        with source:
            return asyncio.run(_plan_command(settings, args, source))
    if args.command == "roster" and args.roster_command == "list":
        return asyncio.run(_roster_list(settings, args))
    if args.command == "roster":
        from bot.members.roster_file import MAX_FILE_BYTES

        try:
            with args.file.open("rb") as source:
                data = source.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
            return 2
        return asyncio.run(_roster_command(settings, args, data))
    if args.command == "transfer":
        return asyncio.run(_transfer_command(settings, args))
    if args.command == "export":
        exported = asyncio.run(_export_command(settings, args))
        return exported if isinstance(exported, int) else _write_export(args.out, exported)
    if args.command == "ask":
        from bot.knowledge.cli import ask_command

        code: int = ask_command(
            list(args.question) and [" ".join(args.question)],
            as_json=args.json,
            local_dir=settings.kb_local_dir,
            stdin=sys.stdin,
            stdout=sys.stdout,
        )
        return code
    if args.command == "kb":
        from bot.knowledge.cli import kb_check_command

        checked: int = kb_check_command(settings.kb_local_dir, sys.stdout)
        return checked
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
