"""Simplified Chinese by default; Traditional Chinese and English through the switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from permissions.roles import STREET_CASEWORKER


@pytest.fixture
def caseworker(client, tree, make_user):
    user = make_user("street.cw", (STREET_CASEWORKER, tree["street"]), display_name="李明")
    client.force_login(user)
    return user


def switch(client, language: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_home_is_in_simplified_chinese_by_default(client, caseworker):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我的待办" in html and "退出登录" in html and "街道（园区）工作人员" in html


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        (
            "en",
            ["My tasks", "Log out", "Street (park) caseworker", "Trade Union Rights and Assistance Platform"],
            ["我的待办"],
        ),
        ("zh-hant", ["我的待辦", "退出登錄", "街道（園區）工作人員", "工會維權幫扶工作平臺"], ["我的待办"]),
    ],
)
def test_switching_language_translates_the_home_page(client, caseworker, language, present, absent):
    response = switch(client, language)
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html
    # The switch shows the chosen language as selected.
    assert f'value="{language}" lang="{language}" selected' in html


def test_switching_back_to_simplified_chinese(client, caseworker):
    switch(client, "en")
    switch(client, "zh-hans")
    html = client.get("/").content.decode()
    assert "我的待办" in html and "My tasks" not in html


def test_language_can_be_chosen_before_login(client, db):
    switch(client, "en", reverse("login"))
    html = client.get(reverse("login")).content.decode()
    assert "Log in with the account your unit opened for you." in html
    assert ">Password<" in html


def test_a_browser_asking_for_traditional_chinese_gets_it(client, caseworker):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert '<html lang="zh-hant">' in html and "我的待辦" in html
