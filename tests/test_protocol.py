"""The commands of the wire protocol, phase by phase: what each reply says and what the boards then show.

Real clients, the real server, a real loopback port and SQLite file.
"""

from retro.secrets import owner_hash
from tests.support.boards import (
    NO_SUCH_ID,
    dots_left_is,
    facilitator_phase_is,
    in_phase,
    phase_is,
    roti_answered,
    seconds_between,
    summary,
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
    assert set(first) == {"type", "view", "server_time", "phones", "phones_written", "phones_voted"}
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


async def test_check_in_answers_replace_and_their_summary_waits_for_enough_phones(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    first, second, third = [await clients.join() for _ in range(3)]
    await facilitator.move("check_in")  # a step back from Write, before anything was written
    await first.wait_for("board", phase_is("check_in"))

    await first.command("answer_check_in", question_id="motivation", value=2)
    await first.command("answer_check_in", question_id="motivation", value=4)
    private = await first.wait_for("private", lambda m: m["private"]["my_check_in"] == {"motivation": 4})
    assert private["private"]["my_roti"] is None
    board = await second.wait_for("board", lambda m: summary(m["board"], "motivation")["answered"] == 1)
    assert summary(board["board"], "motivation")["shown"] is False

    await second.command("answer_check_in", question_id="motivation", value=7)
    board = await third.wait_for("board", lambda m: summary(m["board"], "motivation")["answered"] == 2)
    two = summary(board["board"], "motivation")
    assert (two["answered"], two["shown"], two["histogram"], two["mean"]) == (2, False, None, None)
    await second.wait_for("private", lambda m: m["private"]["my_check_in"] == {"motivation": 7})

    await third.command("answer_check_in", question_id="motivation", value=9)
    board = await first.wait_for("board", lambda m: summary(m["board"], "motivation")["answered"] == 3)
    three = summary(board["board"], "motivation")
    assert three["shown"] is True
    assert three["histogram"] == [0, 0, 0, 1, 0, 0, 1, 0, 1, 0]  # 4, 7 and 9 on a 1..10 scale
    assert three["mean"] == 6.7
    assert summary(board["board"], "supported")["answered"] == 0
    view = await facilitator.wait_for(
        "facilitator", lambda m: summary(m["view"]["board"], "motivation")["answered"] == 3
    )
    assert summary(view["view"]["board"], "motivation") == three

    await third.command("answer_check_in", question_id="supported", value=5)
    private = await third.wait_for("private", lambda m: len(m["private"]["my_check_in"]) == 2)
    assert private["private"]["my_check_in"] == {"motivation": 9, "supported": 5}
    out_of_range = await third.refused("answer_check_in", "invalid", question_id="supported", value=7)
    assert out_of_range["message"] == "Answer between 1 and 5."
    await third.refused("answer_check_in", "not_found", question_id="mood", value=3)

    for client in (first, second, third, facilitator):
        await client.drain()
    too_few = [
        s
        for c in (first, second, third, facilitator)
        for b in c.boards()
        for s in b["check_in"]
        if s["answered"] < 3
    ]
    assert too_few
    assert all((s["shown"], s["histogram"], s["mean"]) == (False, None, None) for s in too_few)
    own = [m["private"]["my_check_in"] for m in second.messages() if m["type"] == "private"]
    assert all(set(answers) <= {"motivation"} and answers.get("motivation", 7) == 7 for answers in own)

    await facilitator.move("write")
    await first.refused("answer_check_in", "wrong_phase", question_id="motivation", value=5)


async def test_the_discussion_runs_a_timer_on_the_servers_clock_and_takes_notes(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Most voted")
    b = await phone.add_item("Less voted")
    facilitator = await clients.facilitator()
    await facilitator.refused("start_discussion", "wrong_phase", topic_id=a)
    await facilitator.move("vote")
    await phone.command("cast_vote", topic_id=a)
    await facilitator.move("discuss")
    board = (await phone.wait_for("board", phase_is("discuss")))["board"]
    assert topic_votes(board) == [(a, 1), (b, 0)]
    assert (board["discussion"], board["discussed"]) == (None, [])

    await facilitator.refused("extend_timer", "invalid")
    await facilitator.refused("start_discussion", "not_found", topic_id=NO_SUCH_ID)
    await facilitator.command("start_discussion", topic_id=a)
    started = await phone.wait_for("board", lambda m: m["board"]["discussion"] is not None)
    discussion = started["board"]["discussion"]
    assert discussion["topic_id"] == a
    assert 298 <= seconds_between(started["server_time"], discussion["ends_at"]) <= 300
    assert started["board"]["discussed"] == [a]

    await facilitator.command("extend_timer")
    extended = await phone.wait_for(
        "board", lambda m: m["board"]["discussion"]["ends_at"] != discussion["ends_at"]
    )
    assert seconds_between(discussion["ends_at"], extended["board"]["discussion"]["ends_at"]) == 120
    assert extended["board"]["discussion"]["topic_id"] == a

    await facilitator.command("add_note", topic_id=a, text="Move deploys to Tuesday")
    noted = await phone.wait_for("board", lambda m: len(m["board"]["notes"]) == 1)
    [note] = noted["board"]["notes"]
    assert (note["topic_id"], note["text"]) == (a, "Move deploys to Tuesday")
    assert note["note_id"]
    await facilitator.refused("add_note", "not_found", topic_id=NO_SUCH_ID, text="Nowhere")
    await facilitator.refused("add_note", "invalid", topic_id=a, text="x" * 201)
    await phone.refused("add_note", "forbidden", topic_id=a, text="From a phone")
    await facilitator.command("rename_topic", topic_id=a, title="Deploy days")

    await facilitator.command("start_discussion", topic_id=b)
    second = await phone.wait_for("board", lambda m: (m["board"]["discussion"] or {}).get("topic_id") == b)
    assert second["board"]["discussed"] == [a, b]
    assert second["board"]["topics"][0]["title"] == "Deploy days"
    await facilitator.move("actions")
    after = (await phone.wait_for("board", phase_is("actions")))["board"]
    assert after["discussion"] is None
    assert [n["text"] for n in after["notes"]] == ["Move deploys to Tuesday"]
    await facilitator.refused("add_note", "wrong_phase", topic_id=a, text="Too late")


async def test_actions_are_recorded_edited_and_deleted_before_the_phones(clients: Clients) -> None:
    phone = await clients.join()
    topic = await phone.add_item("The runbook was late")
    facilitator = await clients.facilitator()
    early = await facilitator.run("record_action", text="Too soon", owner="Sam", due="2026-12-04")
    assert early["code"] == "wrong_phase"
    await facilitator.move("discuss")
    await facilitator.command(
        "record_action", text="Write the runbook", owner="Priya", due="2026-12-04", topic_id=topic
    )
    await facilitator.command("record_action", text="Book a room", owner="Sam", due="2026-12-11")
    board = (await phone.wait_for("board", lambda m: len(m["board"]["actions"]) == 2))["board"]
    runbook, room = board["actions"]
    assert runbook["action_id"] and room["action_id"]
    assert (runbook["text"], runbook["owner"], runbook["due"]) == ("Write the runbook", "Priya", "2026-12-04")
    assert (runbook["topic_id"], runbook["topic_title"]) == (topic, "The runbook was late")
    assert (room["topic_id"], room["topic_title"]) == (None, None)
    await facilitator.refused(
        "record_action", "not_found", text="Lost", owner="Sam", due="2026-12-04", topic_id=NO_SUCH_ID
    )

    await facilitator.move("actions")
    await facilitator.command(
        "edit_action",
        action_id=runbook["action_id"],
        text="Write the on-call runbook",
        owner="Jo",
        due="2026-12-18",
    )
    await facilitator.command("delete_action", action_id=room["action_id"])
    board = (await phone.wait_for("board", lambda m: len(m["board"]["actions"]) == 1))["board"]
    assert board["actions"] == [
        {
            "action_id": runbook["action_id"],
            "text": "Write the on-call runbook",
            "owner": "Jo",
            "due": "2026-12-18",
            "topic_id": None,
            "topic_title": None,
        }
    ]
    await facilitator.refused("delete_action", "not_found", action_id=room["action_id"])
    await facilitator.refused(
        "edit_action", "not_found", action_id=room["action_id"], text="X", owner="Y", due="2026-12-04"
    )
    await facilitator.send_command("record_action", text="Later", owner="Priya", due="next week")
    bad_date = await facilitator.wait_for("error")
    assert bad_date["code"] == "invalid"
    assert "due" in bad_date["message"]
    await facilitator.refused("record_action", "invalid", text="No owner", owner=" ", due="2026-12-04")

    await facilitator.move("close")
    await facilitator.command(
        "edit_action", action_id=runbook["action_id"], text="Runbook", owner="Jo", due="2026-12-18"
    )
    await facilitator.refused("record_action", "wrong_phase", text="Too late", owner="Sam", due="2026-12-04")
    closing = await phone.wait_for(
        "board", lambda m: [a["text"] for a in m["board"]["actions"]] == ["Runbook"]
    )
    assert closing["board"]["phase"] == "close"


async def test_review_takes_outcomes_only_for_actions_under_review(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    await facilitator.refused(
        "review_action", "wrong_phase", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="done"
    )
    await facilitator.move("review")  # a step back from Write
    await facilitator.refused("review_action", "not_found", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="done")
    await facilitator.refused("review_action", "invalid", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="maybe")


async def test_roti_is_answered_in_close_and_shown_from_enough_answers(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    first, second, third = [await clients.join() for _ in range(3)]
    await first.refused("answer_roti", "wrong_phase", value=4)
    await facilitator.move("close")  # straight from Write: the reveal happens on the way
    board = (await first.wait_for("board", phase_is("close")))["board"]
    assert board["revealed"] is True
    assert board["closing_questions"] == [
        "What have I learned?",
        "Who will I discuss this with?",
        "How can I help to change things for the better where I work?",
    ]
    assert (board["roti"]["answered"], board["roti"]["shown"], board["roti"]["mean"]) == (0, False, None)

    await first.command("answer_roti", value=2)
    await first.command("answer_roti", value=5)
    private = await first.wait_for("private", lambda m: m["private"]["my_roti"] == 5)
    assert private["private"]["my_check_in"] == {}
    await second.command("answer_roti", value=4)
    board = (await third.wait_for("board", roti_answered(2)))["board"]
    assert (board["roti"]["shown"], board["roti"]["histogram"], board["roti"]["mean"]) == (False, None, None)
    await third.command("answer_roti", value=3)
    board = (await third.wait_for("board", roti_answered(3)))["board"]
    assert board["roti"]["shown"] is True
    assert board["roti"]["histogram"] == [0, 0, 1, 1, 1]
    assert board["roti"]["mean"] == 4.0
    await third.refused("answer_roti", "invalid", value=6)

    await facilitator.move("ended")
    ended = (await second.wait_for("board", phase_is("ended")))["board"]
    assert (ended["roti"]["answered"], ended["roti"]["mean"]) == (3, 4.0)
    assert ended["closing_questions"] == board["closing_questions"], "they stay on screen after the end"
