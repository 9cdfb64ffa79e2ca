"""IflytekProtocol driven with literal messages, no network."""

import base64
import json

import pytest

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import Final, Partial, ReplaceRange, SessionEnded
from dictation_app.core.transcript import Transcript
from dictation_app.providers import errors
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_iat import (
    ENDPOINT_CHINA,
    ENDPOINT_INTERNATIONAL,
    ENDPOINT_MINORITY,
    business_parameters,
    endpoint_for,
)
from dictation_app.providers.iflytek_protocol import IflytekProtocol, IflytekState

PCM = bytes(range(256)) * 5  # 1280 bytes


def result(sn, words, status=1, pgs=None, rg=None, **extra):
    res = {"sn": sn, "ls": status == 2, "bg": 0, "ed": 0,
           "ws": [{"bg": 0, "cw": [{"sc": 0, "w": w}]} for w in words], **extra}
    if pgs:
        res["pgs"] = pgs
    if rg:
        res["rg"] = rg
    return json.dumps({"code": 0, "message": "success", "sid": "iat000abc",
                       "data": {"result": res, "status": status}})


def test_first_frame_carries_common_and_business_then_only_data():
    protocol = IflytekProtocol("app123", {"language": "zh_cn", "domain": "iat", "accent": "mandarin"})
    first = json.loads(protocol.send_audio(PCM))
    assert first["common"] == {"app_id": "app123"}
    assert first["business"]["language"] == "zh_cn"
    assert first["data"]["status"] == 0
    assert first["data"]["format"] == "audio/L16;rate=16000"
    assert first["data"]["encoding"] == "raw"
    assert base64.b64decode(first["data"]["audio"]) == PCM
    second = json.loads(protocol.send_audio(PCM))
    assert set(second) == {"data"} and second["data"]["status"] == 1
    end = json.loads(protocol.send_end())
    assert set(end) == {"data"} and end["data"]["status"] == 2
    assert protocol.state is IflytekState.ENDING
    with pytest.raises(RuntimeError):
        protocol.send_audio(PCM)


def test_end_without_audio_still_sends_common_and_business():
    protocol = IflytekProtocol("a", {"language": "en_us"})
    end = json.loads(protocol.send_end())
    assert end["common"] == {"app_id": "a"} and end["data"]["status"] == 2


def test_wpgs_results_become_partials_replacements_then_finals():
    protocol = IflytekProtocol("a", {})
    protocol.send_audio(PCM)
    protocol.receive_message(result(1, ["今", "天"], pgs="apd"))
    protocol.receive_message(result(2, ["今天", "天汽"], pgs="rpl", rg=[1, 1]))
    protocol.receive_message(result(3, ["很好"], pgs="apd"))
    protocol.receive_message(result(4, ["。"], status=2, pgs="apd"))
    events = protocol.events_received()
    assert events[:3] == [
        Partial(1, "今天"), ReplaceRange(1, 1, 2, "今天天汽"), Partial(3, "很好"),
    ]
    assert events[3:] == [Partial(4, "。"), Final(2, "今天天汽"), Final(3, "很好"), Final(4, "。"), SessionEnded()]
    assert protocol.state is IflytekState.DONE
    transcript = Transcript()
    for event in events:
        transcript.apply(event)
    assert transcript.stable_text == "今天天汽很好。"


def test_results_without_pgs_are_final_at_once_and_pick_the_first_candidate():
    protocol = IflytekProtocol("a", {})
    message = json.loads(result(1, ["hello"]))
    message["data"]["result"]["ws"].append({"bg": 0, "cw": [{"w": "world"}, {"w": "word"}]})
    protocol.receive_message(json.dumps(message))
    assert protocol.events_received() == [Final(1, "hello world")]


def test_vinfo_span_becomes_segment_times():
    protocol = IflytekProtocol("a", {})
    protocol.receive_message(result(1, ["April"], vad={"ws": [{"bg": 40, "ed": 366, "eg": 63.58}]}))
    assert protocol.events_received() == [Final(1, "April", 0.4, 3.66)]


