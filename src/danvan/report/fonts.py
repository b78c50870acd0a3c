"""The report's typeface, inlined into every page so that it reads the same offline.

Be Vietnam Pro (SIL Open Font License 1.1, shipped by the ``fontpkg-be-vietnam-pro``
package) was drawn for Vietnamese: its stacked tone marks sit right at small sizes.
Each page carries a subset (Latin, Vietnamese, combining marks for text sent in NFD,
punctuation, ₫) as WOFF, and the charts are laid out with its advance widths.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from importlib.resources import files
from pathlib import Path

FAMILY = "Be Vietnam Pro"
_FACES = {"normal": "BeVietnamPro-Regular.ttf", "bold": "BeVietnamPro-SemiBold.ttf"}
_CODE_POINTS = [
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x250),  # Latin-1, Extended-A and -B (Ơ, Ư)
    *range(0x300, 0x370),  # combining diacritics (text sent in NFD)
    *range(0x1EA0, 0x1F00),  # Latin Extended Additional: the Vietnamese letters
    *range(0x2000, 0x2070),  # punctuation: dashes, quotes, ellipsis
    0x20AB,  # ₫
    0x2190,  # ←
    0x2212,  # minus
    0x2264,  # ≤
    0x2265,  # ≥
]


def _face(file_name: str) -> Path:
    return Path(str(files("fontpkg_be_vietnam_pro") / "files" / file_name))


@cache
def font_face_css() -> str:
    """@font-face rules with the subset faces as data: URLs (computed once per process)."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    rules = []
    for weight, file_name in _FACES.items():
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]  # mark positioning places the tone marks
        font = TTFont(_face(file_name))
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


@cache
def _advances() -> tuple[dict[int, float], float]:
    """Advance width of every character of the regular face, in ems."""
    from fontTools.ttLib import TTFont

    font = TTFont(_face(_FACES["normal"]), lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return widths, widths.get(ord("n"), 0.55)


def text_width(text: str, size: float) -> float:
    """Width of a line of text set at ``size`` px (combining marks take no room)."""
    widths, fallback = _advances()
    return size * sum(widths.get(ord(ch), fallback) for ch in text if not 0x300 <= ord(ch) < 0x370)
