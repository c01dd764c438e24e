"""Bot API wire protocol: error responses and the decoding of request parameters."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]


MAX_UPLOAD = 50 * 1024 * 1024
_MAX_DOWNLOAD = 20 * 1024 * 1024


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": code, ...}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def forbidden(description: str) -> ApiError:
    return ApiError(403, f"Forbidden: {description}")


# Fields that hold JSON-serialized objects/arrays when sent as form fields.
_JSON_FIELDS = frozenset(
    {
        "reply_markup", "reply_parameters", "entities", "caption_entities", "link_preview_options",
        "allowed_updates", "commands", "scope", "media", "menu_button", "permissions", "rights",
        "results", "options", "explanation_entities", "reaction", "message_ids",
    }
)  # fmt: skip
_INT_FIELDS = frozenset(
    {
        "message_id", "user_id", "offset", "limit", "timeout", "reply_to_message_id",
        "message_thread_id", "cache_time", "until_date", "expire_date", "member_limit",
        "max_connections", "from_chat_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
        "disable_content_type_detection", "revoke_messages", "creates_join_request",
        "allow_paid_broadcast", "show_caption_above_media", "for_channels", "only_if_banned",
    }
)  # fmt: skip
INT_RE = re.compile(r"-?\d+")


@dataclass
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


#: A Bot API method implementation: (normalized params, uploaded files) → result.
Handler = Callable[[JSON, dict[str, "Upload"]], Awaitable[Any]]


def as_int(value: Any, description: str) -> int:
    if isinstance(value, bool) or value is None:
        raise bad(description)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        return int(value)
    raise bad(description)


def normalize_params(params: dict[str, Any]) -> dict[str, Any]:
    """Decode form values the way the Bot API does (JSON fields, ints, booleans)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    if key == "reply_markup":
                        raise bad("can't parse reply keyboard markup JSON object") from None
                    raise bad(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS or key == "chat_id":
                if INT_RE.fullmatch(value.strip()):
                    value = int(value)
            elif key in _BOOL_FIELDS:
                value = value.strip().lower() in ("true", "1")
        out[key] = value
    return out
