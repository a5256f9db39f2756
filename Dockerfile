# clientgate: one gateway container. SQLite on /data by default; set CLIENTGATE_DATABASE_URL to
# a postgresql:// URL to share one database between several containers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CLIENTGATE_HOST=0.0.0.0 \
    CLIENTGATE_PORT=8080 \
    CLIENTGATE_DATABASE_URL=sqlite:////data/clientgate.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY dialects ./dialects
COPY gateway ./gateway
COPY openapi ./openapi
RUN pip install --no-cache-dir . && rm -rf /app/* \
    && useradd --system --uid 10001 clientgate && mkdir /data && chown clientgate /data

USER clientgate
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz')"
CMD ["clientgate", "serve"]
