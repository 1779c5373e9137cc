"""Debian's Chromium, driven by Playwright: never a downloaded browser."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from playwright.async_api import Browser, Page, ViewportSize, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT: ViewportSize = {"width": 390, "height": 844}


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


AXE_SCRIPT = "axe.min.js"
"""axe-core, as bundled by the axe-playwright-python package (a test dependency): no download at run time."""


async def accessibility_problems(page: Page) -> list[str]:
    """Every violation axe-core finds on the page as it is now, whatever its impact: one line per element."""
    await page.evaluate(files("axe_playwright_python").joinpath(AXE_SCRIPT).read_text(encoding="utf-8"))
    results: dict[str, list[dict[str, Any]]] = await page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]
