"""StableTextDelivery: only new stable text goes out, joined to what went
before; undo removes the last dictation."""

import asyncio

import pytest

from dictation_app.core.delivery import JoinRules
from dictation_app.desktop.delivery import StableTextDelivery
from dictation_app.desktop.errors import DeliveryError
from dictation_app.desktop.x11_focus import FocusedWindow


class FakeField:
    """A text field with the focus: deliveries append, BackSpace removes."""

    def __init__(self):
        self.text = ""
        self.window = FocusedWindow(1, ("target", "Target"))
        self.deliveries = []
        self.fail_next = False

    async def deliver(self, text):
        await asyncio.sleep(0)  # a real delivery takes a while
        if self.fail_next:
            self.fail_next = False
            raise DeliveryError("Could not paste.", "Try again.")
        self.deliveries.append(text)
        self.text += text

    async def backspace(self, count):
        self.text = self.text[: len(self.text) - count]

    async def focused_window(self):
        return self.window


async def test_only_new_stable_text_is_delivered():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    for stable in ("", "Hello", "Hello", "Hello world,", "Hello world, how are you?"):
        delivery.offer(stable)
    await delivery.drain()
    assert field.deliveries == ["Hello", " world,", " how are you?"]
    assert field.text == "Hello world, how are you?"


async def test_chinese_arrives_intact_and_unspaced():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("你好，")
    delivery.offer("你好，世界。")
    await delivery.drain()
    assert field.text == "你好，世界。"


async def test_next_dictation_joins_with_space_and_capital():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("It works.")
    await delivery.drain()
    delivery.begin()
    delivery.offer("très bien")
    await delivery.drain()
    assert field.text == "It works. Très bien"
    delivery.begin()
    delivery.offer("你好")
    await delivery.drain()
    assert field.text == "It works. Très bien你好"


async def test_no_join_after_the_focus_moved():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("First.")
    await delivery.drain()
    field.window = FocusedWindow(2, ("other", "Other"))
    delivery.begin()
    delivery.offer("second")
    await delivery.drain()
    assert field.deliveries == ["First.", "second"]


async def test_join_rules_are_configurable():
    field = FakeField()
    delivery = StableTextDelivery(field, JoinRules(capitalize=False))
    delivery.begin()
    delivery.offer("One.")
    await delivery.drain()
    delivery.begin()
    delivery.offer("two")
    await delivery.drain()
    assert field.text == "One. two"


async def test_disabled_delivers_nothing_but_keeps_track():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.enabled = False
    delivery.begin()
    delivery.offer("kept in the app")
    delivery.enabled = True
    delivery.offer("kept in the app, and this")
    await delivery.drain()
    assert field.text == ", and this"


async def test_stable_text_that_shrinks_is_never_typed_twice():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("Hello world")
    delivery.offer("Hello")  # cannot happen; if it does, nothing is typed again
    delivery.offer("Hello there")
    await delivery.drain()
    assert field.text == "Hello world there"


async def test_failure_is_reported_and_later_text_still_goes():
    field = FakeField()
    problems = []
    delivery = StableTextDelivery(field, on_problem=problems.append)
    delivery.begin()
    field.fail_next = True
    delivery.offer("lost")
    delivery.offer("lost and found")
    await delivery.drain()
    assert [p.message for p in problems] == ["Could not paste."]
    assert field.text == " and found"


async def test_undo_removes_the_last_dictation():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("Keep this.")
    await delivery.drain()
    delivery.begin()
    delivery.offer("remove")
    delivery.offer("remove this")
    await delivery.drain()
    assert delivery.last_insertion == " Remove this"
    assert await delivery.undo_last() == len(" Remove this")
    assert field.text == "Keep this."
    assert await delivery.undo_last() == 0  # one level only
    delivery.begin()  # a dictation that inserts nothing leaves the last insertion undoable
    delivery.offer("")
    delivery.begin()
    delivery.offer("again")
    await delivery.drain()
    delivery.begin()
    assert await delivery.undo_last() == len(" Again")
    assert field.text == "Keep this."


async def test_undo_refuses_when_the_focus_moved():
    field = FakeField()
    delivery = StableTextDelivery(field)
    delivery.begin()
    delivery.offer("text")
    await delivery.drain()
    field.window = FocusedWindow(9, ("other", "Other"))
    with pytest.raises(DeliveryError, match="focus is no longer"):
        await delivery.undo_last()
    assert field.text == "text"
