"""The API v1 client: ETags, token, paging, and readable failures (httpx MockTransport)."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable

import certifi
import httpx
import pytest
from cmwall.sync.client import StoreClient, StoreContractError, StoreRejected, StoreUnreachable, _tls_context

from .store_fakes import CATALOG, observation


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> StoreClient:
    return StoreClient("http://store.test", token="s3cret", transport=httpx.MockTransport(handler))


def test_catalog_is_validated_and_etag_gives_304() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, json=CATALOG, headers={"ETag": '"v1"'})

    client = client_for(handler)
    first = client.get_catalog()
    assert first.doc is not None and first.doc.kpis[0].code == "PMJAY.CARDS"
    assert first.doc.entity("438").local_name == "અમદાવાદ"  # type: ignore[union-attr]
    second = client.get_catalog(first.etag)
    assert second.not_modified and second.etag == '"v1"'
    assert seen[0].headers["Authorization"] == "Bearer s3cret"
    assert "If-None-Match" not in seen[0].headers


def test_observation_pages_follow_the_cursor_until_no_more() -> None:
    pages = {
        None: {"cursor": "2", "more": True, "observations": [observation("438", 82.4), observation("439", None)]},
        "2": {"cursor": "3", "more": False, "observations": [observation("438", 83.0)]},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("since")])

    got = list(client_for(handler).iter_observation_pages())
    assert [p.cursor for p in got] == ["2", "3"]
    assert [o.value for p in got for o in p.observations] == [82.4, None, 83.0]


def test_ranking_404_means_no_ranking_not_a_failure() -> None:
    client = client_for(lambda request: httpx.Response(404, json={"error": "no ranking"}))
    assert client.get_ranking() is None


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (httpx.Response(500), StoreRejected, "HTTP 500"),
        (httpx.Response(401), StoreRejected, "HTTP 401"),
        (httpx.Response(200, content=b"<html>proxy login</html>"), StoreContractError, "not JSON"),
        (httpx.Response(200, json={**CATALOG, "kpis": [{"code": "X"}]}), StoreContractError, "kpis.0.name"),
    ],
)
def test_failures_are_one_readable_line(response: httpx.Response, error: type, text: str) -> None:
    with pytest.raises(error) as caught:
        client_for(lambda request: response).get_catalog()
    message = str(caught.value)
    assert text in message and "\n" not in message
    assert "s3cret" not in message


def test_unreachable_store_is_reported_as_such() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(StoreUnreachable, match="cannot connect"):
        client_for(handler).get_catalog()


def test_bad_observation_in_a_page_is_set_aside_alone() -> None:
    body = {"cursor": "9", "more": False,
            "observations": [observation("438", 1.0), {**observation("439", 2.0), "period": "Oct 2026"}]}
    client = client_for(lambda request: httpx.Response(200, content=json.dumps(body)))
    page = client.get_observations(None)
    assert [o.entity for o in page.observations] == ["438"] and page.cursor == "9"
    assert [(r.entity, r.reason.split(":")[0]) for r in page.rejected] == [("439", "observations.1")]
    assert "period" in page.rejected[0].reason


def test_a_broken_envelope_still_refuses_the_page() -> None:
    body = {"cursor": None, "more": False, "observations": [observation("438", 1.0)]}
    client = client_for(lambda request: httpx.Response(200, content=json.dumps(body)))
    with pytest.raises(StoreContractError, match="cursor"):
        client.get_observations(None)


def test_tls_is_verified_and_a_plain_http_store_holds_no_ca_bundle() -> None:
    """An https store is verified with the default trust (or a given CA bundle); a plain-HTTP
    store never opens TLS (no redirect is followed), so its client holds a context that still
    verifies but trusts no one, rather than the whole CA bundle for the wall's life."""
    assert _tls_context("https://store.example/api", True) is True
    assert _tls_context("https://store.example/api", False) is False  # the operator's explicit choice
    plain = _tls_context("http://127.0.0.1:8080", True)
    assert isinstance(plain, ssl.SSLContext)
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname
    assert plain.get_ca_certs() == [] and plain.cert_store_stats()["x509_ca"] == 0
    bundle = ssl.create_default_context(cafile=certifi.where())  # httpx's default trust
    assert bundle.cert_store_stats()["x509_ca"] > 100  # what it no longer holds
