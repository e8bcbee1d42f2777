"""Signing in and out, and what an anonymous visitor may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.helpers import PASSWORD


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_login_page_offers_the_language_switch_before_login(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{reverse("set_language")}"' in html
    for code in ("zh-hans", "zh-hant", "en"):
        assert f'value="{code}"' in html
    # No name, roles or logout button for someone not signed in.
    assert reverse("logout") not in html


def test_login_with_the_right_password_reaches_home(client, make_user):
    make_user("chair", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "chair", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.context["user"].username == "chair"


def test_login_with_a_wrong_password_stays_on_the_form(client, make_user):
    make_user("chair", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "chair", "password": "wrong-password"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert client.get("/").status_code == 302


def test_signed_in_user_opening_login_goes_home(client, make_user):
    client.force_login(make_user("chair"))
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_is_a_post_form_and_ends_the_session(client, make_user):
    client.force_login(make_user("chair"))
    html = client.get("/").content.decode()
    assert f'method="post" action="{reverse("logout")}"' in html
    # Django 5 refuses logout by GET (a link could sign anyone out).
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_use_our_stylesheet_and_no_outside_resources(client, make_user, path):
    if path == "/":
        client.force_login(make_user("chair"))
    html = client.get(path).content.decode()
    assert "css/casework.css" in html
    assert "http://" not in html and "https://" not in html
