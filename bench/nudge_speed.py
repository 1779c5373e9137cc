"""How long the blame nudge takes per keystroke in Chromium, without and with a 4x CPU throttle.

Run from the repository root: ``python -m bench.nudge_speed [--quick]``. Debian's Chromium (through
Playwright) loads the phone's own ``blame_model.js`` and ``retro/blame_model.json``; for each text it
scores every prefix, as typing would (one keystroke, one score), and reports the mean, the 95th
percentile and the worst time per keystroke. CDP's ``Emulation.setCPUThrottlingRate`` slows the CPU 4x,
as the issue asks for a phone. It also prints the model file's gzipped size as the page receives it.
"""

import argparse
import asyncio
import json
from importlib.resources import files

from playwright.async_api import Page, Route

from server.assets import build_phone_page
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.static_files import JS

ORIGIN = "http://nudge.bench"
TEXTS = [
    "Maria skipped the checklist and the audit failed",
    "We found the runbook late; a checklist would help, and I'd like us to try it on nights first",
    "I am so tired of pharmacy dumping the discharge letters on us at the end of every shift and then "
    "acting surprised when handover goes wrong. " * 3,
]
PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
import { readModel, units } from './blame_model.js';
window.bench = async (texts, rounds) => {
  const model = readModel(await (await fetch('./blame_model.json')).json());
  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const text of texts) {
      for (let end = 1; end <= text.length; end += 1) {
        const start = performance.now();
        units(model, text.slice(0, end));
        times.push(performance.now() - start);
      }
    }
  }
  return times;
};
window.ready = true;
</script>"""


async def _serve(route: Route) -> None:
    name = route.request.url.rsplit("/", 1)[-1]
    if name == "blame_model.js":
        await route.fulfill(body=(JS / name).read_text(encoding="utf-8"), content_type="text/javascript")
    elif name == "blame_model.json":
        await route.fulfill(body=files("retro").joinpath(name).read_bytes(), content_type="application/json")
    else:
        await route.fulfill(body=PAGE, content_type="text/html")


def _summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    mean = sum(ordered) / len(ordered)
    p95 = ordered[int(len(ordered) * 0.95)]
    worst = ordered[-1]
    count = len(ordered)
    return f"{label:<14} {count:>6} keystrokes  mean {mean:.3f} ms  p95 {p95:.3f} ms  worst {worst:.3f} ms"


async def _measure(page: Page, rate: float, rounds: int) -> list[float]:
    session = await page.context.new_cdp_session(page)
    await session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    await page.evaluate("([texts, rounds]) => bench(texts, 1)", [TEXTS, 1])  # warm the JIT
    times: list[float] = await page.evaluate("([texts, rounds]) => bench(texts, rounds)", [TEXTS, rounds])
    await session.detach()
    return times


async def run(quick: bool) -> None:
    rounds = 1 if quick else 5
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        await page.route(f"{ORIGIN}/**", _serve)
        await page.goto(f"{ORIGIN}/index.html")
        await page.wait_for_function("window.ready === true")
        plain = await _measure(page, 1, rounds)
        throttled = await _measure(page, 4, rounds)
        await page.close()
    print(_summary("no throttle", plain))
    print(_summary("4x throttle", throttled))
    print(f"ratio of means (4x / none): {sum(throttled) / max(sum(plain), 1e-9):.1f}")
    served = build_phone_page().model
    packed = len(served.gzipped) if served.gzipped is not None else len(served.plain)
    print(f"model file: {len(served.plain)} bytes, {packed} gzipped ({packed / 1024:.1f} KB)")
    print(f"texts: {json.dumps([len(text) for text in TEXTS])} characters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of five")
    asyncio.run(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
