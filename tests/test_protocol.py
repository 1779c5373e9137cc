"""The wire protocol's refusals, then the topics: who may send what in which phase, the reveal, merging and
ungrouping, and votes that spend dots and stay hidden until voting closes.

Real clients, the real server, a real loopback port and SQLite file.
"""

from retro.secrets import owner_hash
from tests.support.boards import (
    NO_SUCH_ID,
    dots_left_is,
    facilitator_phase_is,
    in_phase,
    phase_is,
    topic_votes,
    total,
)
from tests.support.client import Clients, new_secret


async def test_an_item_can_be_withdrawn_only_with_its_secret(clients: Clients) -> None:
    writer = await clients.join()
    other = await clients.join()
    item_secret = new_secret()
    item_id = await writer.add_item("Withdraw me", item_secret=item_secret)
    await other.wait_for("board", lambda m: total(m) == 1)

    refused = await other.run("withdraw_item", item_id=item_id, item_secret=new_secret())
    assert refused["type"] == "error"
    assert refused["code"] == "not_owner"

    withdrawn = await writer.run("withdraw_item", item_id=item_id, item_secret=item_secret)
    assert withdrawn["type"] == "ack"
    board = await other.wait_for("board", lambda m: total(m) == 0)
    assert board["board"]["counts"]["learning"] == 0
    again = await writer.run("withdraw_item", item_id=item_id, item_secret=item_secret)
    assert again["code"] == "not_found"


async def test_a_vote_while_writing_is_refused_as_wrong_phase(clients: Clients) -> None:
    phone = await clients.join()
    item_id = await phone.add_item("Vote for me too early")
    message_id = await phone.send_command("cast_vote", topic_id=item_id)
    error = await phone.reply(message_id)
    assert error["type"] == "error"
    assert error["code"] == "wrong_phase"
    assert error["message"] == "Voting is open during Vote; the retro is in Write now."
    await phone.add_item("Still connected")


async def test_a_phone_cannot_change_the_phase(clients: Clients) -> None:
    phone = await clients.join()
    error = await phone.run("change_phase", to="vote")
    assert error["type"] == "error"
    assert error["code"] == "forbidden"
    error = await phone.run("record_action", text="Fix it", owner="Sam", due="2026-12-04")
    assert error["code"] == "forbidden"
    await phone.refused("merge_topics", "forbidden", topic_ids=[NO_SUCH_ID, "0" * 16], title="Mine")
    await phone.refused("extend_timer", "forbidden")
    await phone.add_item("Still writing")
    board = await phone.wait_for("board", lambda m: total(m) > 0)
    assert board["board"]["phase"] == "write"
    newcomer = await clients.join()
    assert (await newcomer.wait_for("board"))["board"]["phase"] == "write"


