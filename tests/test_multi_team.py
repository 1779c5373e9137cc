"""One `retro serve` process, many teams: each team's retro reaches only its own phones and facilitator, a
team's token reaches only its own retros, a join token admits to one retro, a revoked token is dead, the
operator reaches no retro, and the limits are per team and per retro. Real process, real websockets."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.client import TIMEOUT, Client, Message, Predicate, new_secret
from tests.support.facilitator import TokenClient, closed_by_server, turned_away
from tests.support.team_server import TeamServer, team_server
from tests.support.waiting import http_status

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
WRONG_TOKEN = "That token is wrong or has been revoked."
ONLY_OPERATOR = "Only the operator token manages teams."
NOT_FOR_OPERATOR = "The operator token manages teams; it reaches no retro."


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[TeamServer]:
    async with team_server(tmp_path / "org.db") as running:
        yield running


@pytest.fixture
async def operator(server: TeamServer) -> TokenClient:
    connected = await TokenClient.hello(server.door, server.operator_token)
    assert connected.role == "operator"
    return connected


async def facilitator_of(server: TeamServer, operator: TokenClient, team: str) -> TokenClient:
    """A new team, and its facilitator connected by the token the operator was shown."""
    connected = await TokenClient.hello(server.door, await operator.add_team(team))
    assert connected.role == "team"
    return connected


async def phones(server: TeamServer, facilitator: TokenClient, count: int) -> list[Client]:
    assert facilitator.join_path is not None
    return [await Client.join(server.phone_url(facilitator.join_path)) for _ in range(count)]


async def sees(client: Client, pred: Predicate) -> Message:
    """The latest board this client already has that satisfies pred, or the next one that does."""
    shown = [board for board in client.boards() if pred(board)]
    return shown[-1] if shown else await client.board_until(pred)


async def handshake_status(url: str) -> int:
    """101 when the websocket opens, else the HTTP status the server refused the upgrade with."""
    try:
        async with connect(url, proxy=None, open_timeout=TIMEOUT):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


@dataclass(frozen=True)
class Team:
    name: str
    mark: str
    """In every text the team writes: its title, items, note and action. Spaces keep it out of any token."""

    @property
    def title(self) -> str:
        return f"{self.name} weekly, {self.mark}"

    def item(self, phone: int, n: int) -> str:
        return f"{self.mark}: phone {phone} says thing {n}"

    @property
    def items(self) -> set[str]:
        return {self.item(phone, n) for phone in range(3) for n in range(2)}


TEAMS = (Team("Ward Seven", "grey heron"), Team("Pharmacy", "sea otter"), Team("Theatres", "snow lynx"))


@dataclass
class TeamRetro:
    team: Team
    facilitator: TokenClient
    phones: list[Client]
    retro_id: str

    @property
    def everyone(self) -> list[Client]:
        return [self.facilitator.client, *self.phones]

    @property
    def join_token(self) -> str:
        assert self.facilitator.join_path is not None
        return self.facilitator.join_path.removeprefix("/j/")


async def run_retro(server: TeamServer, facilitator: TokenClient, team: Team) -> TeamRetro:
    """The team's retro from open to end: three phones check in, write, vote and score the time."""
    opened = await facilitator.open(team.title)
    assert (opened["resumed"], opened["public_url"]) == (False, server.base_url)
    retro = TeamRetro(team, facilitator, await phones(server, facilitator, 3), opened["retro_id"])
    await facilitator.move("check_in")
    for n, phone in enumerate(retro.phones):
        await phone.command("answer_check_in", question_id="motivation", value=5 + n)
    await facilitator.move("write")
    for n, phone in enumerate(retro.phones):
        for k in range(2):
            await phone.add_item(team.item(n, k))
    await sees(facilitator.client, lambda board: sum(board["counts"].values()) == 6)
    topics = (await facilitator.move("group"))["topics"]
    await facilitator.move("vote")
    for phone, topic in zip(retro.phones, topics, strict=False):
        await phone.command("cast_vote", topic_id=topic["topic_id"])
    top = (await facilitator.move("discuss"))["topics"][0]["topic_id"]
    await facilitator.client.command("start_discussion", topic_id=top)
    await facilitator.client.command("add_note", topic_id=top, text=f"Noted, {team.mark}")
    await facilitator.move("actions")
    await facilitator.client.command(
        "record_action", text=f"Act on {team.mark}", owner="Sam", due="2026-12-04"
    )
    await facilitator.move("close")
    for phone in retro.phones:
        await phone.command("answer_roti", value=4)
    await facilitator.move("ended")
    for phone in retro.phones:
        await sees(phone, lambda board: board["phase"] == "ended")
    return retro


