# The shared fixtures live in tests/world.py (registered by tests/conftest.py);
# re-exported for test directories that import them from here.
from tests.world import TODAY, World, user_with, world  # noqa: F401
