"""Login lock-out per (source address, account) pair: wrong passwords from one place never
lock the user out of the right one elsewhere; ``X-Forwarded-For`` counts only behind a proxy
named in the settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.forms import csrf_token
from wijkkompas.web.config import WebConfig, load_web_config

NAME, PASSWORD = "lock-gebruiker", "een-lang-genoeg-wachtwoord"


@pytest.fixture
def make_app(database_url: str, settings) -> Iterator:  # noqa: ANN001
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.web import create_app

    apps = []

    def make(config: WebConfig | None = None):  # noqa: ANN202
        app = create_app(settings, database_url=database_url, config=config or WebConfig())
        if not apps:
            add_user(app.state.ctx.ws, NAME, PASSWORD, role="viewer")
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.state.ctx.ws.close()


def _login(client: TestClient, password: str, headers: dict[str, str] | None = None) -> int:
    token = csrf_token(client.get("/inloggen").text)
    return client.post("/inloggen", data={"name": NAME, "password": password,
                                          "csrf_token": token},
                       headers=headers or {}, follow_redirects=False).status_code


def test_wrong_passwords_lock_only_their_own_source(make_app) -> None:  # noqa: ANN001
    app = make_app()
    attacker = TestClient(app, client=("203.0.113.7", 40000))
    user = TestClient(app, client=("192.0.2.10", 40001))
    assert [_login(attacker, "fout-fout-fout") for _ in range(5)] == [401] * 5
    assert _login(attacker, PASSWORD) == 429  # that pair is locked, even for the right one
    assert _login(user, PASSWORD) == 303  # the user, from her own desk, is not
    # and a success from elsewhere does not unlock the attacker's pair
    assert _login(attacker, PASSWORD) == 429


def test_forwarded_for_is_ignored_without_a_trusted_proxy(make_app) -> None:  # noqa: ANN001
    app = make_app()
    client = TestClient(app, client=("127.0.0.1", 40002))
    codes = [_login(client, "fout-fout-fout", {"X-Forwarded-For": f"198.51.100.{i}"})
             for i in range(5)]
    assert codes == [401] * 5
    # a fresh X-Forwarded-For does not make a fresh source: still the same locked pair
    assert _login(client, PASSWORD, {"X-Forwarded-For": "198.51.100.99"}) == 429


def test_forwarded_for_names_the_source_behind_a_trusted_proxy(make_app) -> None:  # noqa: ANN001
    config = load_web_config({}, trusted_proxies="10.0.0.0/8")
    assert config.trusted_proxies == ("10.0.0.0/8",)
    app = make_app(config)
    proxy = TestClient(app, client=("10.1.2.3", 40003))
    far = {"X-Forwarded-For": "203.0.113.50"}
    assert [_login(proxy, "fout-fout-fout", far) for _ in range(5)] == [401] * 5
    assert _login(proxy, PASSWORD, far) == 429
    # another client behind the same proxy logs in fine (the proxy itself is not locked)
    assert _login(proxy, PASSWORD, {"X-Forwarded-For": "203.0.113.51"}) == 303
    # a chain: the nearest address that is not a trusted proxy is the source
    assert _login(proxy, PASSWORD, {"X-Forwarded-For": "203.0.113.50, 10.9.9.9"}) == 429
    # a client that is not the proxy cannot pick its source with the header
    # (here: claiming to be the locked source changes nothing for it)
    direct = TestClient(app, client=("198.51.100.20", 40004))
    assert _login(direct, PASSWORD, far) == 303


def test_a_wrong_proxy_setting_fails_at_start() -> None:
    from wijkkompas.errors import ConfigError

    with pytest.raises(ConfigError, match="geen IP-adres"):
        load_web_config({"WIJKKOMPAS_TRUSTED_PROXIES": "proxy.gemeente.nl"})