async def test_three_teams_run_their_retros_at_once_and_each_sees_only_its_own(
    server: TeamServer, operator: TokenClient
) -> None:
    facilitators = [await facilitator_of(server, operator, team.name) for team in TEAMS]
    retros = await asyncio.gather(
        *(run_retro(server, facilitator, team) for facilitator, team in zip(facilitators, TEAMS, strict=True))
    )

    await asyncio.gather(*(client.drain() for retro in retros for client in retro.everyone))
    assert len({retro.retro_id for retro in retros}) == len({retro.join_token for retro in retros}) == 3
    for retro in retros:
        foreign = [
            text
            for other in retros
            if other is not retro
            for text in (other.team.mark, other.team.name, other.retro_id, other.join_token)
        ]
        for client in retro.everyone:
            frames = "\n".join(client.received)
            assert retro.team.title in frames and retro.team.mark in frames
            assert [text for text in foreign if text in frames] == [], retro.team.name
        for phone in retro.phones:
            revealed = [board for board in phone.boards() if board["revealed"]]
            shown = {item["text"] for topic in revealed[0]["topics"] for item in topic["items"]}
            assert shown == retro.team.items
            assert {board["title"] for board in phone.boards()} == {retro.team.title}
            assert revealed[-1]["phase"] == "ended"
            assert [action["text"] for action in revealed[-1]["actions"]] == [f"Act on {retro.team.mark}"]
    teams = await operator.answered("team_list")
    assert sorted((t["name"], t["revoked"], t["open_retros"]) for t in teams["teams"]) == sorted(
        (team.name, False, 0) for team in TEAMS
    )


async def test_a_teams_token_cannot_resume_read_forget_or_import_another_teams_retro(
    server: TeamServer, operator: TokenClient
) -> None:
    radiology = await facilitator_of(server, operator, "Radiology")
    oncology = await facilitator_of(server, operator, "Oncology")
    ended_b = (await oncology.open("Oncology, ended, quiet kestrel"))["retro_id"]
    [phone] = await phones(server, oncology, 1)
    await oncology.move("write")
    await phone.add_item("quiet kestrel item")
    await oncology.move("ended")
    open_b = (await oncology.open("Oncology, open, quiet kestrel"))["retro_id"]
    own = (await radiology.open("Radiology weekly"))["retro_id"]
    await radiology.move("ended")

    assert await radiology.refused("not_found", "resume", retro_id=open_b) == (
        f"No open retro {open_b!r} for this team; `retro history --server` lists the team's retros."
    )
    assert await radiology.refused("not_found", "resume") == "This team has no open retro to resume."
    for ref in (ended_b, ended_b[:8], open_b):
        expected = f"No retro {ref!r}; `retro history` lists them, or use `latest`."
        assert await radiology.refused("not_found", "outcome", retro=ref) == expected
        assert await radiology.refused("not_found", "forget", retro=ref) == expected
    assert (await radiology.answered("outcome", retro="latest"))["outcome"]["retro_id"] == own
    rows = (await radiology.answered("history"))["rows"]
    assert [(row["retro_id"], row["team"], row["title"]) for row in rows] == [
        (own, "Radiology", "Radiology weekly")
    ]

    theirs = (await oncology.answered("outcome", retro=ended_b))["outcome"]
    assert await radiology.refused("forbidden", "import", outcome=theirs) == (
        "That outcome is team 'Oncology''s; a team's token imports only its own retros."
    )
    rows = (await oncology.answered("history"))["rows"]
    assert [(row["retro_id"], row["kept"], row["items"]) for row in rows] == [
        (ended_b, "raw", 1),
        (open_b, "raw", 0),
    ]
    assert "quiet kestrel" not in "\n".join(radiology.client.received)


