"""LaTeX formulas as images for Qt's rich text: ziamath typesets them to SVG, Qt rasterises.

No browser engine: latex2mathml turns LaTeX into MathML and ziamath lays the MathML out
with its bundled STIX Two Math font, in pure Python. QtSvg draws the SVG into a PNG at the
screen's device pixel ratio, handed to the label as a ``data:`` URL with its size in
logical pixels (so it stays crisp on HiDPI screens). Each image is made once: the cache key
is the source, display or inline, colour, size and pixel ratio.

Qt's rich text cannot put an inline image's baseline on the text's: an image either sits on
the baseline or (``vertical-align: middle``) is centred half an x-height above it. Inline
formulas use the latter, padded with transparent rows so that the formula's own baseline
lands on the text's.
"""

from __future__ import annotations

import base64
import math
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache, lru_cache

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

FORMULA_SCALE = 1.15  # STIX Two's x-height is smaller than most UI fonts'
SVG_MARGIN_PX = 1.0
CACHE_SIZE = 512
# Longer LaTeX is shown as source: ziamath takes tens of ms per short formula on the GUI
# thread, and a runaway model can write pages between two dollars.
MAX_LATEX_CHARS = 2000
# ziamath lays out each level of nested stretchy brackets twice, so its work doubles with
# every level: "\\sqrt{\\left(" six deep made 82,000 layout nodes (8 s), nine deep, hours.
# Its time follows the nodes it makes (about 80 µs each); a 12 by 12 matrix of fractions,
# near the character cap, makes 8,700. Past this many, the formula is shown as source.
MAX_LAYOUT_NODES = 12_000
UNKNOWN_COMMAND = re.compile(r">\s*\\[A-Za-z]")  # latex2mathml keeps \foo as text
# A minus after a relation, an opening bracket or a comma is a sign, not a subtraction
# (TeX's rule); latex2mathml leaves it an infix operator with spaces: "= − 2".
SIGN_MINUS = re.compile(r"([=<>(\[,&]|\\\\|\\(?:le|ge|leq|geq|neq|ne|approx|to|pm|mp|cdot"
                        r"|times|left[(\[|]))(\s*)-")
# latex2mathml makes \det, \max... operators that ziamath sets with no space after them
# ("detA"); TeX puts a thin space before an operand that is not bracketed.
LIMIT_OPERATOR = re.compile(r"(\\(?:det|gcd|max|min|sup|inf|Pr))(?![A-Za-z])"
                            r"(?=\s*[A-Za-z0-9\\])")
TEXT_GROUP = re.compile(r"(\\(?:text|mbox|textbf|textit|mathrm|operatorname)\s*\{[^{}]*\})")


@dataclass(frozen=True)
class FormulaStyle:
    """How formulas should look next to the text around them."""

    colour: str  # the theme's text colour, "#rrggbb"
    font_px: float  # the text's pixel size
    x_height: float  # the text font's x-height, in pixels
    dpr: float  # the device pixel ratio the image is drawn for


@dataclass(frozen=True)
class FormulaImage:
    url: str  # data:image/png;base64,...
    width: int  # logical pixels
    height: int


def current_style(colour: str) -> FormulaStyle:
    """The style for the application's font and the sharpest screen attached."""
    font = QGuiApplication.font()
    # devicePixelRatio() of the application is the highest of all screens: an image made
    # for it is crisp on each of them.
    return FormulaStyle(colour=colour, font_px=float(QFontInfo(font).pixelSize()),
                        x_height=QFontMetricsF(font).xHeight(),
                        dpr=QGuiApplication.instance().devicePixelRatio())


@lru_cache(maxsize=CACHE_SIZE)
def formula_image(latex: str, display: bool, style: FormulaStyle) -> FormulaImage | None:
    """The formula typeset as an image, or None when it cannot be (the caller shows the
    source instead)."""
    math_node = _typeset(latex, display, style)
    if math_node is None:
        return None
    try:
        svg = math_node.svg().encode()
    except Exception:  # noqa: BLE001 - ziamath fails in many ways on odd input
        return None
    bbox = math_node.node.bbox
    ascent = bbox.ymax + SVG_MARGIN_PX
    descent = -bbox.ymin + SVG_MARGIN_PX
    return _rasterised(svg, ascent, descent, display, style)


