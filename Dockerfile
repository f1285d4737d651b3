# Production image: build in one stage, run as a non-root user in the next.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY hub hub
COPY channels channels
COPY workflows workflows
COPY migrations migrations
RUN python -m venv --upgrade-deps /opt/venv && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 hub && mkdir -p /var/lib/hub && chown hub /var/lib/hub
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HUB_DATA_DIR=/var/lib/hub
USER hub
WORKDIR /var/lib/hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrate, then serve: the schema is made only by migrations.
CMD ["sh", "-c", "hub migrate && exec hub serve --host 0.0.0.0 --port 8000 --workers ${HUB_WORKERS:-2}"]
