from tests.permissions.conftest import user_with, world  # noqa: F401
