FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
COPY scripts/ scripts/
# Pango for WeasyPrint, libharfbuzz-subset0 (fast font subsetting), CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends $(grep -v '^\s*#' scripts/system-packages.txt | grep -v -e chromium -e poppler-utils -e redis-server) \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64) \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput

RUN useradd --system --home /app briefing && mkdir -p /app/media \
    && chown briefing /app/media
USER briefing
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn -c config/gunicorn.py config.wsgi --bind 0.0.0.0:8000"]
