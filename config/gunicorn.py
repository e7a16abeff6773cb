"""gunicorn's settings, as the Dockerfile and scripts/load_test.py run it:
``gunicorn -c config/gunicorn.py config.wsgi --bind …``."""

import gc

workers = 3
timeout = 60


def post_worker_init(worker):
    # The modules, URL patterns and settings loaded by now live as long as the
    # worker: kept out of the garbage collector's full passes, which walked
    # them all (77 ms once every ~2000 requests; 4 ms frozen).
    gc.freeze()
