# ARBridge web app and API served by gunicorn. Not built in CI (no Docker engine there).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ARBRIDGE_DATABASE_URL=sqlite:////data/arbridge.db \
    ARBRIDGE_CONNECTIONS=/config/connections.yaml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway gateway
COPY adapters adapters
COPY mappings mappings
COPY rules rules
COPY ui ui
RUN pip install --no-cache-dir . && useradd --create-home arbridge && mkdir -p /data /config \
    && chown arbridge /data
USER arbridge
VOLUME ["/data", "/config"]
EXPOSE 8000

# Apply migrations, then serve. Secrets come from the environment (ARBRIDGE_SECRET_KEY and
# the ${VARS} named in connections.yaml), never from the image.
CMD ["sh", "-c", "arbridge db upgrade && exec gunicorn --bind 0.0.0.0:8000 --workers 2 --threads 4 'gateway.wsgi:app'"]
