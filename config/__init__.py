# Celery finds its application here (celery -A config) and tasks use it.
from .celery import app as celery_app

__all__ = ["celery_app"]
