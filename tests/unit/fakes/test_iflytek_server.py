"""Tests of the fake iFLYTEK server itself, with a tiny hand-written client.

Nothing here imports ``dictation_app``: the fake is checked against the vendor pages'
known-answer vectors and against the protocol as the pages describe it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.fakes.iflytek_auth_check import (
    MSG_CANNOT_VERIFY,
    MSG_CLOCK_SKEW,
    MSG_NO_MATCH,
    MSG_UNAUTHORIZED,
    build_signed_url,
    check_handshake,
    compute_signature,
    decode_authorization,
    format_rfc1123,
    parse_authorization,
    parse_rfc1123,
)
from tests.fakes.iflytek_server import FakeIflytek, Faults, Result, expected_text

API_KEY = "k" * 32
API_SECRET = "s" * 32
APP_ID = "app123"
FRAME = b"\x01\x00" * 640  # 40 ms of 16 kHz 16-bit mono = 1280 bytes
BUSINESS = {"language": "zh_cn", "domain": "iat", "accent": "mandarin"}
IST_BUSINESS = {"language": "zh_cn", "domain": "ist_open", "accent": "mandarin"}


# -- a tiny client ------------------------------------------------------------------------


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode("ascii")


def first_frame(audio: bytes = FRAME, *, business: dict[str, Any] | None = None, app_id: str = APP_ID,
                rate: int = 16000, **data: Any) -> str:
    return json.dumps({
        "common": {"app_id": app_id},
        "business": business if business is not None else BUSINESS,
        "data": {"status": 0, "format": f"audio/L16;rate={rate}", "encoding": "raw", "audio": b64(audio), **data},
    })


def frame(status: int, audio: bytes = FRAME, **data: Any) -> str:
    return json.dumps({"data": {"status": status, "audio": b64(audio), **data}})


def signed(fake: FakeIflytek, **kw: Any) -> str:
    return build_signed_url(fake.url, API_KEY, API_SECRET, **kw)


async def messages(ws: ClientConnection, timeout: float = 2.0) -> AsyncIterator[dict[str, Any]]:
    """Parsed messages until the server closes."""
    try:
        while True:
            async with asyncio.timeout(timeout):
                yield json.loads(await ws.recv())
    except ConnectionClosed:
        return


async def until_final(ws: ClientConnection) -> list[dict[str, Any]]:
    """Parsed messages up to and including the one with data.status 2 or an error code."""
    out: list[dict[str, Any]] = []
    async for msg in messages(ws):
        out.append(msg)
        if msg["code"] != 0 or msg["data"]["status"] == 2:
            break
    return out


def apply_results(results: list[dict[str, Any]]) -> str:
    """The test's own reading of the pages' apd/rpl rules (cw[0] of each ws)."""
    kept: dict[int, str] = {}
    for msg in results:
        r = msg["data"]["result"]
        if r.get("pgs") == "rpl":
            for sn in range(r["rg"][0], r["rg"][1] + 1):
                kept.pop(sn, None)
        kept[r["sn"]] = "".join(w["cw"][0]["w"] for w in r["ws"])
    return "".join(kept[k] for k in sorted(kept))


def fake(**kw: Any) -> FakeIflytek:
    return FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, **kw)


async def error_for(server: FakeIflytek, *frames: str | bytes) -> dict[str, Any]:
    """Send ``frames`` and return the error message the fake answers with."""
    async with connect(signed(server)) as ws:
        for f in frames:
            await ws.send(f)
        async for msg in messages(ws):
            if msg["code"] != 0:
                return msg
    raise AssertionError("no error received")


# -- (a) signing: known-answer vectors from the pages -------------------------------------


def test_iat_page_signature_vector() -> None:
    # iat page, "Rules for Generation of authorization Parameters": request-line GET /v2/iat HTTP/1.1
    sig = compute_signature("secretxxxxxxxx2df7900c09xxxxxxxx", "iat-api.xfyun.cn",
                            "Wed, 10 Jul 2019 07:35:43 GMT", "GET /v2/iat HTTP/1.1")
    assert sig == "Hp3Ty4ZkSBmL8jKyOLpQiv9Sr5nvmeYEH7WsL/ZO2Jg="


def test_ist_page_signature_vector() -> None:
    # ist page: host ist-api-sg.xf-yun.com, request-line GET /v2/ist HTTP/1.1 (path, no query)
    sig = compute_signature("e6d4824ba9xxxxxxff2b66f7c6738ead", "ist-api-sg.xf-yun.com",
                            "Fri, 25 Feb 2022 03:01:13 GMT", "GET /v2/ist HTTP/1.1")
    assert sig == "Vcban+QQerK4GVKqGjmx2ZolNtoZUl808/DgrfGB/c8="


def test_iat_page_example_url_is_accepted_at_its_date() -> None:
    date = "Wed, 10 Jul 2019 07:35:43 GMT"
    query = {
        "host": "iat-api.xfyun.cn",
        "date": date,
        "authorization": "YXBpX2tleT0ia2V5eHh4eHh4eHg4ZWUyNzkzNDg1MTlleHh4eHh4eHgiLCBhbGdvcml0aG09ImhtYWMtc2hh"
        "MjU2IiwgaGVhZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHVyZT0iSHAzVHk0WmtTQm1MOGpLeU9McFFp"
        "djlTcjVudm1lWUVIN1dzTC9aTzJKZz0i",
    }
    kw = {"path": "/v2/iat", "api_secret": "secretxxxxxxxx2df7900c09xxxxxxxx"}
    now = parse_rfc1123(date)
    assert now is not None
    assert check_handshake(query, api_key="keyxxxxxxxx8ee279348519exxxxxxxx", now=now, **kw) is None
    wrong_key = check_handshake(query, api_key="other", now=now, **kw)
    assert wrong_key is not None and (wrong_key.status, wrong_key.message) == (401, MSG_NO_MATCH)
    late = check_handshake(query, api_key="keyxxxxxxxx8ee279348519exxxxxxxx", now=now + 301, **kw)
    assert late is not None and (late.status, late.message) == (403, MSG_CLOCK_SKEW)


def test_ist_page_example_authorization_decodes() -> None:
    parsed = decode_authorization(
        "YXBpX2tleT0iNGMxODE3OTYzOGQyZTQ4N2I1MGYzY2ZkMTI5ZmZhY2EiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2IiwgaGVh"
        "ZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHVyZT0iVmNiYW4rUVFlcks0R1ZLcUdqbXgyWm9sTnRvWlVs"
        "ODA4L0RncmZHQi9jOD0i")
    assert parsed is not None
    assert parsed.api_key == "4c18179638d2e487b50f3cfd129ffaca"
    assert parsed.signature == "Vcban+QQerK4GVKqGjmx2ZolNtoZUl808/DgrfGB/c8="


def test_authorization_forms() -> None:
    # The ist page's sample URL uses the Java example's "hmac username=" form.
    java = decode_authorization(
        "aG1hYyB1c2VybmFtZT0iMTAwSU1FIiwgYWxnb3JpdGhtPSJobWFjLXNoYTI1NiIsIGhlYWRlcnM9Imhvc3QgZGF0ZSBy"
        "ZXF1ZXN0LWxpbmUiLCBzaWduYXR1cmU9IlVSbnk4M3o1elJsNWF1ODl1YXhUL1dGdUtWejZVNkdkWDdDV25SMGdueWc9Ig==")
    assert java is not None and (java.api_key, java.style) == ("100IME", "hmac username")
    compact = parse_authorization('api_key="a",algorithm="hmac-sha256",headers="host date request-line",signature="x"')
    assert compact is not None and compact.api_key == "a"
    assert parse_authorization('api_key="a" algorithm="hmac-sha256"') is None
    assert parse_authorization("not an authorization") is None


def test_rfc1123_dates() -> None:
    assert parse_rfc1123("Tue, 18 Dec 2018 09:08:49 UTC") == parse_rfc1123("Tue, 18 Dec 2018 09:08:49 GMT")
    assert parse_rfc1123("Wed, 10 Jul 2019 07:35:43 GMT") == 1562744143.0
    assert parse_rfc1123("Thu, 10 Jul 2019 07:35:43 GMT") is None  # wrong weekday
    assert parse_rfc1123("2019-07-10T07:35:43Z") is None
    assert format_rfc1123(1562744143.0) == "Wed, 10 Jul 2019 07:35:43 GMT"


# -- (b) handshake refusals -----------------------------------------------------------------


async def refused(url: str) -> tuple[int, dict[str, Any], str | None]:
    with pytest.raises(InvalidStatus) as info:
        async with connect(url):
            pass
    response = info.value.response
    return response.status_code, json.loads(response.body), response.headers.get("Date")


async def test_bad_signature_is_401_with_date() -> None:
    async with fake() as server:
        status, body, date = await refused(build_signed_url(server.url, API_KEY, "wrong" * 6))
        assert (status, body) == (401, {"message": MSG_NO_MATCH})
        assert date is not None and parse_rfc1123(date) is not None
        assert (await refused(server.url))[:2] == (401, {"message": MSG_UNAUTHORIZED})
        garbled = server.url + "?host=h&date=d&authorization=!!!"
        assert (await refused(garbled))[:2] == (401, {"message": MSG_CANNOT_VERIFY})
        assert [s.handshake_status for s in server.sessions] == [401, 401, 401]
        assert server.sessions[0].rejection == MSG_NO_MATCH


async def test_clock_skew_is_403_and_date_shows_the_fake_clock() -> None:
    async with fake(clock_offset=400.0) as server:
        status, body, date = await refused(signed(server))
        assert (status, body) == (403, {"message": MSG_CLOCK_SKEW})
        assert date is not None
        fake_now = parse_rfc1123(date)
        assert fake_now is not None and abs(fake_now - (time.time() + 400)) < 5
        # A client that corrects its clock from the Date header gets in.
        async with connect(signed(server, date=date)) as ws:
            accepted_date = parse_rfc1123(ws.response.headers["Date"])  # 101 is stamped too
        assert server.sessions[-1].accepted
        assert accepted_date is not None and abs(accepted_date - (time.time() + 400)) < 5


async def test_ip_not_allowed_and_hmac_username_form() -> None:
    async with fake(ip_allowed=False) as server:
        assert (await refused(signed(server)))[:2] == (403, {"message": "Your IP address is not allowed"})
    async with fake() as server:
        async with connect(signed(server, style="hmac username")):
            pass
        assert server.sessions[0].accepted


async def test_forced_handshake_status_only_for_first_session() -> None:
    async with fake(faults={0: Faults(reject_handshake_status=403)}) as server:
        assert (await refused(signed(server)))[0] == 403
        async with connect(signed(server)):
            pass
        assert [s.handshake_status for s in server.sessions] == [403, 101]


# -- (c) a full exchange ------------------------------------------------------------------------


async def test_iat_full_exchange_with_wpgs_corrections() -> None:
    script = [
        Result(["今天"], pgs="apd"),
        Result(["今天", "天气"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.08),
        Result(["很好"], pgs="apd", after_audio_seconds=99),  # held until the end marker
    ]
    async with fake(script=script) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame(business={**BUSINESS, "dwa": "wpgs"}))
            for _ in range(3):
                await ws.send(frame(1))
            await ws.send(frame(2, b""))
            results = await until_final(ws)
        record = await server.wait_session(0)
    assert [m["data"]["result"]["sn"] for m in results] == [1, 2, 3]
    assert [m["data"]["status"] for m in results] == [0, 1, 2]
    assert results[-1]["data"]["result"]["ls"] is True
    assert all(m["sid"] == record.sid for m in results)
    assert apply_results(results) == expected_text(script) == "今天天气很好"
    assert record.statuses == [0, 1, 1, 1, 2]
    assert record.audio_bytes == 4 * 1280 and record.audio_seconds == pytest.approx(0.16)
    assert record.business == {**BUSINESS, "dwa": "wpgs"} and record.common == {"app_id": APP_ID}
    assert (record.client_close_code, record.closed_by, record.error) == (1000, "client", None)
    assert len(record.intervals) == 4


async def test_results_wait_for_their_audio() -> None:
    async with fake(script=[Result(["a"], after_audio_seconds=0.08)]) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.1)
            await ws.send(frame(1))
            msg = json.loads(await ws.recv())
    assert (msg["data"]["result"]["sn"], msg["data"]["status"], msg["data"]["result"]["ls"]) == (1, 0, False)


async def test_without_wpgs_no_pgs_and_empty_script_sends_empty_final() -> None:
    async with fake(script={1: [Result(["hello"]), Result([" world"], pgs="rpl", rg=(1, 1))]}) as server:
        for _ in range(2):
            async with connect(signed(server)) as ws:
                await ws.send(first_frame())
                await ws.send(frame(2, b""))
                results = await until_final(ws)
        first, second = server.sessions
    assert first.results[-1]["data"] == {
        "result": {"bg": 0, "ed": 0, "ls": True, "sn": 1, "ws": []}, "status": 2}
    assert all("pgs" not in m["data"]["result"] for m in results)
    assert apply_results(results) == expected_text(server.script_for(1), wpgs=False) == "hello world"
    assert expected_text(server.script_for(1)) == " world"


async def test_vinfo_and_candidate_shapes() -> None:
    script = [Result(["打电话给", ("梁玉生", "梁玉升")], after_audio_seconds=99)]
    async with fake(script=script) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame(business={**BUSINESS, "vinfo": 1, "nbest": 3}))
            await ws.send(frame(2))
            (msg,) = await until_final(ws)
    result = msg["data"]["result"]
    assert result["vad"]["ws"][0]["bg"] == 0 and result["vad"]["ws"][0]["ed"] == 8
    assert [c["w"] for c in result["ws"][1]["cw"]] == ["梁玉生", "梁玉升"]
    async with fake(script=script) as server:  # without nbest/wbest: one candidate, no vad
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2))
            (msg,) = await until_final(ws)
    assert [len(w["cw"]) for w in msg["data"]["result"]["ws"]] == [1, 1]
    assert "vad" not in msg["data"]["result"]


async def test_server_closes_if_client_does_not() -> None:
    async with fake(final_close_timeout=0.1) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2, b""))
            await until_final(ws)
            await ws.wait_closed()
        record = await server.wait_session(0)
    assert (record.closed_by, record.client_close_code) == ("server", 1000)


# -- protocol errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        (["{not json"], 10160),
        ([b"binary frames are not JSON text"], 10160),
        ([json.dumps({"common": {"app_id": APP_ID}, "business": BUSINESS,
                      "data": {"status": 0, "format": "audio/L16;rate=16000", "encoding": "raw",
                               "audio": "@@@"}})], 10161),
        ([first_frame(b"\x00" * 1000)], 10163),
        ([first_frame(), first_frame()], 10163),
        ([first_frame(), frame(0)], 10163),
        ([first_frame(business={"language": "zh_cn", "domain": "iat"})], 10163),
        ([json.dumps({"business": BUSINESS, "data": {"status": 0}})], 10163),
        ([first_frame(app_id="")], 10313),
        ([first_frame(app_id="someone-else")], 10005),
        ([first_frame(rate=44100)], 10007),
        ([frame(1)], 10163),
    ],
)
async def test_iat_frame_errors(frames: list[str | bytes], code: int) -> None:
    async with fake() as server:
        msg = await error_for(server, *frames)
        record = await server.wait_session(0)
    assert msg["code"] == code and msg["sid"] == record.sid
    assert record.error == {"code": code, "message": msg["message"]}
    assert record.closed_by == "server"


async def test_error_messages_are_documented_text() -> None:
    async with fake() as server:
        msg = await error_for(server, json.dumps({"business": BUSINESS, "data": {"status": 0}}))
    assert msg["message"] == "param validate error:/common 'app_id' param is required"
    async with fake() as server:
        msg = await error_for(server, first_frame(b"\x00" * 1000))
    assert "1000 bytes" in msg["message"] and "1280" in msg["message"]


async def test_data_after_end_marker_is_10101() -> None:
    async with fake() as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2, b""))
            await until_final(ws)
            await ws.send(frame(1))
            errors = [m async for m in messages(ws) if m["code"] != 0]
    assert [e["code"] for e in errors] == [10101]


async def test_session_length_limit_is_10114() -> None:
    async with fake(max_audio_seconds=0.1) as server:
        msg = await error_for(server, first_frame(), frame(1), frame(1))
    assert (msg["code"], msg["message"]) == (10114, "session timeout")
    assert server.sessions[0].statuses == [0, 1, 1]


async def test_idle_timeout_is_10200() -> None:
    async with fake(idle_timeout=0.1) as server:
        msg = await error_for(server, first_frame())
    assert (msg["code"], msg["message"]) == (10200, "read data timeout")


async def test_pacing_rules() -> None:
    async with fake(max_ahead_seconds=0.05) as server:
        msg = await error_for(server, first_frame(), frame(1), frame(1), frame(1))
    assert msg["code"] == 10163 and "ahead of real time" in msg["message"]
    async with fake(min_interval=0.02) as server:
        msg = await error_for(server, first_frame(), frame(1))
    assert msg["code"] == 10163 and "apart" in msg["message"]
    async with fake(max_ahead_seconds=0.05) as server:  # a paced client passes
        async with connect(signed(server)) as ws:
            start = time.monotonic()
            await ws.send(first_frame())
            for k in range(1, 4):
                await asyncio.sleep(max(0.0, start + 0.04 * k - time.monotonic()))
                await ws.send(frame(1 if k < 3 else 2))
            results = await until_final(ws)
    assert results[-1]["code"] == 0


# -- (d) faults ---------------------------------------------------------------------------------


async def test_drop_fault_closes_without_close_frame() -> None:
    async with fake(faults=Faults(drop_after_audio_seconds=0.08)) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(1))
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            assert ws.close_code == 1006
        record = await server.wait_session(0)
    assert (record.faults_fired, record.closed_by) == (["drop"], "abort")


async def test_stall_fault_keeps_socket_open_silently() -> None:
    async with fake(script=[Result(["x"])], faults=Faults(stall_after_audio_seconds=0.0)) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2))
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.2)
            await ws.ping()  # still alive
        record = await server.wait_session(0)
    assert record.faults_fired == ["stall"] and record.results == []
    assert record.statuses == [0, 2] and record.closed_by == "client"


async def test_malformed_fault_sends_non_json_then_carries_on() -> None:
    async with fake(script=[Result(["a"]), Result(["b"], after_audio_seconds=99)],
                    faults=Faults(malformed_after_results=1)) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2, b""))
            raw = [await ws.recv() for _ in range(3)]
    with pytest.raises(ValueError):
        json.loads(raw[1])
    assert json.loads(raw[2])["data"]["status"] == 2


async def test_error_code_fault() -> None:
    async with fake(faults=Faults(error_code_after_audio_seconds=(0.08, 10114))) as server:
        msg = await error_for(server, first_frame(), frame(1), frame(1))
    assert (msg["code"], msg["message"]) == (10114, "session timeout")
    assert server.sessions[0].statuses == [0, 1]


async def test_split_message_fault() -> None:
    async with fake(script=[Result(["拆分"])], faults=Faults(split_message=1)) as server:
        async with connect(signed(server)) as ws:
            await ws.send(first_frame())
            await ws.send(frame(2, b""))
            parts = [await ws.recv() for _ in range(2)]
    assert all(isinstance(p, str) for p in parts)
    with pytest.raises(ValueError):
        json.loads(parts[0])
    assert json.loads(parts[0] + parts[1])["data"]["result"]["ws"][0]["cw"][0]["w"] == "拆分"


# -- ist mode ----------------------------------------------------------------------------------


async def test_ist_exchange_frame_ids_and_context_id() -> None:
    script = [Result(["Hello"], pgs="apd"), Result(["Great"], pgs="rpl", rg=(1, 1), after_audio_seconds=99)]
    async with fake(service="ist", script=script) as server:
        assert server.url.endswith("/v2/ist")
        async with connect(signed(server)) as ws:
            await ws.send(first_frame(business={**IST_BUSINESS, "dwa": "wpgs"}, frame_id=1))
            await ws.send(frame(1, frame_id=2))
            await ws.send(frame(2, b"", frame_id=3))
            results = await until_final(ws)
        first = await server.wait_session(0)
        async with connect(signed(server)) as ws:  # a new dictation naming the same context
            await ws.send(first_frame(business={**IST_BUSINESS, "context_id": first.context_id}, frame_id=1))
            await ws.send(frame(2, b"", frame_id=2))
            again = await until_final(ws)
        second = await server.wait_session(1)
    assert [m["data"]["status"] for m in results] == [1, 2]
    assert {m["context_id"] for m in results} == {first.context_id}
    assert apply_results(results) == expected_text(script) == "Great"
    assert {m["context_id"] for m in again} == {first.context_id}
    assert second.context_id_source == "business" and first.context_id_source is None


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        ([first_frame(business=IST_BUSINESS, frame_id=1), frame(1, frame_id=3)], 10163),
        ([first_frame(business=IST_BUSINESS, frame_id=2)], 10163),
        ([first_frame(business=IST_BUSINESS)], 10163),
        ([first_frame(business={**IST_BUSINESS, "domain": "iat"}, frame_id=1)], 10163),
        ([first_frame(business={**IST_BUSINESS, "language": "en_us", "domain": "sms_ed_open"}, frame_id=1)], 10163),
        ([first_frame(business=IST_BUSINESS, rate=8000, frame_id=1)], 10007),
        ([first_frame(business=IST_BUSINESS, app_id="x", frame_id=1)], 10313),
    ],
)
async def test_ist_frame_errors(frames: list[str], code: int) -> None:
    async with fake(service="ist") as server:
        msg = await error_for(server, *frames)
    assert msg["code"] == code and "context_id" in msg


def test_script_validation() -> None:
    with pytest.raises(ValueError):
        Result(["x"], pgs="rpl")
    with pytest.raises(ValueError):
        fake(script=[Result(["x"], pgs="rpl", rg=(1, 1))])
