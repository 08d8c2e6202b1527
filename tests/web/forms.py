"""Helpers for tests that fill in the web app's forms: the CSRF token, a form's hidden fields
and logging in through the login form (as a browser would)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def csrf_token(html: str) -> str:
    """The first ``csrf_token`` on a page (any form's token is valid for the session)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "geen csrf_token op de pagina"
    return match.group(1)


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (csrf_token, versie, ...) of the form posting to ``action``."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html,
                     re.S)
    assert form, f"geen formulier voor {action}"
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def log_in(client: TestClient, name: str, password: str, *, next_url: str = "/") -> None:
    """Log ``client`` in through the login form; asserts the redirect that means success."""
    token = csrf_token(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"name": name, "password": password, "csrf_token": token,
                                       "next": next_url}, follow_redirects=False)
    assert r.status_code == 303, r.text
