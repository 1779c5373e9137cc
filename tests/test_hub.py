"""The hub's fan-out: who receives what, before the reveal, across tabs, after the end, and never a secret."""

import json

from retro.secrets import owner_hash, pseudonym
from server.app import RetroServer
from tests.support.boards import (
    NO_SUCH_ID,
    dots_left_is,
    phase_is,
    summary,
    walk_keys,
)
from tests.support.client import Clients, Message, new_secret


async def test_other_phones_see_counts_but_no_text_before_the_reveal(clients: Clients) -> None:
    writer = await clients.join()
    reader = await clients.join()
    facilitator = await clients.facilitator()
    text = "The pager rota burned out Sam"
    await writer.add_item(text, prompt_id="learning")

    board = await reader.wait_for("board", lambda m: m["board"]["counts"]["learning"] == 1)
    assert board["board"]["counts"] == {"hard": 0, "learning": 1, "help": 0}
    assert board["board"]["topics"] == []
    assert board["board"]["revealed"] is False
    view = await facilitator.wait_for("facilitator", lambda m: m["view"]["total_items"] == 1)
    assert view["view"]["board"]["topics"] == []
    assert [entry["text"] for entry in view["view"]["screening"]] == [text], (
        "screened, with no link to anyone"
    )
    await reader.drain()
    await facilitator.drain()
    assert not [raw for raw in reader.received if text in raw]
    assert not [raw for raw in writer.received if text in raw]

    await facilitator.move("group")
    revealed = await reader.wait_for("board", phase_is("group"))
    assert [topic["title"] for topic in revealed["board"]["topics"]] == [text]
    assert [item["text"] for item in revealed["board"]["topics"][0]["items"]] == [text]
    assert revealed["board"]["revealed"] is True
    await writer.wait_for("board", phase_is("group"))
    for client in (reader, writer):
        first_with_text = next(i for i, raw in enumerate(client.received) if text in raw)
        assert json.loads(client.received[first_with_text])["board"]["phase"] == "group"


async def test_dots_follow_the_phone_across_tabs_and_reconnects(clients: Clients) -> None:
    phone = await clients.join()
    tab = await clients.join(secret=phone.secret)
    item_id = await phone.add_item("Worth two dots")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")
    assert (await phone.run("cast_vote", topic_id=item_id))["type"] == "ack"
    assert (await tab.run("cast_vote", topic_id=item_id))["type"] == "ack"
    for client in (phone, tab):
        private = await client.wait_for("private", dots_left_is(1))
        assert private["private"]["my_votes"] == {item_id: 2}
    await phone.close()
    await tab.close()

    back = await clients.join(secret=phone.secret)
    private = await back.wait_for("private")
    assert private["private"] == {
        "dots_left": 1,
        "my_votes": {item_id: 2},
        "my_check_in": {},
        "my_roti": None,
    }
    stranger = await clients.join()
    assert (await stranger.wait_for("private"))["private"] == {
        "dots_left": 3,
        "my_votes": {},
        "my_check_in": {},
        "my_roti": None,
    }


