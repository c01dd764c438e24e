"""The overview's buttons, shared by /tonghop (handlers/orgs) and the monthly digest.

Route ``th:<role id>:<action><month>`` (codec: bot/delivery/callbacks.py): ``m`` show the
month (``m<month>_<page>``: a later page), ``c`` its chart, ``x`` its workbook, ``d`` the
digest-day menu, ``d<day>`` choose a day (``d0``: no digest). The role id is checked
against the presser at every press.
"""

from __future__ import annotations

from bot.delivery.callbacks import CallbackData
from bot.delivery.outgoing import ButtonRows, ButtonSpec
from bot.orgs.months import Month, month_code, step
from bot.orgs.roles import DIGEST_DAYS
from bot.orgs.views import RoleInfo
from bot.texts import orgs as tx
from bot.texts.common import fmt

OVERVIEW_ROUTE = "th"
DAYS_PER_ROW = 7


def _button(text: str, role_id: int, arg: str) -> ButtonSpec:
    return ButtonSpec(text, CallbackData(OVERVIEW_ROUTE, role_id, arg).encode())


def show_button(text: str, role_id: int, month: Month, page: int = 1) -> ButtonSpec:
    return _button(text, role_id, "m" + month_code(month) + (f"_{page}" if page > 1 else ""))


def overview_buttons(
    role: RoleInfo,
    month: Month,
    this_month: Month,
    others: tuple[RoleInfo, ...] = (),
    *,
    page: int = 1,
    pages: int = 1,
) -> ButtonRows:
    previous, following = step(month, -1), step(month, 1)
    nav = [
        show_button(fmt(tx.BUTTON_PREVIOUS, year=previous[0], month=previous[1]), role.id, previous)
    ]
    if following <= this_month:
        nav.append(
            show_button(
                fmt(tx.BUTTON_NEXT, year=following[0], month=following[1]), role.id, following
            )
        )
    code = month_code(month)
    paging = []
    if page > 1:
        text = fmt(tx.BUTTON_PAGE_PREVIOUS, page=page - 1)
        paging.append(show_button(text, role.id, month, page - 1))
    if page < pages:
        text = fmt(tx.BUTTON_PAGE_NEXT, page=page + 1, pages=pages)
        paging.append(show_button(text, role.id, month, page + 1))
    rows: list[tuple[ButtonSpec, ...]] = [
        *([tuple(paging)] if paging else []),
        tuple(nav),
        (
            _button(tx.BUTTON_CHART, role.id, "c" + code),
            _button(tx.BUTTON_XLSX, role.id, "x" + code),
        ),
        (_button(tx.BUTTON_DIGEST, role.id, "d"),),
    ]
    rows += [
        (show_button(fmt(tx.BUTTON_OTHER_ROLE, org=other.org.name)[:60], other.id, month),)
        for other in others
    ]
    return tuple(rows)


def digest_day_buttons(role_id: int) -> ButtonRows:
    days = [_button(str(day), role_id, f"d{day}") for day in DIGEST_DAYS]
    rows = [tuple(days[i : i + DAYS_PER_ROW]) for i in range(0, len(days), DAYS_PER_ROW)]
    rows.append((_button(tx.DIGEST_OFF, role_id, "d0"),))
    return tuple(rows)
