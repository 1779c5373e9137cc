"""The phone's JavaScript and Python give the same score on every labelled item: run under Node."""

import json
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from bench.nudge_items import load_items
from retro import nudge
from tests.support.static_files import STATIC

MODEL_PATH = Path(str(files("retro").joinpath(nudge.MODEL_FILE)))

# Beyond the labelled set: where the two languages could differ (Unicode case and normal forms, surrogates,
# emoji, apostrophes, line breaks, empty text).
PROBES = [
    "",
    "   ",
    "Zoë forgot the release again",
    "Renée didn’t check the obs",
    "İlker ignored the alert",
    "ΟΔΥΣΣΕΑΣ lost the keys",
    "Straße: the monitor failed",
    "ﬁxed by Ｍａｒｉａ, thanks",
    "Sam 🙄 forgot again 👏👏",
    "Lee`s tests never pass",
    "'Sam' said 'no'",
    "Whose fault was it?\r\nNot mine",
    "Handover ran late.\nSomeone should have rung the bed manager",
    "lone \ud800 surrogate from Sam",
    "𝒮𝒶𝓂 forgot",
    "A&E ignored us, as usual",
    "x" * 600,
]

NODE_SCRIPT = r"""
const fs = require('fs');
import(process.argv[1]).then(({ readModel, units, score, pointsAtPerson }) => {
  const model = readModel(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
  const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = texts.map((text) => [units(model, text), score(model, text), pointsAtPerson(model, text)]);
  process.stdout.write(JSON.stringify(out));
});
"""


def test_javascript_and_python_give_the_same_score_on_every_item(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: apt-get install nodejs")
    module = tmp_path / "blame_model.mjs"
    module.write_text((STATIC / "js" / "blame_model.js").read_text(encoding="utf-8"), encoding="utf-8")
    texts = [item.text for item in load_items()] + PROBES
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT, module.as_uri(), str(MODEL_PATH)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    in_javascript: list[tuple[int, float, bool]] = json.loads(result.stdout)
    assert len(in_javascript) == len(texts) >= 2000
    model = nudge.load_model()
    differences = [
        (text, (model.units(text), model.score(text), model.points_at_person(text)), js)
        for text, js in zip(texts, in_javascript, strict=True)
        if js[0] != model.units(text)
        or abs(js[1] - model.score(text)) > 1e-9
        or js[2] != model.points_at_person(text)
    ]
    assert differences == []
    assert sum(flagged for _, _, flagged in in_javascript) >= 800, "both sides flag plenty: not vacuous"
