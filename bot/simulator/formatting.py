"""Text formatting as the Bot API does it: HTML parse mode, auto-detected entities.

Offsets and lengths are in UTF-16 code units, like Telegram's.  Only HTML is
parsed: the bot never sends Markdown.
"""

from __future__ import annotations

import html
import re

from bot.simulator.protocol import JSON


class EntityParseError(ValueError):
    """Raised with the text that follows ``can't parse entities: ``."""


def u16len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (the unit of entity offsets)."""
    return len(s.encode("utf-16-le")) // 2


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


# --------------------------------------------------------------------- HTML

_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_ATTR = re.compile(r"""([a-zA-Z_][\w-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = {*_HTML_SIMPLE, "a", "span", "blockquote", "tg-emoji"}


def _html_attrs(s: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _HTML_ATTR.finditer(s):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if value is None:
            value = m.group(4) if m.group(4) is not None else ""
        attrs[m.group(1).lower()] = html.unescape(value)
    return attrs


def parse_html(src: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into ``(text, entities)``."""
    out: list[str] = []
    pos = 0  # UTF-16 position in the output
    # (tag name, start position, entity or None when the tag makes no entity)
    stack: list[tuple[str, int, JSON | None]] = []
    entities: list[JSON] = []
    i, n = 0, len(src)
    while i < n:
        m = _HTML_SPECIAL.search(src, i)
        j = m.start() if m else n
        if j > i:
            chunk = src[i:j]
            out.append(chunk)
            pos += u16len(chunk)
            i = j
            if i >= n:
                break
        if src[i] == "&":
            ref = _HTML_CHAR_REF.match(src, i)
            if ref:
                ch = html.unescape(ref.group(0))
                out.append(ch)
                pos += u16len(ch)
                i = ref.end()
            else:
                out.append("&")
                pos += 1
                i += 1
            continue
        # a tag
        off = _byte_offset(src, i)
        close = src.find(">", i)
        if src.startswith("</", i):
            if close < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {off}")
            name = src[i + 2 : close].strip().lower()
            if not stack:
                raise EntityParseError(f'Unexpected end tag "{name}" at byte offset {off}')
            tag, start, open_ent = stack.pop()
            if name != tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {off}, expected "</{tag}>", '
                    f'found "</{name}>"'
                )
            if open_ent is not None and pos > start:
                open_ent["offset"] = start
                open_ent["length"] = pos - start
                entities.append(open_ent)
            i = close + 1
            continue
        if close < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {off}")
        inner = src[i + 1 : close]
        m_name = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
        name = m_name.group(0).lower() if m_name else ""
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {off}')
        attrs = _html_attrs(inner[len(name) :])
        ent: JSON | None
        if name in _HTML_SIMPLE:
            ent = {"type": _HTML_SIMPLE[name]}
            if name == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] == pos:
                lang = attrs.get("class", "")
                pre = stack[-1][2]
                if lang.startswith("language-") and pre is not None:
                    pre["language"] = lang[len("language-") :]
                    ent = None
        elif name == "a":
            href = attrs.get("href", "")
            ent = {"type": "text_link", "url": href} if href else None
        elif name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise EntityParseError(f'Unsupported start tag "span" at byte offset {off}')
            ent = {"type": "spoiler"}
        elif name == "blockquote":
            ent = {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
        else:  # tg-emoji
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id:
                raise EntityParseError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {off}'
                )
            ent = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        stack.append((name, pos, ent))
        i = close + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


# ------------------------------------------------------ auto-detection

_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "bot_command",
        re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?![\w/])"),
    ),
    ("url", re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]}'»]")),
    (
        "email",
        re.compile(
            r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]
_NO_AUTO_INSIDE = {
    "code",
    "pre",
    "text_link",
    "url",
    "email",
    "bot_command",
    "mention",
    "text_mention",
}


def detect_entities(text: str, existing: list[JSON]) -> list[JSON]:
    """Return ``existing`` plus auto-detected entities, sorted as Telegram does."""
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"])
        for e in existing
        if e.get("type") in _NO_AUTO_INSIDE
    ]
    found: list[JSON] = []
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            start = u16len(text[: m.start()])
            end = start + u16len(m.group(0))
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    merged = existing + found
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged


def strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace like Telegram does, keeping entities aligned."""
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    if lead == 0 and len(stripped) == len(text):
        return text, entities
    total = u16len(stripped)
    lead16 = u16len(text[:lead])
    fixed: list[JSON] = []
    for e in entities:
        start = max(0, e["offset"] - lead16)
        end = min(total, e["offset"] + e["length"] - lead16)
        if end > start:
            fixed.append({**e, "offset": start, "length": end - start})
    return stripped, fixed
