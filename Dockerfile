FROM python:3.11-slim

WORKDIR /srv/kanalarkiv
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY api ./api
COPY retention ./retention
COPY kanalarkiv ./kanalarkiv
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /srv/kanalarkiv kanalarkiv \
    && mkdir -p var/keys var/snapshots && chown -R kanalarkiv var && chmod 700 var/keys
USER kanalarkiv

EXPOSE 8000
CMD ["kanalarkiv", "serve", "--host", "0.0.0.0", "--port", "8000"]
