"""HTTP side of the fake server: aiohttp routes, request decoding, error responses."""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any

from aiohttp import web

from bot.simulator.protocol import (
    JSON,
    MAX_UPLOAD,
    ApiError,
    Handler,
    Upload,
    bad,
    normalize_params,
)
from bot.simulator.webhook import WebhookDelivery

log = logging.getLogger(__name__)


# Every method of the real Bot API (lower-cased → canonical).  Methods listed here
# but not implemented answer 400 "method not supported by the fake server";
# anything else is unknown to Telegram and answers 404 "Not Found".
_BOT_API_METHODS = {
    m.lower(): m
    for m in """
    getUpdates setWebhook deleteWebhook getWebhookInfo getMe logOut close sendMessage
    forwardMessage forwardMessages copyMessage copyMessages sendPhoto sendAudio sendDocument
    sendVideo sendAnimation sendVoice sendVideoNote sendPaidMedia sendMediaGroup sendLocation
    sendVenue sendContact sendPoll sendChecklist sendDice sendMessageDraft sendChatAction
    setMessageReaction getUserProfilePhotos setUserEmojiStatus getFile banChatMember
    unbanChatMember restrictChatMember promoteChatMember setChatAdministratorCustomTitle
    banChatSenderChat unbanChatSenderChat setChatPermissions exportChatInviteLink
    createChatInviteLink editChatInviteLink createChatSubscriptionInviteLink
    editChatSubscriptionInviteLink revokeChatInviteLink approveChatJoinRequest
    declineChatJoinRequest setChatPhoto deleteChatPhoto setChatTitle setChatDescription
    pinChatMessage unpinChatMessage unpinAllChatMessages leaveChat getChat
    getChatAdministrators getChatMemberCount getChatMember setChatStickerSet
    deleteChatStickerSet getForumTopicIconStickers createForumTopic editForumTopic
    closeForumTopic reopenForumTopic deleteForumTopic unpinAllForumTopicMessages
    editGeneralForumTopic closeGeneralForumTopic reopenGeneralForumTopic hideGeneralForumTopic
    unhideGeneralForumTopic unpinAllGeneralForumTopicMessages answerCallbackQuery
    getUserChatBoosts getBusinessConnection setMyCommands deleteMyCommands getMyCommands
    setMyName getMyName setMyDescription getMyDescription setMyShortDescription
    getMyShortDescription setChatMenuButton getChatMenuButton setMyDefaultAdministratorRights
    getMyDefaultAdministratorRights editMessageText editMessageCaption editMessageMedia
    editMessageLiveLocation stopMessageLiveLocation editMessageChecklist
    editMessageReplyMarkup stopPoll approveSuggestedPost declineSuggestedPost deleteMessage
    deleteMessages sendSticker getStickerSet getCustomEmojiStickers uploadStickerFile
    createNewStickerSet addStickerToSet setStickerPositionInSet deleteStickerFromSet
    replaceStickerInSet setStickerEmojiList setStickerKeywords setStickerMaskPosition
    setStickerSetTitle setStickerSetThumbnail setCustomEmojiStickerSetThumbnail
    deleteStickerSet answerInlineQuery answerWebAppQuery savePreparedInlineMessage
    sendInvoice createInvoiceLink answerShippingQuery answerPreCheckoutQuery
    getMyStarBalance getStarTransactions refundStarPayment editUserStarSubscription
    setPassportDataErrors sendGame setGameScore getGameHighScores getAvailableGifts sendGift
    giftPremiumSubscription verifyUser verifyChat removeUserVerification
    removeChatVerification readBusinessMessage deleteBusinessMessages
    """.split()  # noqa: SIM905
}
_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup"})


