"""How a topic reads in a list: its title, its items indented beneath, and what is known about it.

Everything here is user text, so it is built as plain Text: markup in an item is shown, never run.
"""

from rich.text import Text

from retro.views import ActionView, BoardView, ClaimView, NoteView, TopicView
from tui.plain_emoji import plain_emoji
from tui.wording import plural


def prompt_labels(board: BoardView) -> dict[str, str]:
    return {prompt.prompt_id: plain_emoji(prompt.text) for prompt in board.prompts}


def notes_for(board: BoardView, topic_id: str) -> list[NoteView]:
    return [note for note in board.notes if note.topic_id == topic_id]


def actions_for(board: BoardView, topic_id: str) -> list[ActionView]:
    return [action for action in board.actions if action.topic_id == topic_id]


def action_line(action: ActionView) -> Text:
    text = Text("→ ", style="bold")
    text.append(plain_emoji(action.text))
    text.append(f" · {plain_emoji(action.owner)}", style="dim")
    return text


def claims_for(board: BoardView, topic: TopicView) -> list[ClaimView]:
    """Claims on the topic's items, in the order of its items."""
    by_item = {claim.item_id: claim for claim in board.claims}
    return [by_item[item.item_id] for item in topic.items if item.item_id in by_item]


def claim_line(claim: ClaimView, *, in_group: bool = False) -> str:
    """The author chose to say "that was me, happy to talk"; their name shows only if they gave one."""
    who = plain_emoji(claim.name) or ("one of its authors" if in_group else "its author")
    return f"✋ {who} is happy to talk"


def topic_text(
    topic: TopicView,
    board: BoardView,
    *,
    marker: str = "",
    votes: bool = False,
    items: bool = True,
    notes: bool = False,
    labels: bool = True,
    claims: bool = False,
    actions: bool = False,
) -> Text:
    """`marker` leads the first line; `votes` shows the total once voting has closed; `items` lists a
    group's items beneath it; `notes` lists the notes; `labels` names the prompt each item answered;
    `claims` says who is happy to talk about it; `actions` lists the actions recorded for it."""
    text = Text()
    if marker:
        text.append(f"{marker} ", style="bold")
    if votes and topic.votes is not None:
        text.append(f"● {topic.votes:<3} ", style="bold")
    prompts = prompt_labels(board) if labels else {}
    if topic.grouped:
        text.append(plain_emoji(topic.title), style="bold")
        text.append(f"  ({plural(len(topic.items), 'item')})", style="dim")
        if items:
            for item in topic.items:
                text.append("\n      · ")
                text.append(plain_emoji(item.text))
                text.append(f"  {prompts.get(item.prompt_id, '')}", style="dim italic")
    else:
        text.append(plain_emoji(topic.title))
        text.append(f"  {prompts.get(topic.items[0].prompt_id, '')}", style="dim italic")
    if claims:
        for claim in claims_for(board, topic):
            text.append("\n      ")
            text.append(claim_line(claim, in_group=topic.grouped), style="bold")
    if notes:
        for note in notes_for(board, topic.topic_id):
            text.append("\n      ✎ ", style="dim")
            text.append(plain_emoji(note.text), style="italic")
    if actions:
        for action in actions_for(board, topic.topic_id):
            text.append("\n      ")
            text.append_text(action_line(action))
    return text
