"""What a page fetched over the network, as Chromium's DevTools protocol reports it.

Playwright's `request` event also fires for answers from the HTTP cache, and the phone page asks the cache
on purpose: it imports a lazy module only after fetching its file (retry.js `importArrived`), so that a
failed fetch can be tried again, and the import is then a cache hit that costs no byte. Counting what
crossed the network means leaving those out: an answer from the memory cache
(`Network.requestServedFromCache`) or from the disk cache (`Network.responseReceived` `fromDiskCache`).
"""

from typing import Any

from playwright.async_api import Page


class NetworkRequests:
    def __init__(self) -> None:
        self._sent: dict[str, str] = {}
        self._from_cache: set[str] = set()

    @classmethod
    async def watching(cls, page: Page) -> "NetworkRequests":
        requests = cls()
        cdp = await page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", requests._on_sent)
        cdp.on("Network.requestServedFromCache", requests._on_from_cache)
        cdp.on("Network.responseReceived", requests._on_response)
        await cdp.send("Network.enable")
        return requests

    def _on_sent(self, event: dict[str, Any]) -> None:
        self._sent[event["requestId"]] = event["request"]["url"]

    def _on_from_cache(self, event: dict[str, Any]) -> None:
        self._from_cache.add(event["requestId"])

    def _on_response(self, event: dict[str, Any]) -> None:
        if event["response"].get("fromDiskCache"):
            self._from_cache.add(event["requestId"])

    @property
    def urls(self) -> list[str]:
        """Every URL fetched over the network so far, in the order they were asked for."""
        return [url for request, url in self._sent.items() if request not in self._from_cache]
