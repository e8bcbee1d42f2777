"""Casework's settings plus this folder as an app, so that viewflow can find
``bench/peer_flow.PeerFlow`` (see bench/peer_flow.py). Used only by the
benchmark's peer processes. Its pages are viewflow's own (``bench.peer_urls``),
rendered with viewflow's templates, not Casework's."""

from casework.settings import *  # noqa: F403
from casework.settings import INSTALLED_APPS, TEMPLATES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.peer_urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": []}]
