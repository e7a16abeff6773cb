"""Development: a first run on a laptop, SQLite and the console e-mail backend."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

DEMO_DATA_ALLOWED = True
