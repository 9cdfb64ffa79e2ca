"""Known-answer vectors from the iFLYTEK iat and ist pages."""

import base64
import urllib.parse

import pytest

from dictation_app.core.errors import ConfigurationError
from dictation_app.providers import iflytek_auth
from dictation_app.providers.iflytek_auth import AuthStyle


def test_iat_page_signature_example():
    assert (
        iflytek_auth.signature(
            "iat-api.xfyun.cn", "Wed, 10 Jul 2019 07:35:43 GMT", "/v2/iat",
            "secretxxxxxxxx2df7900c09xxxxxxxx",
        )
        == "Hp3Ty4ZkSBmL8jKyOLpQiv9Sr5nvmeYEH7WsL/ZO2Jg="
    )


def test_iat_page_authorization_example_matches_the_sample_url():
    sample = (
        "YXBpX2tleT0ia2V5eHh4eHh4eHg4ZWUyNzkzNDg1MTlleHh4eHh4eHgiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2"
        "IiwgaGVhZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHVyZT0iSHAzVHk0WmtTQm1MOGpLeU9M"
        "cFFpdjlTcjVudm1lWUVIN1dzTC9aTzJKZz0i"
    )
    assert iflytek_auth.authorization(
        "keyxxxxxxxx8ee279348519exxxxxxxx", "Hp3Ty4ZkSBmL8jKyOLpQiv9Sr5nvmeYEH7WsL/ZO2Jg="
    ) == sample


def test_ist_page_signature_and_authorization_example():
    signed = iflytek_auth.signature(
        "ist-api-sg.xf-yun.com", "Fri, 25 Feb 2022 03:01:13 GMT", "/v2/ist",
        "e6d4824ba9xxxxxxff2b66f7c6738ead",
    )
    assert signed == "Vcban+QQerK4GVKqGjmx2ZolNtoZUl808/DgrfGB/c8="
    assert iflytek_auth.authorization("4c18179638d2e487b50f3cfd129ffaca", signed) == (
        "YXBpX2tleT0iNGMxODE3OTYzOGQyZTQ4N2I1MGYzY2ZkMTI5ZmZhY2EiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2"
        "IiwgaGVhZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHVyZT0iVmNiYW4rUVFlcks0R1ZLcUdq"
        "bXgyWm9sTnRvWlVsODA4L0RncmZHQi9jOD0i"
    )


def test_hmac_username_style_is_selectable():
    decoded = base64.b64decode(iflytek_auth.authorization("k", "s", AuthStyle.HMAC_USERNAME))
    assert decoded.startswith(b'hmac username="k", algorithm="hmac-sha256"')


def test_signed_url_carries_host_date_and_authorization():
    url = iflytek_auth.signed_url("wss://iat-api.xfyun.cn/v2/iat", "key", "secret", 1562744143)
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    assert query["host"] == ["iat-api.xfyun.cn"]
    assert query["date"] == ["Wed, 10 Jul 2019 07:35:43 GMT"]
    expected = iflytek_auth.signature(
        "iat-api.xfyun.cn", "Wed, 10 Jul 2019 07:35:43 GMT", "/v2/iat", "secret"
    )
    assert expected in base64.b64decode(query["authorization"][0]).decode()


def test_signed_url_keeps_the_port_in_the_host():
    url = iflytek_auth.signed_url("ws://127.0.0.1:8123/v2/iat", "k", "s", 0)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["host"] == ["127.0.0.1:8123"]


@pytest.mark.parametrize("endpoint", ["https://iat-api.xfyun.cn/v2/iat", "iat-api", ""])
def test_signed_url_rejects_non_websocket_endpoints(endpoint):
    with pytest.raises(ConfigurationError):
        iflytek_auth.signed_url(endpoint, "k", "s", 0)


def test_redact_url_hides_the_authorization():
    url = iflytek_auth.signed_url("wss://iat-api.xfyun.cn/v2/iat", "key", "secret", 0)
    redacted = iflytek_auth.redact_url(url)
    assert "authorization=<redacted>&" in redacted
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["authorization"][0] not in redacted
