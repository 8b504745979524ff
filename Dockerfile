# The dangpt image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# WeasyPrint (letters, the runner's record as PDF) needs Pango and a font.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 dangpt
# ffmpeg/ffprobe: the worker makes a poster and a browser-safe MP4 of each uploaded video.
# gettext: msgfmt compiles the Spanish catalogues at build time.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg gettext \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt ./
COPY dangpt ./dangpt
COPY patients ./patients
COPY assessments ./assessments
COPY programs ./programs
RUN pip install --no-cache-dir -c constraints.txt .
COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic needs settings that load; the values here are for this build step only.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-xyz ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build EMAIL_URL=console:// \
    MFA_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtYnVpbGQtb24= \
    sh -c 'python manage.py collectstatic --no-input && python manage.py compilemessages --ignore=.venv' 

# The attachments volume is mounted here: owned by the app's user, readable by no one else.
RUN mkdir -p /app/.data/attachments && chown -R dangpt /app/.data && chmod 700 /app/.data/attachments
USER dangpt
EXPOSE 8000
CMD ["gunicorn", "dangpt.wiring.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "8", "--access-logfile", "-", "--logger-class", "dangpt.wiring.gunicorn_logging.RedactingLogger"]
