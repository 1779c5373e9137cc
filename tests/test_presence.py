"""Presence as the facilitator sees it: phones joined now (not tabs) and phones that have written."""

import json

from retro.secrets import owner_hash
from retro.session import Session
from tests.support.boards import (
    presence_is,
)
from tests.support.client import Client, Clients, new_secret, serving


async def test_the_phone_count_counts_phones_not_tabs(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    assert (await facilitator.recv())["phones"] == 0
    secret = new_secret()
    tab_one = await clients.join(secret=secret)
    tab_two = await clients.join(secret=secret)
    other = await clients.join()
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 2)
    counts = [m["phones"] for m in await facilitator.drain() if m["type"] == "facilitator"]
    assert set(counts) <= {2}
    assert max(json.loads(raw).get("phones", 0) for raw in facilitator.received) == 2

    await tab_one.close()
    assert (await facilitator.wait_for("facilitator"))["phones"] == 2
    await other.close()
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 1)
    await tab_two.close()
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 0)


async def test_the_facilitator_sees_how_many_phones_have_written(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    assert presence_is(0, 0)(await facilitator.recv())
    writer, other_writer, reader = [await clients.join() for _ in range(3)]
    await facilitator.wait_for("facilitator", presence_is(3, 0))
    await writer.add_item("First")
    await other_writer.add_item("Second")
    await facilitator.wait_for("facilitator", presence_is(3, 2))
    await writer.add_item("Third, from the same phone")
    await facilitator.wait_for("facilitator", lambda m: m["view"]["total_items"] == 3)
    await facilitator.drain()
    assert {(m["phones"], m["phones_written"]) for m in facilitator.messages()[-1:]} == {(3, 2)}

    await writer.close()
    await facilitator.wait_for("facilitator", presence_is(2, 1))
    back = await clients.join(secret=writer.secret, wrote=True)
    await facilitator.wait_for("facilitator", presence_is(3, 2))
    await reader.close()
    await facilitator.wait_for("facilitator", presence_is(2, 2))
    await back.add_item("Back again")
    await facilitator.drain()
    assert (facilitator.messages()[-1]["phones"], facilitator.messages()[-1]["phones_written"]) == (2, 2)


async def test_after_a_restart_a_phone_counts_as_written_when_its_hello_says_so(session: Session) -> None:
    async with serving(session) as first_run:
        writer = await first_run.join()
        await writer.add_item("Written before the restart")
    async with serving(session) as second_run:
        facilitator = await second_run.facilitator()
        await second_run.join(secret=writer.secret, wrote=True)
        await second_run.join()
        await facilitator.wait_for("facilitator", presence_is(2, 1))
        await facilitator.drain()
        assert facilitator.messages()[-1]["phones_written"] == 1


async def test_an_item_resent_after_a_restart_counts_its_phone_as_written(session: Session) -> None:
    message_id = Client.new_id()
    command = {"kind": "add_item", "prompt_id": "help", "text": "Sent as the server went down"}
    command["owner_hash"] = owner_hash(new_secret())
    async with serving(session) as first_run:
        phone = await first_run.join()
        await phone.send({"type": "command", "id": message_id, "command": command})
        await phone.reply(message_id)  # durable; the phone never sees this ack, as the server dies now
    async with serving(session) as second_run:
        facilitator = await second_run.facilitator()
        again = await second_run.join(secret=phone.secret)  # no "wrote": it never saw an ack
        await again.send({"type": "command", "id": message_id, "command": command})
        ack = await again.reply(message_id)
        assert (ack["type"], ack["duplicate"]) == ("ack", True)
        assert ack["item_id"] in session.state.items
        await facilitator.wait_for("facilitator", lambda m: m["phones"] == 1)
        await facilitator.drain()
        last = facilitator.messages()[-1]
        assert (last["phones"], last["phones_written"]) == (1, 1)
