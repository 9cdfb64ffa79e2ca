"""Single instance: a later launch forwards its command to the running one."""

import asyncio
import json
import os
import socket
import stat

import pytest

from dictation_app.desktop.errors import AlreadyRunning, InstanceError
from dictation_app.desktop.single_instance import (
    PROTOCOL_VERSION,
    Endpoint,
    InstanceCommand,
    InstanceServer,
    command_from_args,
    default_endpoint,
    send_to_running,
)


@pytest.fixture(params=["unix", "tcp"])
def endpoint(request, tmp_path):
    """A private endpoint of each transport (TCP with a token file is what
    Windows uses; it runs here too)."""
    if request.param == "unix":
        return Endpoint("unix", tmp_path / "instance.sock", tmp_path / "instance.lock")
    return Endpoint("tcp", tmp_path / "instance.json", tmp_path / "instance.lock")


async def send(args, endpoint, timeout=3.0):
    # send_to_running blocks (it is for the command line): run it beside the loop.
    return await asyncio.to_thread(send_to_running, args, endpoint, timeout)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["--toggle"], InstanceCommand.TOGGLE),
        (["--start"], InstanceCommand.START),
        (["--stop"], InstanceCommand.STOP),
        ([], InstanceCommand.SHOW),
        (["show"], InstanceCommand.SHOW),
    ],
)
async def test_second_instance_forwards_its_command(endpoint, args, command):
    received = []
    async with InstanceServer(received.append, endpoint):
        assert await send(args, endpoint) is True
    assert received == [command]
    assert command.args == (args if args != ["show"] else [])


async def test_no_running_instance(endpoint):
    assert await send(["--toggle"], endpoint) is False


async def test_stale_socket_is_removed(endpoint):
    if endpoint.transport == "unix":
        stale = socket.socket(socket.AF_UNIX)
        stale.bind(str(endpoint.address))  # bound but never listening: a crashed instance
        stale.close()
    else:
        endpoint.address.write_text(json.dumps({"port": _closed_port(), "token": "x"}))
    assert endpoint.address.exists()
    assert await send(["--toggle"], endpoint) is False
    assert not endpoint.address.exists()


async def test_stale_socket_is_replaced_by_a_new_server(endpoint):
    endpoint.address.write_text("left by a crash")
    received = []
    async with InstanceServer(received.append, endpoint):
        assert await send(["--stop"], endpoint) is True
    assert received == [InstanceCommand.STOP]
    assert not endpoint.address.exists()


async def test_only_one_server(endpoint):
    async with InstanceServer(lambda command: None, endpoint):
        with pytest.raises(AlreadyRunning):
            await InstanceServer(lambda command: None, endpoint).start()
        assert await send(["--toggle"], endpoint) is True  # the first still answers


async def test_non_responding_server_is_reported(tmp_path):
    endpoint = Endpoint("unix", tmp_path / "instance.sock", tmp_path / "instance.lock")
    stuck = socket.socket(socket.AF_UNIX)
    stuck.bind(str(endpoint.address))
    stuck.listen()  # accepts connections into the backlog, never answers
    try:
        with pytest.raises(InstanceError) as caught:
            await send(["--toggle"], endpoint, timeout=0.3)
    finally:
        stuck.close()
    assert "Sending --toggle to the running dictation-app failed" in caught.value.message
    assert "did not answer within 0.3 s" in caught.value.message
    assert "tray" in caught.value.hint


async def test_handler_error_goes_back_to_the_sender(endpoint):
    from dictation_app.core.errors import DictationError

    def refuse(command):
        raise DictationError("No microphone.", "Plug one in.")

    async with InstanceServer(refuse, endpoint):
        with pytest.raises(InstanceError) as caught:
            await send(["--start"], endpoint)
    assert (caught.value.message, caught.value.hint) == ("No microphone.", "Plug one in.")


async def test_unknown_command_and_wrong_version_are_refused(tmp_path):
    endpoint = Endpoint("unix", tmp_path / "instance.sock", tmp_path / "instance.lock")
    async with InstanceServer(lambda command: None, endpoint):
        with pytest.raises(InstanceError, match="does not understand '--explode'"):
            await send(["--explode"], endpoint)
        reader, writer = await asyncio.open_unix_connection(str(endpoint.address))
        writer.write(json.dumps({"version": PROTOCOL_VERSION + 1, "args": []}).encode() + b"\n")
        answer = json.loads(await reader.readline())
        writer.close()
    assert answer["ok"] is False
    assert f"protocol {PROTOCOL_VERSION}, not {PROTOCOL_VERSION + 1}" in answer["error"]


async def test_tcp_token_is_checked(tmp_path):
    endpoint = Endpoint("tcp", tmp_path / "instance.json", tmp_path / "instance.lock")
    async with InstanceServer(lambda command: None, endpoint):
        port = json.loads(endpoint.address.read_text())["port"]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(json.dumps({"version": PROTOCOL_VERSION, "args": ["--toggle"], "token": "guess"}).encode() + b"\n")
        answer = json.loads(await reader.readline())
        writer.close()
    assert answer["ok"] is False and "token" in answer["error"]


def test_command_from_args_rejects_the_unknown():
    with pytest.raises(InstanceError):
        command_from_args(["--show"])
    with pytest.raises(InstanceError):
        command_from_args(["--toggle", "--stop"])


def test_default_endpoint_is_private(tmp_path):
    runtime = tmp_path / "run"
    endpoint = default_endpoint({"XDG_RUNTIME_DIR": str(runtime)}, "linux")
    assert endpoint.address == runtime / "dictation-app" / "instance.sock"
    assert stat.S_IMODE(os.stat(endpoint.address.parent).st_mode) == 0o700


def test_default_endpoint_refuses_a_directory_open_to_others(tmp_path):
    directory = tmp_path / "dictation-app"
    directory.mkdir(mode=0o777)
    os.chmod(directory, 0o777)
    with pytest.raises(InstanceError, match="open to others"):
        default_endpoint({"XDG_RUNTIME_DIR": str(tmp_path)}, "linux")


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