def _typeset(latex: str, display: bool, style: FormulaStyle):
    """ziamath's layout of the formula, or None when LaTeX it does not understand would
    show wrongly (unknown commands as text, unbalanced braces, glyphs the font lacks) or
    is too long to typeset on the GUI thread."""
    if not latex.strip() or len(latex) > MAX_LATEX_CHARS or not _braces_balance(latex):
        return None
    ziamath, tex2mml = _ziamath()
    try:
        mathml = tex2mml(_spaced(latex), inline=not display)
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds of errors
        return None
    if UNKNOWN_COMMAND.search(mathml):
        return None
    try:
        root = ET.fromstring(mathml)
        if not _font_has_glyphs(root, ziamath):
            return None
        root.attrib["mathcolor"] = style.colour
        _budget.nodes_left = MAX_LAYOUT_NODES
        return ziamath.Math(root, size=style.font_px * FORMULA_SCALE, margin=SVG_MARGIN_PX)
    except Exception:  # noqa: BLE001 - LayoutTooLarge too
        return None
    finally:
        _budget.nodes_left = None


class LayoutTooLarge(Exception):
    """The formula needs more layout nodes than MAX_LAYOUT_NODES."""


_budget = threading.local()  # nodes_left: of the formula being laid out on this thread


@cache  # once per class: a second wrapper would count every node twice
def _with_node_budget(mnode_class) -> None:
    """Make ziamath's node constructor (every layout node goes through it) count down
    the budget of the formula being laid out, and stop it at zero."""
    original = mnode_class.__init__

    def counted(self, *args, **kwargs) -> None:
        left = getattr(_budget, "nodes_left", None)
        if left is not None:
            if left <= 0:
                raise LayoutTooLarge
            _budget.nodes_left = left - 1
        original(self, *args, **kwargs)

    mnode_class.__init__ = counted


def _ziamath():
    """ziamath and its LaTeX converter, imported on first use: loading the font takes a
    good part of a second, which the window's start should not wait for."""
    import ziamath
    from ziamath.nodes.mnode import Mnode
    from ziamath.tex import tex2mml

    # SVG 1.1 glyph references (xlink:href), which QtSvg reads.
    ziamath.config.svg2 = False
    _with_node_budget(Mnode)
    return ziamath, tex2mml


def _spaced(latex: str) -> str:
    """Outside text groups: signs marked as such ({-}), a thin space after \\det and the
    like."""
    parts = TEXT_GROUP.split(latex)  # odd parts are text groups
    return "".join(part if index % 2 else LIMIT_OPERATOR.sub(
        r"\1\\,", SIGN_MINUS.sub(r"\1\2{-}", part)) for index, part in enumerate(parts))


def _braces_balance(latex: str) -> bool:
    depth = 0
    for brace in re.findall(r"\\.|[{}]", latex):
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _font_has_glyphs(root: ET.Element, ziamath) -> bool:
    """Whether the math font draws every character (it has no CJK: \\text{面积} would be
    boxes)."""
    font = ziamath.zmath.loadedfonts["default"]
    for element in root.iter():
        for char in (element.text or "").strip():
            if not char.isspace() and font.glyphindex(char) == 0:
                return False
    return True


def _rasterised(svg: bytes, ascent: float, descent: float, display: bool,
                style: FormulaStyle) -> FormulaImage | None:
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        return None
    view_width = renderer.viewBoxF().width()
    top, bottom = (0.0, 0.0) if display else _baseline_padding(ascent, descent, style)
    content_height = ascent + descent
    width = math.ceil(view_width)
    height = math.ceil(content_height + top + bottom)
    extra = (height - content_height - top - bottom) / 2  # rounding up, on both sides
    dpr = style.dpr
    image = QImage(max(1, round(width * dpr)), max(1, round(height * dpr)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, (top + extra) * dpr, view_width * dpr,
                                    content_height * dpr))
    painter.end()
    return FormulaImage(url=_png_data_url(image), width=width, height=height)


def _baseline_padding(ascent: float, descent: float, style: FormulaStyle) -> tuple[float, float]:
    """Transparent rows (top, bottom) that put the formula's baseline on the text's.

    With ``vertical-align: middle`` Qt gives an image of height H the ascent
    (H + x/2) / 2, x being the x-height: solving ascent + top = (H + x/2) / 2 gives
    top - bottom = descent - ascent + x/2.
    """
    difference = descent - ascent + style.x_height / 2
    return (difference, 0.0) if difference > 0 else (0.0, -difference)


def _png_data_url(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")
