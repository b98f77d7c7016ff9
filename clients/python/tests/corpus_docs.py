"""A small corpus of real prose documents, ingested with ``lakebeam ingest documents``.

Twelve topics, one short document each, plus a near-copy of the espresso note (for MMR and
dedup) and a note on a subject far from every other one. Each document is one chunk.
"""

from __future__ import annotations

from pathlib import Path

DOCS = {
    "espresso.txt": "Pulling a good espresso shot takes finely ground coffee, about 9 bars of"
    " pressure and 25 to 30 seconds of extraction. Tamp the grounds evenly before brewing.\n",
    "espresso-notes.txt": "Pulling a good espresso shot takes finely ground coffee, roughly 9 bars"
    " of pressure and 25 to 30 seconds of extraction. Tamp the coffee evenly before brewing.\n",
    "tomatoes.md": "# Growing tomatoes\n\nTomatoes need full sun, rich soil and regular watering."
    " Stake the plants early and pinch out the side shoots so the fruit ripens.\n",
    "night-trains.html": "<html><head><title>Night trains</title></head><body><h1>Night trains"
    "</h1><p>Sleeper trains connect Vienna, Zurich and Hamburg overnight; book a couchette early"
    " in summer.</p></body></html>",
    "key-rotation.md": "# Rotating encryption keys\n\nTo rotate keys, create a new key version,"
    " re-encrypt the data keys with it, then disable the old version once every reader has"
    " switched.\n",
    "sourdough.txt": "A sourdough starter is flour and water fermented by wild yeast. Feed it"
    " daily, and bake when it doubles within six hours of feeding.\n",
    "bicycle.md": "# Bicycle chain care\n\nClean the chain with a degreaser, dry it, then apply"
    " one drop of lubricant per link and wipe off the excess.\n",
    "virtualenv.md": "# Python virtual environments\n\nCreate one with python -m venv .venv,"
    " activate it, and install packages with pip so that projects do not share dependencies.\n",
    "git-branches.txt": "Create a branch in git with git switch -c feature, commit your work,"
    " and merge it back into main with a pull request after review.\n",
    "marathon.txt": "Marathon training builds the weekly long run slowly, by about ten percent a"
    " week, with easy runs in between and a taper in the last three weeks.\n",
    "beekeeping.md": "# Beekeeping in spring\n\nInspect the hive on a warm day, check that the"
    " queen is laying, and add a super when the bees cover most frames.\n",
    "solar.txt": "Solar panels produce the most energy facing south at a tilt close to the"
    " latitude; shade on a single cell lowers the output of the whole string.\n",
    "tax-form-7b.txt": "FORM 7B SECTION 12 SUBSECTION 4 LINE 19: ENTER THE AMOUNT FROM LINE 18"
    " MINUS LINE 17 UNLESS LINE 16 IS ZERO IN WHICH CASE ENTER ZERO.\n",
}


def write_corpus(folder: Path) -> Path:
    """Write the documents into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
