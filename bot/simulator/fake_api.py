"""A fake Telegram Bot API server (aiohttp) with a Python control API.

The real python-telegram-bot ``Application`` talks HTTP to it exactly as it talks
to api.telegram.org, while tests (and the terminal chat) play the human side:
users sending messages, pressing inline buttons, blocking the bot, groups adding
the bot or migrating to supergroups.  Behaviour follows the documented Bot API
(https://core.telegram.org/bots/api) including its error texts, entity parsing
(HTML only: the bot never sends Markdown), privacy mode and flood limits, and
deliberately nothing more: the bot is also checked against other emulators and
the real Telegram.

Updates reach the bot by getUpdates or, once it calls setWebhook, by POST to its
webhook (``webhook``): tell the fake where the TLS-terminating proxy forwards the
public URL, e.g. ``api.route_webhook("https://bot.example.org/tg",
"http://127.0.0.1:8080/tg")`` (several upstreams: a load balancer), and forge
requests with a wrong or missing secret header by ``api.post_to_webhook``.

:class:`FakeBotApi` is assembled from parts, each over the shared
:class:`~bot.simulator.world.World`: the HTTP server and webhook delivery
(``server``, ``webhook``), the control API (``driver``), the human side
(``actions``) and the Bot API methods (``api_bot``, ``api_messages``, ``api_chats``).
"""

from __future__ import annotations

import functools

from bot.simulator.actions import UserActions
from bot.simulator.api_bot import BotMethods
from bot.simulator.api_chats import ChatMethods
from bot.simulator.api_messages import MessageMethods
from bot.simulator.driver import Driver
from bot.simulator.protocol import Handler
from bot.simulator.server import Server


class FakeBotApi(Server, Driver, UserActions, BotMethods, MessageMethods, ChatMethods):
    """In-memory Telegram Bot API served over HTTP with aiohttp.

    Speaks the real wire protocol so the real python-telegram-bot ``Application``
    can run against it, plus a Python control API to play users and inspect what
    the bot did.
    """

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._m_get_me,
            "getUpdates": self._m_get_updates,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "logOut": self._m_true,
            "close": self._m_true,
            "sendMessage": self._m_send_message,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "sendMediaGroup": self._m_send_media_group,
            "editMessageText": self._m_edit_text,
            "editMessageCaption": self._m_edit_caption,
            "editMessageReplyMarkup": self._m_edit_markup,
            "deleteMessage": self._m_delete_message,
            "deleteMessages": self._m_delete_messages,
            "answerCallbackQuery": self._m_answer_callback,
            "getFile": self._m_get_file,
            "pinChatMessage": self._m_pin,
            "unpinChatMessage": self._m_unpin,
            "unpinAllChatMessages": self._m_unpin_all,
            "setMyCommands": self._m_set_commands,
            "getMyCommands": self._m_get_commands,
            "deleteMyCommands": self._m_delete_commands,
            "setMyName": functools.partial(self._m_set_bot_text, "name"),
            "getMyName": functools.partial(self._m_get_bot_text, "name"),
            "setMyDescription": functools.partial(self._m_set_bot_text, "description"),
            "getMyDescription": functools.partial(self._m_get_bot_text, "description"),
            "setMyShortDescription": functools.partial(self._m_set_bot_text, "short_description"),
            "getMyShortDescription": functools.partial(self._m_get_bot_text, "short_description"),
            "setMyDefaultAdministratorRights": self._m_set_default_rights,
            "getMyDefaultAdministratorRights": self._m_get_default_rights,
            "getChat": self._m_get_chat,
            "getChatMember": self._m_get_chat_member,
            "getChatAdministrators": self._m_get_admins,
            "getChatMemberCount": self._m_member_count,
            "leaveChat": self._m_leave_chat,
            "sendChatAction": self._m_chat_action,
            "setChatMenuButton": self._m_set_menu_button,
            "getChatMenuButton": self._m_get_menu_button,
            "createChatInviteLink": self._m_create_invite_link,
        }
