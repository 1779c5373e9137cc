"""The wire protocol after the votes, and around them: check-in and ROTI answers, the discussion timer and
notes, actions recorded before the phones, and outcomes for actions under review.

Real clients, the real server, a real loopback port and SQLite file.
"""

from tests.support.boards import (
    NO_SUCH_ID,
    phase_is,
    roti_answered,
    seconds_between,
    summary,
    topic_votes,
)
from tests.support.client import Clients


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
