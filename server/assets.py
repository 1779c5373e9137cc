"""The phone page as the server sends it, made once, on its first request: slimmed, gzipped, named by hash.

- Every ES module under static/js/, and one stylesheet: app.css with the files it imports put in place of
  each `@import`, so the page loads one stylesheet instead of one per view.
- The modules and the stylesheet live under `/assets/<version>/`, where the version is a hash of all of
  them: a change to any file gives every URL a new name, so each can be cached for good. Relative imports
  between modules need no rewriting, since they all move together.
- The blame-nudge model (retro/blame_model.json, compacted) lives there too, so a phone fetches it once,
  when it first needs it, for every retro on this server. The page fetches it beside its modules.
- The page itself (`index.html`, with `{{assets}}` filled in) is made once for each thing a join link can
  lead to (a phase of a retro, a pulse, or nothing known), and names it in `<meta name="retro-opens">`, so
  that the phone fetches that phase's views while its websocket connects instead of after the first board.
  Each is compressed once and revalidated on every visit.

One version for the whole set rather than one hash per file: per-file names would need every import in
every module rewritten to its target's hash. The set changes only when retro is upgraded.
"""

import gzip
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from retro.phases import Phase
from server.catalogues import catalogues, compact, language_options
from server.slimming import slim_css, slim_html, slim_js

ASSETS_PREFIX = "/assets/"
STYLESHEET = "app.css"
BLAME_RULES = "blame_model.json"
"""The blame-nudge model, shared with the Python side (retro.nudge): the phone runs it as you type."""
JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VERSION_CHARS = 16
PULSE = "pulse"
OPENINGS = ("", PULSE, *(phase.value for phase in Phase))
"""What a join link can open, as the page names it for its loader (loader.js): nothing known yet, a pulse, or
a retro in one of its phases."""
_IMPORT = re.compile(r'^@import url\("([^"]+)"\);$', re.MULTILINE)


@dataclass(frozen=True)
class Stored:
    """One answer ready to send: its bytes plain and gzipped, its type, its validator and cache rule."""

    plain: bytes
    gzipped: bytes | None
    """None where gzip would not make it smaller."""
    content_type: str
    etag: str
    cache_control: str

    def encodings(self) -> tuple[str, ...]:
        return ("gzip",) if self.gzipped is not None else ()

    def body(self, encoding: str) -> bytes:
        return self.gzipped if encoding == "gzip" and self.gzipped is not None else self.plain


def stored(body: bytes, content_type: str, cache_control: str) -> Stored:
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    digest = hashlib.sha256(body).hexdigest()[:VERSION_CHARS]
    smaller = packed if len(packed) < len(body) else None
    return Stored(body, smaller, content_type, f'W/"{digest}"', cache_control)


@dataclass(frozen=True)
class PhonePage:
    version: str
    """The hash in every asset URL: `/assets/<version>/<name>`."""
    pages: dict[str, Stored]
    """The page by what its join link opens (OPENINGS): the same but for the views it names."""
    assets: dict[str, Stored]
    """By name under the version: `js/...` for each module, and `app.css`."""
    model: Stored
    """The blame-nudge model, by the version and cached for good: `/assets/<version>/blame_model.json`."""
    locales: dict[str, Stored]
    """The message catalogues by name under the version (`locales/<code>.json`): a phone fetches its own."""

    def find(self, name: str) -> Stored | None:
        """A module, the stylesheet, a catalogue or the blame-nudge model, by its name under the version."""
        if name == BLAME_RULES:
            return self.model
        return self.assets.get(name) or self.locales.get(name)

    def page(self, opens: str) -> Stored:
        """The page for a join link that opens this: a phase's value, PULSE, or "" when unknown."""
        return self.pages.get(opens) or self.pages[""]

    @property
    def base(self) -> str:
        return f"{ASSETS_PREFIX}{self.version}"


def _static() -> Traversable:
    return files("server").joinpath("static")


def _modules(folder: Traversable, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found |= _modules(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".js"):
            found[prefix + entry.name] = entry.read_text(encoding="utf-8")
    return found


def inline_imports(stylesheet: str, read: Callable[[str], str]) -> str:
    """The stylesheet with each `@import url("…");` line replaced by the file it names.

    An imported file must not import or link anything itself: its relative URLs would point elsewhere
    once it sits inside app.css. That is a mistake in the shipped files, so it stops the server's start.
    """

    def imported(match: re.Match[str]) -> str:
        text = read(match.group(1))
        if "@import" in text or "url(" in text:
            raise ValueError(f"{match.group(1)} links another file; it cannot be folded into {STYLESHEET}")
        return text

    folded = _IMPORT.sub(imported, stylesheet)
    if "@import" in folded:
        raise ValueError(f'{STYLESHEET} has an @import that is not one url("…") on its own line')
    return folded


def version_of(bodies: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(bodies):
        digest.update(name.encode() + b"\0" + hashlib.sha256(bodies[name]).digest())
    return digest.hexdigest()[:VERSION_CHARS]


def build_phone_page() -> PhonePage:
    static = _static()
    bodies = {
        f"js/{name}": slim_js(text).encode() for name, text in _modules(static.joinpath("js"), "").items()
    }
    stylesheet = inline_imports(
        static.joinpath(STYLESHEET).read_text(encoding="utf-8"),
        lambda name: static.joinpath(name).read_text(encoding="utf-8"),
    )
    bodies[STYLESHEET] = slim_css(stylesheet).encode()
    locales = {f"locales/{code}.json": compact(code) for code in catalogues()}
    rules = json.loads(files("retro").joinpath(BLAME_RULES).read_text(encoding="utf-8"))
    rules_body = json.dumps(rules, ensure_ascii=False, separators=(",", ":")).encode()
    version = version_of(bodies | locales | {BLAME_RULES: rules_body})
    assets = {
        name: stored(body, CSS if name == STYLESHEET else JS, IMMUTABLE) for name, body in bodies.items()
    }
    template = static.joinpath("index.html").read_text(encoding="utf-8")
    filled = template.replace("{{assets}}", f"{ASSETS_PREFIX}{version}").replace(
        "{{languages}}", language_options()
    )
    pages = {opens: slim_html(filled.replace("{{opens}}", opens)).encode() for opens in OPENINGS}
    return PhonePage(
        version=version,
        pages={opens: stored(page, HTML, REVALIDATE) for opens, page in pages.items()},
        assets=assets,
        model=stored(rules_body, JSON, IMMUTABLE),
        locales={name: stored(body, JSON, IMMUTABLE) for name, body in locales.items()},
    )
