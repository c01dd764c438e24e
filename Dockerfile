# syntax=docker/dockerfile:1
# Trợ lý chi bộ — production image. Secrets come from the environment at run time, never the image.
# The base is pinned to a Python patch release on Debian 13 (trixie), whose pg_dump (17) can back
# up compose's PostgreSQL 16; bookworm's (15) cannot.
FROM python:3.11.14-slim-trixie AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Every third-party package, and the build backend, at the version and hash in the lock.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation .

FROM python:3.11.14-slim-trixie
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/chibo.sqlite3
# pg_dump for `chibo db backup` against PostgreSQL. Debian's security updates replace exact
# package versions, so the major version is pinned by name and the release by the base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chibo \
    && useradd --system --uid 10001 --gid chibo --home-dir /home/chibo --create-home chibo \
    && mkdir /data && chown chibo:chibo /data
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /home/chibo
VOLUME ["/data"]
# /healthz on the ops port (process up, database answering, outbox worker looping), asked by the
# image's own Python: the slim image has no curl. The port is not published: this runs inside.
# The start period covers migrations and DATABASE_CONNECT_TIMEOUT (60 s).
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-m", "bot.ops.probe"]
# Applies migrations on start, then long-polls Telegram (webhook mode with WEBHOOK_URL). Set
# TELEGRAM_BOT_TOKEN at run time.
CMD ["chibo", "run"]