async def test_a_join_token_admits_a_phone_to_its_own_retro_only(
    server: TeamServer, operator: TokenClient
) -> None:
    dermatology = await facilitator_of(server, operator, "Dermatology")
    urology = await facilitator_of(server, operator, "Urology")
    await dermatology.open("Dermatology, amber fox")
    await urology.open("Urology, blue whale")
    assert dermatology.join_path is not None and urology.join_path is not None
    token_a, token_b = dermatology.join_path.removeprefix("/j/"), urology.join_path.removeprefix("/j/")
    await dermatology.move("write")
    await urology.move("write")
    [phone_a] = await phones(server, dermatology, 1)
    [phone_b] = await phones(server, urology, 1)
    await phone_a.add_item("amber fox item")
    await phone_b.add_item("blue whale item")
    await dermatology.move("vote")
    await urology.move("vote")
    board_a = await sees(phone_a, lambda board: board["phase"] == "vote")
    await phone_a.command("cast_vote", topic_id=board_a["topics"][0]["topic_id"])

    same_phone_in_b = await Client.join(server.phone_url(urology.join_path), secret=phone_a.secret)
    await same_phone_in_b.wait_for("board")
    private = await same_phone_in_b.wait_for("private")
    assert (private["private"]["dots_left"], private["private"]["my_votes"]) == (3, {}), (
        "nothing carries over"
    )
    await same_phone_in_b.close()

    join_token_as_credential = await turned_away(server.phone_url(urology.join_path), token=token_a)
    assert (join_token_as_credential.code, join_token_as_credential.message) == ("forbidden", WRONG_TOKEN)
    assert join_token_as_credential.close_code == POLICY_VIOLATION
    made_up = new_secret()[:22]
    for path in (made_up, f"{token_a}/{token_b}", token_a + token_b, f"{token_b}/../{token_a}"):
        assert http_status(server.page_url(f"/j/{path}")) == 404, path
        assert await handshake_status(server.phone_url(f"/j/{path}")) == 404, path
    assert http_status(server.page_url(f"/j/{token_a}")) == 200

    await phone_b.drain()
    frames_a, frames_b = "\n".join(phone_a.received), "\n".join(phone_b.received)
    assert "amber fox" in frames_a and "blue whale" not in frames_a and token_b not in frames_a
    assert "blue whale" in frames_b and "amber fox" not in frames_b and token_a not in frames_b


async def test_a_revoked_team_token_is_refused_and_its_open_connections_close(
    server: TeamServer, operator: TokenClient
) -> None:
    """Revoking cuts off the token's holders at once: a new hello is refused and the team's open connections
    close (1008, "revoked"). The retro stays, and so do its phones: they never held the token. Adding the
    team again gives a fresh token that resumes the same retro; the old token stays dead."""
    token = await operator.add_team("Physio")
    facilitating, idle = (
        await TokenClient.hello(server.door, token),
        await TokenClient.hello(server.door, token),
    )
    dietetics = await facilitator_of(server, operator, "Dietetics")
    retro_id = (await facilitating.open("Physio weekly"))["retro_id"]
    await facilitating.move("write")
    [phone] = await phones(server, facilitating, 1)
    await dietetics.open("Dietetics weekly")

    assert await operator.answered("team_revoke", name="Physio") == {"kind": "team_revoked", "name": "Physio"}
    assert await closed_by_server(facilitating.client) == (POLICY_VIOLATION, "revoked")
    assert await closed_by_server(idle.client) == (POLICY_VIOLATION, "revoked")
    refused = await turned_away(server.door, token=token)
    assert (refused.code, refused.message, refused.close_code) == ("forbidden", WRONG_TOKEN, POLICY_VIOLATION)

    await phone.add_item("Still heard after the revocation")
    await dietetics.move("write")
    teams = (await operator.answered("team_list"))["teams"]
    assert {(t["name"], t["revoked"], t["open_retros"]) for t in teams} == {
        ("Physio", True, 1),
        ("Dietetics", False, 1),
    }

    fresh = await TokenClient.hello(server.door, await operator.add_team("Physio"))
    resumed = await fresh.resume()
    assert (resumed["retro_id"], resumed["resumed"]) == (retro_id, True)
    view = [m for m in fresh.client.messages() if m["type"] == "facilitator"][-1]
    assert (view["view"]["total_items"], view["phones"]) == (1, 1)
    assert (await turned_away(server.door, token=token)).message == WRONG_TOKEN


