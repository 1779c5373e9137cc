"""A phone in tests: a real websockets client speaking the protocol, as the phone page does."""

import json
import secrets
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from retro.secrets import owner_hash


class Phone:
    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.received: list[dict[str, Any]] = []
        self.item_secrets: dict[str, str] = {}

    @classmethod
    async def join(
        cls, websocket_url: str, secret: str | None = None, facilitator_key: str | None = None
    ) -> "Phone":
        """Join as a phone, or as a remote facilitator when given the facilitator key."""
        phone = cls(await connect(websocket_url))
        hello: dict[str, Any] = {"type": "hello", "id": phone.new_id(), "protocol": 1}
        if facilitator_key is not None:
            hello["key"] = facilitator_key
        else:
            hello["secret"] = secret or secrets.token_urlsafe(24)
        await phone.send(hello)
        await phone.wait_for("welcome")
        return phone

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    async def send(self, message: dict[str, Any]) -> None:
        await self.websocket.send(json.dumps(message))

    async def wait_for(self, kind: str, message_id: str | None = None) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(await self.websocket.recv())
            self.received.append(message)
            if message["type"] == kind and (message_id is None or message.get("id") == message_id):
                return message
            if message["type"] == "error" and message_id is not None and message.get("id") == message_id:
                raise AssertionError(f"refused: {message}")

    async def command(self, **command: Any) -> dict[str, Any]:
        message_id = self.new_id()
        await self.send({"type": "command", "id": message_id, "command": command})
        return await self.wait_for("ack", message_id)

    async def add_item(self, text: str, prompt_id: str = "learning") -> str:
        item_secret = secrets.token_urlsafe(24)
        ack = await self.command(
            kind="add_item", prompt_id=prompt_id, text=text, owner_hash=owner_hash(item_secret)
        )
        item_id: str = ack["item_id"]
        self.item_secrets[item_id] = item_secret
        return item_id

    async def close(self) -> None:
        await self.websocket.close()
