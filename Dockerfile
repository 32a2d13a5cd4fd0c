# Connector Hub: one image for the web (gunicorn), workers and beat; compose.yaml runs it.
# Build stage: the virtualenv, with pip and its caches left behind.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# Runtime stage: the virtualenv, the code, collected static files; runs as an unprivileged user.
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    CONNECTOR_HUB_PRODUCTION=true \
    CONNECTOR_HUB_VAR_DIR=/var/lib/connector-hub \
    CONNECTOR_HUB_MEDIA_ROOT=/var/lib/connector-hub/media \
    CONNECTOR_HUB_STATIC_ROOT=/app/staticfiles \
    PORT=8000
RUN groupadd --system --gid 10001 hub \
    && useradd --system --uid 10001 --gid hub --home-dir /app --no-create-home hub \
    && mkdir -p /var/lib/connector-hub/media \
    && chown -R hub:hub /var/lib/connector-hub
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py ./
COPY api ./api
COPY config ./config
COPY tenancy ./tenancy
COPY registry ./registry
COPY connectors ./connectors
COPY syncs ./syncs
COPY ops ./ops
COPY audit ./audit
COPY webhooks ./webhooks
COPY templates ./templates
COPY static ./static
# Hashed, compressed static files for WhiteNoise. The values below exist only for this command:
# the settings refuse to start in production without real ones, which come from the environment.
RUN SECRET_KEY=collectstatic-only CONNECTOR_HUB_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LWNvbGxlY3RzdGF0aWM= \
    ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    CELERY_BROKER_URL=redis://localhost:6379/0 CONNECTOR_HUB_VAR_DIR=/tmp/collectstatic \
    python manage.py collectstatic --noinput -v0 \
    && rm -rf /tmp/collectstatic /tmp/collectstatic.sqlite3 \
    && python -m compileall -q api config connectors syncs ops audit webhooks
USER hub
VOLUME ["/var/lib/connector-hub"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