async def test_no_phone_can_act_after_the_end(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    early = await clients.join()
    await facilitator.move("ended")
    await early.wait_for("board", phase_is("ended"))
    seen_before_the_end = len(early.received)
    attempts: list[tuple[str, Message]] = [
        ("add_item", {"prompt_id": "hard", "text": "Still here", "owner_hash": owner_hash(new_secret())}),
        ("answer_roti", {"value": 5}),
        ("cast_vote", {"topic_id": NO_SUCH_ID}),
    ]
    for kind, fields in attempts:
        refused = await early.refused(kind, "closed", **fields)
        assert refused["message"] == "The retro has closed; nothing more can be added."
    late = await clients.join()
    board = await late.wait_for("board")
    assert (board["board"]["phase"], board["board"]["phase_label"]) == ("ended", "Ended")
    error = await late.run("add_item", prompt_id="hard", text="Too late", owner_hash=owner_hash(new_secret()))
    assert error["code"] == "closed"
    await late.drain()
    assert "private" not in [m["type"] for m in late.messages()], "no dots after the end"
    await early.drain()
    after_the_end = [json.loads(raw)["type"] for raw in early.received[seen_before_the_end:]]
    assert "private" not in after_the_end, "the pseudonyms are gone: nothing is addressed to one phone"
    reopen = await facilitator.run("change_phase", to="write")
    assert reopen["code"] == "wrong_phase"
    await facilitator.refused("change_phase", "invalid", to="ended")
    await facilitator.refused("record_action", "wrong_phase", text="Too late", owner="Sam", due="2026-12-04")


async def test_no_message_carries_a_secret_a_hash_or_a_pseudonym(
    clients: Clients, server: RetroServer
) -> None:
    retro_key = server.session.record.retro_key
    assert retro_key is not None
    facilitator = await clients.facilitator()
    alice = await clients.join()
    bob = await clients.join()
    alice_tab = await clients.join(secret=alice.secret)
    phones = [alice, bob]
    assert alice.secret is not None and bob.secret is not None
    item_secrets = [new_secret() for _ in range(4)]

    await facilitator.move("check_in")
    for phone, value in [(alice, 3), (bob, 8)]:
        await phone.command("answer_check_in", question_id="motivation", value=value)
    await facilitator.move("write")
    a = await alice.add_item("Alice on the rota", "hard", item_secrets[0])
    b = await bob.add_item("Bob on the tests", "learning", item_secrets[1])
    withdrawn = await bob.add_item("Bob changes his mind", "help", item_secrets[2])
    c = await alice.add_item("Alice on the help", "help", item_secrets[3])
    assert (await bob.run("withdraw_item", item_id=withdrawn, item_secret=item_secrets[2]))["type"] == "ack"
    await facilitator.move("group")
    await facilitator.move("vote")
    await alice.wait_for("board", phase_is("vote"))
    await bob.wait_for("board", phase_is("vote"))
    for phone, topic_id in [(alice, a), (alice, b), (bob, b), (bob, c), (bob, c)]:
        assert (await phone.run("cast_vote", topic_id=topic_id))["type"] == "ack"
    assert (await bob.run("retract_vote", topic_id=c))["type"] == "ack"
    await facilitator.move("discuss")
    await facilitator.command("start_discussion", topic_id=b)
    await facilitator.command("add_note", topic_id=b, text="Flaky tests cost a day")
    await facilitator.move("actions")
    recorded = await facilitator.run(
        "record_action", text="Rotate the pager", owner="Priya", due="2026-12-04"
    )
    assert recorded["type"] == "ack"
    await facilitator.move("close")
    for phone, value in [(alice, 4), (bob, 2)]:
        await phone.command("answer_roti", value=value)
    await facilitator.move("ended")
    for client in [facilitator, alice, bob, alice_tab]:
        await client.drain()

    forbidden = {
        alice.secret,
        bob.secret,
        pseudonym(retro_key, alice.secret),
        pseudonym(retro_key, bob.secret),
        server.session.record.facilitator_key,
        retro_key.hex(),
    }
    forbidden |= set(item_secrets) | {owner_hash(s) for s in item_secrets}
    named = {"facilitator": facilitator, "alice": alice, "bob": bob, "alice's tab": alice_tab}
    everything = [(name, raw) for name, client in named.items() for raw in client.received]
    assert len(everything) > 40
    leaks = [(name, raw) for name, raw in everything for secret in forbidden if secret in raw]
    assert leaks == []
    keys = {key for _, raw in everything for key in walk_keys(json.loads(raw))}
    assert not keys & {"owner_hash", "ballot", "pseudonym", "secret", "author", "key", "time", "created_at"}
    # The facilitator's private screening may have listed it before it was withdrawn; no phone ever sees it.
    assert not [raw for name, raw in everything if name != "facilitator" and "Bob changes his mind" in raw]
    assert "Bob changes his mind" not in facilitator.received[-1], "and once withdrawn, not even there"

    final = (await (await clients.join()).wait_for("board"))["board"]
    assert final["phase"] == "ended"
    assert {topic["topic_id"]: topic["votes"] for topic in final["topics"]} == {a: 1, b: 2, c: 1}
    assert [action["text"] for action in final["actions"]] == ["Rotate the pager"]
    assert summary(final, "motivation")["answered"] == 2
    assert summary(final, "motivation")["mean"] is None
    assert final["roti"]["answered"] == 2
    for phone in phones:
        assert phone.websocket.close_code is None
