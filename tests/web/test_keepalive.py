"""An error is a normal answer: the server keeps the connection open after a 500.

Before, Starlette's ``ServerErrorMiddleware`` sent the 500 page and re-raised the exception;
uvicorn then closed the kept-alive connection (issue 18). This runs a real uvicorn on the
loopback interface and counts the TCP connections httpx opens for several requests.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from wijkkompas.settings import load_settings


@pytest.fixture(scope="module")
def failing_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[str]:
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("keepalive")),
                             user="tester")
    app: FastAPI = create_app(settings, database_url=demo_url)

    def broken() -> None:
        raise RuntimeError("kapot met opzet")

    app.add_api_route("/kapot", broken)
    app.add_api_route("/api/v1/kapot", broken)
    config = uvicorn.Config(app, host="127.0.0.1",
                            port=int(os.environ.get("WIJKKOMPAS_TEST_PORT", "0")),
                            log_level="critical", lifespan="off", timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_connection_survives_a_500(failing_server: str) -> None:
    connects: list[str] = []

    def trace(event: str, _info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            connects.append(event)

    with httpx.Client(base_url=failing_server, timeout=30) as client:
        statuses = []
        for path in ("/data", "/kapot", "/api/v1/kapot", "/data", "/bestaat-niet", "/data"):
            response = client.get(path, extensions={"trace": trace})
            statuses.append(response.status_code)
            if path.endswith("kapot"):
                assert response.headers.get("connection", "").lower() != "close"
                # The 500 still passes the security middleware.
                assert response.headers["x-content-type-options"] == "nosniff"
    assert statuses == [200, 500, 500, 200, 404, 200]
    assert len(connects) == 1, f"{len(connects)} TCP connections for 6 requests"


def test_500_keeps_the_one_error_shape(failing_server: str) -> None:
    with httpx.Client(base_url=failing_server, timeout=30) as client:
        api = client.get("/api/v1/kapot")
        assert api.json()["error"]["type"] == "InternalError"
        assert "kapot met opzet" not in api.text  # no internals leak
        page = client.get("/kapot")
        assert page.status_code == 500 and "<html" in page.text
        assert "Traceback" not in page.text
