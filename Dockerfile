# syntax=docker/dockerfile:1
# Trợ lý chi bộ — production image. Secrets come from the environment at run time, never the image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/chibo.sqlite3
RUN groupadd --system --gid 10001 chibo \
    && useradd --system --uid 10001 --gid chibo --home-dir /home/chibo --create-home chibo \
    && mkdir /data && chown chibo:chibo /data
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /home/chibo
VOLUME ["/data"]
# Applies migrations on start, then long-polls Telegram. Set TELEGRAM_BOT_TOKEN at run time.
CMD ["chibo", "run"]
