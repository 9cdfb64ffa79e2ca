"""Running tools: output back, and errors that name the action."""

import sys

import pytest

from dictation_app.desktop.tools import ToolFailed, run_tool


async def test_output_comes_back():
    assert await run_tool([sys.executable, "-c", "print('hi')"], action="say hi") == b"hi\n"


async def test_failure_names_action_tool_and_reason():
    with pytest.raises(ToolFailed) as caught:
        await run_tool([sys.executable, "-c", "import sys; sys.exit('no display')"], action="paste the text",
                       hint="Install it.")
    assert caught.value.message.startswith("Could not paste the text:")
    assert "no display" in caught.value.message and caught.value.hint == "Install it."


async def test_missing_tool():
    with pytest.raises(ToolFailed, match="is not installed"):
        await run_tool(["no-such-tool-here"], action="type")


async def test_timeout():
    with pytest.raises(ToolFailed, match=r"did not finish within 0\.2 s"):
        await run_tool([sys.executable, "-c", "import time; time.sleep(5)"], action="wait", timeout=0.2)
