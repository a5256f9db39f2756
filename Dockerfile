# clientgate: one gateway container. SQLite on /data by default; set CLIENTGATE_DATABASE_URL to
# a postgresql:// URL to share one database between several containers.
#
# Dependencies come from requirements.lock (every version pinned, every file hash-checked);
# the runtime stage holds the virtual environment only, and runs as an unprivileged user.
# PYTHON_IMAGE names the base (any image with python3 and its venv module, such as a Debian
# one built with debootstrap where registries are out of reach).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
# Behind a proxy: --build-arg PIP_INDEX_URL=... and/or PIP_CERT=<a CA bundle mounted into the
# build>; neither reaches the runtime stage.
ARG PIP_INDEX_URL
ARG PIP_CERT
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
RUN python3 -m venv /opt/clientgate \
    && /opt/clientgate/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY core ./core
COPY dialects ./dialects
COPY gateway ./gateway
COPY openapi ./openapi
RUN /opt/clientgate/bin/pip install --no-deps . \
    && /opt/clientgate/bin/clientgate --version

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/clientgate/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CLIENTGATE_HOST=0.0.0.0 \
    CLIENTGATE_PORT=8080 \
    CLIENTGATE_DATABASE_URL=sqlite:////data/clientgate.db
COPY --from=build /opt/clientgate /opt/clientgate
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin clientgate \
    && mkdir -p /data && chown clientgate /data
USER clientgate
WORKDIR /data
VOLUME /data
EXPOSE 8080
# Liveness on the port the gateway was given (CLIENTGATE_PORT), not readiness: restarting the
# container does not bring a database back. Exec form: no shell in between.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-m", "gateway.healthcheck"]
CMD ["clientgate", "serve"]