class Server(WebhookDelivery):
    """Serves the Bot API methods of :meth:`_method_table` over HTTP (and, while a
    webhook is set, posts the updates to it)."""

    def _method_table(self) -> dict[str, Handler]:
        """Canonical method name → implementation (FakeBotApi lists them)."""
        raise NotImplementedError

    @functools.cached_property
    def _handlers(self) -> dict[str, tuple[str, Handler]]:
        return {name.lower(): (name, handler) for name, handler in self._method_table().items()}

    # ------------------------------------------------------------ lifecycle

    async def start(self, port: int | None = None) -> None:
        """Serve on ``host``:``port`` (port 0 = pick a free one) in the running loop."""
        if port is not None:
            self.port = port
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        addr = runner.addresses[0]
        self.port = int(addr[1])
        if self._webhook is not None:  # set before a stop: deliver again
            self._start_webhook_delivery(self._webhook)

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        self._closing = True
        self._wake_pollers()
        await self._stop_webhook_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` (PTB appends token and method)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # ------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, Upload]]:
        params: JSON = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad("can't parse JSON request body") from None
                if isinstance(body, dict):
                    params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    raise ApiError(413, "Request Entity Too Large") from None
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        return params, files

    @staticmethod
    def _dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    def _response(self, body: JSON, status: int = 200) -> web.Response:
        return web.Response(text=self._dumps(body), status=status, content_type="application/json")

    def _error(self, err: ApiError) -> web.Response:
        return self._response(err.to_json(), err.code)

    def _take_injected(self, method: str, params: JSON) -> ApiError | None:
        """The first error injected for this call (its chat's, or any chat's), taken."""
        queue = self._injected.get(method)
        if not queue:
            return None
        chat = params.get("chat_id")
        for index, (err, only_chat) in enumerate(queue):
            if only_chat is None or str(only_chat) == str(chat):
                del queue[index]
                return err
        return None

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return self._error(ApiError(404, "Not Found"))

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        key = name.lower()
        entry = self._handlers.get(key)
        method = entry[0] if entry else _BOT_API_METHODS.get(key, name)
        is_poll = method == "getUpdates"
        if not is_poll:
            self._inflight += 1
        recorded: JSON = {}
        try:
            try:
                raw, files = await self._read_params(request)
                recorded = dict(raw)
                for fname, up in files.items():
                    recorded[fname] = f"<file {up.filename!r}, {len(up.data)} bytes>"
                try:
                    params = normalize_params(raw)
                    recorded.update({k: v for k, v in params.items() if k not in files})
                finally:
                    self.requests.append((method, recorded))
                if entry is None:
                    if key in _BOT_API_METHODS:
                        log.warning("fake Bot API: method %s is not supported", method)
                        raise bad("method not supported by the fake server")
                    raise ApiError(404, "Not Found")
                err = self._take_injected(key, params)
                if err is not None:
                    raise ApiError(err.code, err.description, err.parameters)
                result = await entry[1](params, files)
            except ApiError as err:
                if err.code == 429:
                    self.stats.rate_limited += 1
                    where = _chat_of(recorded)
                    self.stats.refused.append((method, where, time.monotonic()))
                else:
                    self.stats.errors += 1
                log.debug("fake Bot API %s → %s %s", method, err.code, err.description)
                return self._error(err)
            self.stats.by_method[method] += 1
            if method in _SEND_METHODS:
                self.stats.sent_ok += 1
                first = result[0] if isinstance(result, list) else result
                self.stats.per_chat[int(first["chat"]["id"])] += 1
            body: JSON = {"ok": True, "result": result}
            if method in ("setWebhook", "deleteWebhook") and isinstance(result, bool):
                body["description"] = self._webhook_description
            return self._response(body)
        finally:
            if not is_poll:
                self._inflight -= 1
                self._last_activity = time.monotonic()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        rec = self._files_by_path.get(request.match_info["path"])
        if rec is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=rec.data, content_type=rec.mime_type or "application/octet-stream")


def _chat_of(params: JSON) -> int | None:
    """The numeric chat a request names, if any (for the record of refusals)."""
    chat = str(params.get("chat_id", ""))
    return int(chat) if chat.lstrip("-").isdigit() else None
