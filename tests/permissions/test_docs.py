from permissions.docs import DOC_PATH, permissions_markdown
from permissions.roles import ACTIONS, ROLES


def test_the_generated_permissions_page_is_current():
    assert DOC_PATH.read_text(encoding="utf-8") == permissions_markdown(), "run `manage.py permissions_doc`"


def test_the_page_names_every_role_and_action():
    text = permissions_markdown()
    for code in [*ROLES, *ACTIONS]:
        assert f"`{code}`" in text
