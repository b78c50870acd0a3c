"""The report's one typeface, inlined into every page so that it reads the same offline.

DejaVu Sans ships inside matplotlib (free licence: Bitstream Vera / DejaVu) and covers
every Vietnamese letter; the charts are laid out with its metrics. Each page carries a
subset (Latin, Vietnamese, combining marks for NFD text, punctuation, ₫) as WOFF,
about 75 kB per face.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

FAMILY = "DejaVu Sans"
_FACES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
_CODE_POINTS = [
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x250),  # Latin-1, Extended-A and -B (Ơ, Ư)
    *range(0x300, 0x370),  # combining diacritics (text sent in NFD)
    *range(0x1EA0, 0x1F00),  # Latin Extended Additional: the Vietnamese letters
    *range(0x2000, 0x2070),  # punctuation: dashes, quotes, ellipsis
    0x20AB,  # ₫
    0x2212,  # minus
    0x2264,  # ≤
    0x2265,  # ≥
    0x25B8,  # ▸ (folds)
]


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@cache
def font_face_css() -> str:
    """@font-face rules with the subset faces as data: URLs (computed once per process)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    rules = []
    for weight, file_name in _FACES.items():
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]  # mark positioning places Vietnamese tone marks
        options.drop_tables += ["FFTM"]
        font = TTFont(_font_dir() / file_name)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_CODE_POINTS)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{FAMILY}';font-weight:{weight};font-style:normal;"
            f"src:url(data:font/woff;base64,{data}) format('woff')}}"
        )
    return "\n".join(rules)
