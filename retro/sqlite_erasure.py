"""What the end of a retro rewrites in the SQLite log, beyond deleting: so that the log of an ended retro
keeps each item's final words only, in an order that says nothing about when they were written.

Both run inside the store's end-of-retro transaction (and once over every ended retro of a file written
by an older version), and replay of the rewritten log gives the same state.
"""

import json
import sqlite3

_ONLY_FINAL_TEXTS = """
WITH final AS (
    SELECT json_extract(body, '$.item_id') AS item_id, json_extract(body, '$.text') AS text, MAX(seq)
    FROM events WHERE retro_id = :retro_id AND json_extract(body, '$.type') = 'item_rewritten'
    GROUP BY json_extract(body, '$.item_id')
)
UPDATE events
SET body = json_set(body, '$.text', (
    SELECT final.text FROM final WHERE final.item_id = json_extract(events.body, '$.item_id')
))
WHERE retro_id = :retro_id
    AND json_extract(body, '$.type') IN ('item_added', 'item_rewritten')
    AND EXISTS (
        SELECT 1 FROM final
        WHERE final.item_id = json_extract(events.body, '$.item_id')
            AND final.text IS NOT json_extract(events.body, '$.text')
    )
"""


def keep_only_final_texts(db: sqlite3.Connection, retro_id: str) -> int:
    """Every event of a rewritten item gets its final text, so what a held item said before its author
    rewrote it is gone; the rewrite still ends the hold on replay. Returns how many events changed."""
    return db.execute(_ONLY_FINAL_TEXTS, {"retro_id": retro_id}).rowcount


def hide_writing_order(db: sqlite3.Connection, retro_id: str) -> int:
    """Move the events that added items up to where the first one was, in the order of their random ids,
    and number the log afresh, so that no gap tells where erased events were. Nothing before an item was
    added refers to it, so replay gives the same state. Returns how many events were renumbered."""
    rows: list[tuple[int, str, int]] = db.execute(
        "SELECT seq, body, json_extract(body, '$.type') = 'item_added' FROM events"
        " WHERE retro_id = ? ORDER BY seq",
        (retro_id,),
    ).fetchall()
    first = next((index for index, (_, _, is_added) in enumerate(rows) if is_added), len(rows))
    added = sorted((body for _, body, is_added in rows if is_added), key=_item_id)
    later = [body for _, body, is_added in rows[first:] if not is_added]
    bodies = [body for _, body, _ in rows[:first]] + added + later
    renumbered = [(retro_id, seq, body) for seq, body in enumerate(bodies, start=1)]
    if renumbered == [(retro_id, seq, body) for seq, body, _ in rows]:
        return 0
    db.execute("DELETE FROM events WHERE retro_id = ?", (retro_id,))
    db.executemany("INSERT INTO events (retro_id, seq, body) VALUES (?, ?, ?)", renumbered)
    return len(renumbered)


def _item_id(body: str) -> str:
    return str(json.loads(body)["item_id"])
