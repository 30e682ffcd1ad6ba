# One image for web, worker and beat; what each runs is chosen by the compose command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
      postgresql-client ffmpeg \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# A lock file with hashes: pip checks every download against it.
RUN pip install --require-hashes -r requirements.txt

COPY . .
# Static files and catalogues are built into the image; the values below exist only for
# this build step (settings refuse to load without them) and are not kept.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compilemessages --ignore=.venv \
 && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home /app portal \
 && mkdir -p /app/media && chown portal /app/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "innovation_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
