"""``dictation-app --toggle/--start/--stop``: forwarded to the running app."""

import asyncio

import pytest

from dictation_app import cli
from dictation_app.desktop.single_instance import InstanceCommand, InstanceServer, default_endpoint


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(("flag", "command"), [("--toggle", InstanceCommand.TOGGLE),
                                               ("--start", InstanceCommand.START),
                                               ("--stop", InstanceCommand.STOP)])
async def test_flag_is_forwarded_to_the_running_app(runtime, flag, command):
    received = []
    async with InstanceServer(received.append, default_endpoint()):
        assert await asyncio.to_thread(cli.main, [flag]) == 0
    assert received == [command]


async def test_plain_launch_shows_the_running_app(runtime):
    received = []
    async with InstanceServer(received.append, default_endpoint()):
        assert await asyncio.to_thread(cli.main, []) == 0
    assert received == [InstanceCommand.SHOW]


def test_stop_without_a_running_app(runtime, capsys):
    assert cli.main(["--stop"]) == 0
    assert "not running" in capsys.readouterr().err


async def test_refusal_is_printed_with_its_hint(runtime, capsys):
    from dictation_app.core.errors import DictationError

    def refuse(command):
        raise DictationError("No microphone is connected.", "Plug one in and try again.")

    async with InstanceServer(refuse, default_endpoint()):
        assert await asyncio.to_thread(cli.main, ["--start"]) == 1
    err = capsys.readouterr().err
    assert "error: No microphone is connected." in err and "Plug one in" in err


def test_flags_exclude_each_other_and_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--toggle", "--stop"])
    with pytest.raises(SystemExit):
        cli.main(["--toggle", "devices"])
    assert "cannot be combined" in capsys.readouterr().err