async def test_the_operator_reaches_no_retro_and_a_team_manages_no_teams(
    server: TeamServer, operator: TokenClient
) -> None:
    nephrology = await facilitator_of(server, operator, "Nephrology")
    retro_id = (await nephrology.open("Nephrology weekly"))["retro_id"]

    for kind, fields in (
        ("open", {"title": "The operator's own retro"}),
        ("resume", {}),
        ("resume", {"retro_id": retro_id}),
        ("history", {}),
        ("outcome", {"retro": retro_id}),
        ("forget", {"retro": retro_id}),
    ):
        assert await operator.refused("forbidden", kind, **fields) == NOT_FOR_OPERATOR, kind
    sentence = await operator.client.run("change_phase", to="write")
    assert (sentence["code"], sentence["message"]) == ("invalid", "Open or resume a retro first.")

    for kind, fields in (
        ("team_add", {"name": "Rogue team"}),
        ("team_list", {}),
        ("team_revoke", {"name": "Nephrology"}),
    ):
        assert await nephrology.refused("forbidden", kind, **fields) == ONLY_OPERATOR, kind
    teams = (await operator.answered("team_list"))["teams"]
    assert [(t["name"], t["revoked"], t["open_retros"]) for t in teams] == [("Nephrology", False, 1)]
    assert [row["retro_id"] for row in (await nephrology.answered("history"))["rows"]] == [retro_id]
    wrong = await turned_away(server.door, token="rtm_" + new_secret())
    assert (wrong.code, wrong.message, wrong.close_code) == ("forbidden", WRONG_TOKEN, POLICY_VIOLATION)


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[TeamServer]:
    async with team_server(tmp_path / "limited.db", "--max-open-retros", "1", "--max-phones", "2") as running:
        yield running


async def test_one_open_retro_per_team_is_refused_politely_and_binds_no_other_team(
    limited: TeamServer,
) -> None:
    operator = await TokenClient.hello(limited.door, limited.operator_token)
    token = await operator.add_team("Cardiology")
    cardiology, second_desk = (
        await TokenClient.hello(limited.door, token),
        await TokenClient.hello(limited.door, token),
    )
    neurology = await facilitator_of(limited, operator, "Neurology")
    first = (await cardiology.open("Cardiology weekly"))["retro_id"]

    limit = (
        "Team 'Cardiology' already has 1 retro open, the most this server allows; "
        "end one, or resume it with --resume."
    )
    assert await second_desk.refused("limit", "open", title="Cardiology again") == limit
    assert await cardiology.refused("limit", "open", title="Cardiology again") == limit
    assert (await neurology.open("Neurology weekly"))["resumed"] is False
    assert (await second_desk.resume())["retro_id"] == first
    await cardiology.move("write")

    await second_desk.move("ended")
    assert (await cardiology.open("Cardiology, the next one"))["retro_id"] != first
    teams = (await operator.answered("team_list"))["teams"]
    assert {(t["name"], t["open_retros"]) for t in teams} == {("Cardiology", 1), ("Neurology", 1)}


async def test_a_full_retro_refuses_a_third_phone_while_another_retro_admits_its_own(
    limited: TeamServer,
) -> None:
    operator = await TokenClient.hello(limited.door, limited.operator_token)
    haematology = await facilitator_of(limited, operator, "Haematology")
    endoscopy = await facilitator_of(limited, operator, "Endoscopy")
    await haematology.open("Haematology weekly")
    await endoscopy.open("Endoscopy weekly")
    assert haematology.join_path is not None
    first, _ = await phones(limited, haematology, 2)

    full = await turned_away(limited.phone_url(haematology.join_path), secret=new_secret())
    assert (full.code, full.message) == ("full", "This retro is full. Try again in a little while.")
    assert full.close_code == TRY_AGAIN_LATER
    assert len(await phones(limited, endoscopy, 2)) == 2
    back = await Client.join(limited.phone_url(haematology.join_path), secret=first.secret)
    board = (await back.wait_for("board"))["board"]
    assert board["title"] == "Haematology weekly", "a phone already in gets back in, full or not"
