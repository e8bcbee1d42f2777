"""Casework's settings plus this folder as an app, so that viewflow can find
``bench/peer_flow.PeerFlow`` (see bench/peer_flow.py). Used only by the
benchmark's peer processes."""

from casework.settings import *  # noqa: F403
from casework.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
