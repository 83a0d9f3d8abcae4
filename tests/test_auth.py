"""Every route of the extension refuses requests without credentials, and without authorization."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketHandler, websocket_connect

from symphony_lab.handlers import AUTH_RESOURCE, handlers

SAMPLE = {"kernel_id": "6f1c0bde-0000-4000-8000-000000000000", "name": "df"}


def concrete(pattern: str) -> str:
    """Fill a route's named groups with sample values."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE[m.group(1)], pattern)


ROUTES = [(concrete(pattern), cls) for pattern, cls in handlers()]
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Every (route, method) the extension serves over HTTP; websockets are walked separately.
CALLS = [
    (path, cls, method.upper())
    for path, cls in ROUTES
    for method in (("get",) if issubclass(cls, WebSocketHandler) else HTTP_METHODS)
    if issubclass(cls, WebSocketHandler) or method in vars(cls)
]


def test_every_route_is_listed():
    assert len(ROUTES) == 9  # with the two routes of pins
    assert len(CALLS) == 9
    assert all(issubclass(cls, WebSocketHandler) or hasattr(cls, "get") for _, cls in ROUTES)
    assert {cls.auth_resource for _, cls in ROUTES} == {AUTH_RESOURCE}


async def _fetch_without_credentials(
    http_server_client: Any, jp_base_url: str, path: str, method: str, headers: dict
) -> int:
    url = f"{jp_base_url.rstrip('/')}{path}"
    body = "{}" if method in ("POST", "PUT", "PATCH") else None
    response = await http_server_client.fetch(url, method=method, body=body, raise_error=False, headers=headers)
    return response.code


@pytest.mark.parametrize("path,cls,method", CALLS, ids=[f"{m} {p}" for p, _, m in CALLS])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "token not-the-token"}], ids=["none", "wrong-token"])
async def test_route_refuses_without_credentials(
    path, cls, method, headers, http_server_client, jp_base_url, jp_http_port
):
    if issubclass(cls, WebSocketHandler):
        url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url.rstrip('/')}{path}"
        with pytest.raises(HTTPClientError) as info:
            await websocket_connect(HTTPRequest(url, headers=headers))
        assert info.value.code == 403
    else:
        code = await _fetch_without_credentials(http_server_client, jp_base_url, path, method, headers)
        assert code == 403


class DenySymphony(Authorizer):
    """Authenticated users may do everything except use symphony_lab."""

    def is_authorized(self, handler, user, action, resource):  # type: ignore[override]
        return resource != AUTH_RESOURCE


@pytest.fixture
def deny_config(jp_server_config):
    jp_server_config.ServerApp.authorizer_class = DenySymphony
    return jp_server_config


@pytest.mark.parametrize("path,cls,method", CALLS, ids=[f"{m} {p}" for p, _, m in CALLS])
async def test_route_requires_authorization(deny_config, path, cls, method, jp_fetch, jp_ws_fetch):
    parts = path.strip("/").split("/")
    with pytest.raises(HTTPClientError) as info:
        if issubclass(cls, WebSocketHandler):
            await jp_ws_fetch(*parts)
        elif method == "POST":
            await jp_fetch(*parts, method="POST", body="{}")
        else:
            await jp_fetch(*parts, method=method)
    assert info.value.code == 403


async def test_authorized_request_is_served(jp_fetch):
    """The same routes with credentials are not refused (a missing kernel is a 404, not a 403)."""
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("symphony-lab", "api", "kernels", SAMPLE["kernel_id"], "catalog")
    assert info.value.code == 404