@pytest.mark.parametrize(
    ("code", "error_class", "words"),
    [
        (10005, errors.AuthRejected, "APPID"),
        (10313, errors.AuthRejected, "APPID"),
        (11200, errors.QuotaExceeded, "not authorised"),
        (11201, errors.QuotaExceeded, "daily"),
        (10114, errors.SessionLimit, "60-second"),
        (10200, errors.SessionLimit, "10 seconds"),
        (10163, errors.BadRequest, "parameter"),
        (10043, errors.BadRequest, "decode"),
        (99999, errors.ServiceFailed, "99999"),
    ],
)
def test_error_codes_become_specific_errors(code, error_class, words):
    protocol = IflytekProtocol("a", {})
    with pytest.raises(error_class) as caught:
        protocol.receive_message(json.dumps({"code": code, "message": "server words", "sid": "iat1"}))
    assert words in caught.value.message
    assert str(code) in caught.value.message and "iat1" in caught.value.message
    assert caught.value.hint
    assert protocol.state is IflytekState.FAILED


@pytest.mark.parametrize("message", ["{not json", json.dumps({"code": 0, "data": {"result": {"ws": []}}})])
def test_malformed_messages_are_remote_protocol_errors(message):
    protocol = IflytekProtocol("a", {})
    with pytest.raises(errors.RemoteProtocolError):
        protocol.receive_message(message)


def test_business_parameters_defaults_and_options():
    zh = business_parameters(ProviderOptions("zh_cn"))
    assert zh == {"language": "zh_cn", "domain": "iat", "accent": "mandarin", "dwa": "wpgs"}
    en = business_parameters(ProviderOptions("en_us", extra={"vad_eos": 3000, "nbest": 3}))
    assert "dwa" not in en and en["vad_eos"] == 3000 and en["nbest"] == 3
    assert en["vinfo"] == 1, "finals carry their audio span when they cannot be corrected"
    off = business_parameters(ProviderOptions("zh_cn", extra={"dynamic_correction": False, "vinfo": 0}))
    assert "dwa" not in off and off["vinfo"] == 0


@pytest.mark.parametrize(
    "options",
    [
        ProviderOptions("xx_yy"),
        ProviderOptions("zh_cn", extra={"nbest": 9}),
        ProviderOptions("zh_cn", extra={"ptt": 2}),
        ProviderOptions("zh_cn", extra={"bogus": 1}),
        ProviderOptions("zh_cn", extra={"rlang": "zh-tw"}),
    ],
)
def test_bad_options_name_the_key_and_the_allowed_values(options):
    with pytest.raises(ConfigurationError) as caught:
        business_parameters(options)
    assert caught.value.hint


def test_endpoints():
    assert endpoint_for(ProviderOptions("zh_cn")) == ENDPOINT_CHINA
    assert endpoint_for(ProviderOptions("ja_jp")) == ENDPOINT_MINORITY
    assert endpoint_for(ProviderOptions("en_us", extra={"region": "international"})) == ENDPOINT_INTERNATIONAL
    assert endpoint_for(ProviderOptions("zh_cn", endpoint="ws://127.0.0.1:1/v2/iat")) == "ws://127.0.0.1:1/v2/iat"


def test_ist_frames_count_frame_ids_and_send_the_context_back():
    protocol = IflytekProtocol("a", {}, frame_ids=True, context_id="ctx1")
    first = json.loads(protocol.send_audio(PCM))
    assert first["common"] == {"app_id": "a", "context_id": "ctx1"}
    ids = [first["data"]["frame_id"], json.loads(protocol.send_audio(PCM))["data"]["frame_id"],
           json.loads(protocol.send_end())["data"]["frame_id"]]
    assert ids == [1, 2, 3]
    protocol.receive_message(json.dumps({"code": 0, "sid": "s", "context_id": "ctx2", "data": {"status": 1}}))
    assert protocol.context_id == "ctx2"
