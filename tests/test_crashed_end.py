"""An end interrupted by a crash: the retro resumes as ended, refuses late answers, and the pseudonyms are
still erased from the SQLite file on restart. Real server on a loopback port, real SQLite file."""

from pathlib import Path

from retro.actors import Facilitator, Participant
from retro.commands import AnswerCheckIn, AnswerRoti, ChangePhase
from retro.phases import Phase
from retro.rules import decide
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Clients, new_secret
from tests.support.whole_retro import (
    TEAM,
    file_bytes,
)


async def test_an_end_interrupted_by_a_crash_still_erases_the_pseudonyms_on_restart(tmp_path: Path) -> None:
    db_path = tmp_path / "retro.db"
    store = SqliteStore(db_path)
    try:
        session = Session.start(store, title="Sprint 42", team=TEAM)
        retro_id = session.record.retro_id
        secret = new_secret()
        ballot = session.pseudonym_for(secret)
        assert ballot is not None
        session.execute(Facilitator(), ChangePhase(to=Phase.CHECK_IN))
        session.execute(Participant(ballot), AnswerCheckIn(question_id="motivation", value=7))
        session.execute(Facilitator(), ChangePhase(to=Phase.CLOSE))
        session.execute(Participant(ballot), AnswerRoti(value=4))
        # What Session.execute does for the end, up to the moment the process dies: durably appended.
        store.append(
            retro_id, decide(session.state, Facilitator(), ChangePhase(to=Phase.ENDED), session.clock()), None
        )

        record = store.record(retro_id)
        assert record is not None
        resumed = Session.resume(store, record)
        assert resumed.state.phase is Phase.ENDED
        server = RetroServer(resumed, ServerConfig(host="127.0.0.1", port=0))
        await server.start()
        pool = Clients(server)
        try:
            phone = await pool.join(secret=secret)
            assert (await phone.wait_for("board"))["board"]["phase"] == "ended"
            await phone.refused("answer_roti", "closed", value=1)
            await phone.drain()
            assert "private" not in [m["type"] for m in phone.messages()]
        finally:
            await pool.close_all()
            await server.stop()
        assert ballot.encode() not in file_bytes(db_path)
        assert store.latest_open_retro() is None
    finally:
        store.close()