async def test_the_facilitator_cannot_write_items_or_answer(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    error = await facilitator.run(
        "add_item", prompt_id="hard", text="Hi", owner_hash=owner_hash(new_secret())
    )
    assert error["code"] == "forbidden"
    await facilitator.refused("answer_check_in", "forbidden", question_id="motivation", value=5)
    await facilitator.refused("answer_roti", "forbidden", value=5)
    await facilitator.refused("cast_vote", "forbidden", topic_id=NO_SUCH_ID)


async def test_the_reveal_makes_every_item_a_topic_of_its_own(clients: Clients) -> None:
    phone = await clients.join()
    hard = await phone.add_item("Deploys on Friday hurt", prompt_id="hard")
    learning = await phone.add_item("Pairing helped", prompt_id="learning")

    facilitator = await clients.facilitator()
    first = await facilitator.recv()
    assert first["type"] == "facilitator"
    assert set(first) == {
        "type",
        "view",
        "server_time",
        "join_path",
        "phones",
        "phones_written",
        "phones_voted",
    }
    assert (first["phones"], first["phones_written"], first["phones_voted"]) == (1, 1, 0)
    assert first["view"]["total_items"] == 2
    assert first["view"]["board"]["phase"] == "write"
    assert first["view"]["board"]["topics"] == []
    assert first["view"]["hint"]

    ack = await facilitator.run("change_phase", to="group")
    assert ack == {"type": "ack", "id": ack["id"], "duplicate": False, "item_id": None}
    board = (await phone.wait_for("board", phase_is("group")))["board"]
    assert board["phase_label"] == "Reveal & group"
    assert board["revealed"] is True
    assert board["voting_closed"] is False
    topics = board["topics"]
    assert {topic["topic_id"] for topic in topics} == {hard, learning}
    for topic in topics:
        assert topic["grouped"] is False
        assert topic["votes"] is None
        [item] = topic["items"]
        assert item["item_id"] == topic["topic_id"]
        assert item["text"] == topic["title"]
    by_id = {topic["topic_id"]: topic["items"][0] for topic in topics}
    assert (by_id[hard]["text"], by_id[hard]["prompt_id"]) == ("Deploys on Friday hurt", "hard")
    assert (by_id[learning]["text"], by_id[learning]["prompt_id"]) == ("Pairing helped", "learning")
    view = await facilitator.wait_for("facilitator", facilitator_phase_is("group"))
    assert view["view"]["board"]["topics"] == topics

    backwards = await facilitator.run("change_phase", to="write")
    assert backwards["code"] == "invalid"
    await phone.refused("add_item", "wrong_phase", prompt_id="hard", text="Late", owner_hash="a" * 64)

    await facilitator.move("vote")
    voting = (await phone.wait_for("board", phase_is("vote")))["board"]
    assert voting["topics"] == topics, "the shuffled order is fixed at the reveal"


async def test_voting_spends_dots_and_totals_appear_only_when_voting_closes(clients: Clients) -> None:
    alice = await clients.join()
    bob = await clients.join()
    a = await alice.add_item("Item A")
    b = await alice.add_item("Item B", prompt_id="hard")
    c = await bob.add_item("Item C", prompt_id="help")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")  # skipping Reveal & group: the reveal happens on the way
    revealed = await alice.wait_for("board", phase_is("vote"))
    assert {topic["topic_id"] for topic in revealed["board"]["topics"]} == {a, b, c}

    for topic_id, dots_left in [(a, 2), (a, 1), (b, 0)]:
        assert (await alice.run("cast_vote", topic_id=topic_id))["type"] == "ack"
        private = await alice.wait_for("private", dots_left_is(dots_left))
    assert private["private"]["my_votes"] == {a: 2, b: 1}
    fourth = await alice.run("cast_vote", topic_id=c)
    assert fourth["type"] == "error"
    assert fourth["code"] == "no_dots_left"

    for topic_id in (a, b, c):
        assert (await bob.run("cast_vote", topic_id=topic_id))["type"] == "ack"
    assert (await bob.run("retract_vote", topic_id=c))["type"] == "ack"
    private = await bob.wait_for("private", dots_left_is(1))
    assert private["private"]["my_votes"] == {a: 1, b: 1}
    nothing_to_take_back = await bob.run("retract_vote", topic_id=c)
    assert nothing_to_take_back["code"] == "not_found"
    await bob.refused("cast_vote", "not_found", topic_id=NO_SUCH_ID)

    await bob.drain()
    await facilitator.drain()
    voting = [board for client in (bob, facilitator) for board in client.boards() if board["phase"] == "vote"]
    assert len(voting) >= 2
    assert all(topic["votes"] is None for board in voting for topic in board["topics"])

    await facilitator.move("discuss")
    for client in (alice, bob, facilitator):
        board = await client.board_until(in_phase("discuss"))
        assert board["voting_closed"] is True
        assert topic_votes(board) == [(a, 3), (b, 2), (c, 0)]
    late = await alice.run("cast_vote", topic_id=c)
    assert late["code"] == "wrong_phase"


async def test_no_more_than_the_cap_of_dots_goes_on_one_topic(capped: Clients) -> None:
    phone = await capped.join()
    board = await phone.wait_for("board")
    assert (board["board"]["votes_per_person"], board["board"]["max_votes_per_topic"]) == (3, 2)
    a = await phone.add_item("Worth all my dots")
    b = await phone.add_item("Worth one")
    facilitator = await capped.facilitator()
    await facilitator.move("vote")
    await phone.command("cast_vote", topic_id=a)
    await phone.command("cast_vote", topic_id=a)
    third = await phone.refused("cast_vote", "limit", topic_id=a)
    assert third["message"] == "At most 2 of your dots can go on one topic."
    await phone.command("cast_vote", topic_id=b)
    private = await phone.wait_for("private", dots_left_is(0))
    assert private["private"]["my_votes"] == {a: 2, b: 1}
    await phone.refused("cast_vote", "no_dots_left", topic_id=b)


async def test_merged_topics_reach_the_phones_as_one_group_and_take_dots(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Friday deploys hurt", prompt_id="hard")
    b = await phone.add_item("Deploying on Friday broke the weekend", prompt_id="hard")
    c = await phone.add_item("Pairing helped", prompt_id="learning")
    facilitator = await clients.facilitator()
    await facilitator.move("group")
    await facilitator.command("merge_topics", topic_ids=[a, b], title="Friday deploys")

    board = (await phone.wait_for("board", lambda m: len(m["board"]["topics"]) == 2))["board"]
    [merged] = [topic for topic in board["topics"] if topic["grouped"]]
    [single] = [topic for topic in board["topics"] if not topic["grouped"]]
    assert merged["title"] == "Friday deploys"
    assert merged["topic_id"] not in {a, b, c}
    assert [(item["item_id"], item["text"]) for item in merged["items"]] == [
        (a, "Friday deploys hurt"),
        (b, "Deploying on Friday broke the weekend"),
    ]
    assert (single["topic_id"], single["title"]) == (c, "Pairing helped")
    assert board["counts"] == {"hard": 2, "learning": 1, "help": 0}

    await facilitator.refused("merge_topics", "not_found", topic_ids=[a, c], title="Gone")
    await facilitator.refused("merge_topics", "invalid", topic_ids=[c, c], title="Twice")
    await facilitator.command("rename_topic", topic_id=merged["topic_id"], title="Deploys on Fridays")
    renamed = await phone.wait_for(
        "board", lambda m: any(t["title"] == "Deploys on Fridays" for t in m["board"]["topics"])
    )
    assert len(renamed["board"]["topics"]) == 2

    await facilitator.move("vote")
    await phone.wait_for("board", phase_is("vote"))
    await phone.command("cast_vote", topic_id=merged["topic_id"])
    private = await phone.wait_for("private", dots_left_is(2))
    assert private["private"]["my_votes"] == {merged["topic_id"]: 1}
    await phone.refused("cast_vote", "not_found", topic_id=a)
    await facilitator.refused("merge_topics", "wrong_phase", topic_ids=[merged["topic_id"], c], title="Late")

    await facilitator.move("discuss")
    final = (await phone.wait_for("board", phase_is("discuss")))["board"]
    assert topic_votes(final) == [(merged["topic_id"], 1), (c, 0)]
    assert final["topics"][0]["title"] == "Deploys on Fridays"
    assert len(final["topics"][0]["items"]) == 2


async def test_ungrouping_gives_each_item_its_topic_back(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("One")
    b = await phone.add_item("Two")
    facilitator = await clients.facilitator()
    await facilitator.move("group")
    await facilitator.refused("ungroup", "invalid", topic_id=a)
    await facilitator.command("merge_topics", topic_ids=[a, b], title="Both")
    grouped = await phone.wait_for("board", lambda m: len(m["board"]["topics"]) == 1)
    merged_id = grouped["board"]["topics"][0]["topic_id"]
    await facilitator.command("ungroup", topic_id=merged_id)
    board = await phone.wait_for("board", lambda m: len(m["board"]["topics"]) == 2)
    assert {(t["topic_id"], t["title"], t["grouped"]) for t in board["board"]["topics"]} == {
        (a, "One", False),
        (b, "Two", False),
    }


async def test_vote_steps_back_to_group_only_before_the_first_dot(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Regroup me")
    await phone.add_item("And me")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")
    await facilitator.move("group")
    assert (await phone.wait_for("board", phase_is("group")))["board"]["revealed"] is True
    await facilitator.move("vote")
    await phone.command("cast_vote", topic_id=a)
    refused = await facilitator.refused("change_phase", "invalid", to="group")
    assert refused["message"] == "Dots have been cast; regrouping now would lose them."
    await facilitator.refused("change_phase", "invalid", to="write")
    await facilitator.refused("change_phase", "invalid", to="vote")
    view = await facilitator.wait_for("facilitator")
    await facilitator.drain()
    assert view["view"]["board"]["phase"] == "vote"
    assert facilitator.boards()[-1]["phase"] == "vote"
