"""Formula rendering figures: 50 R1-like formulas, first time and cached.

    python dev.py bench math_render

Prints the time to import the renderer (ziamath loads its STIX Two Math font), to typeset
and rasterise 50 distinct formulas the first time (inline and display, as the answer view
does: SVG -> PNG data URL at the device pixel ratio), the same 50 again from the cache, and
a whole answer (tests/fixtures/math_answer.md) through the Markdown renderer.
Then a long list answer with formulas on every line (the shape that made math parsing
quadratic), 400 and 4,000 lines, formulas cached: the render time of each and their ratio
(10x the lines should cost at most 12x the time).
Then the two LaTeX front ends the renderer could use, on the same formulas: ziamath's own
(latex2mathml with ziamath's fixes) and latex2mathml alone, both laid out by ziamath's
MathML renderer (the one pure-Python MathML renderer there is): time, and which formulas
each fails on or shows with an unknown command.
Times are CPU seconds of this process (time.process_time), which a busy machine does not
inflate as it does wall time; the total wall time is printed beside them.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.ui.render import theme as themes  # noqa: E402
from desktop_chat.ui.render.formula_images import (  # noqa: E402
    UNKNOWN_COMMAND,
    current_style,
    formula_image,
)
from desktop_chat.ui.render.markdown import MarkdownRenderer  # noqa: E402

TEMPLATES = [
    r"\boxed{{{n}}}",
    r"\frac{{{n}}}{{{m}}} + \frac{{1}}{{{m}}} = \frac{{{n}+1}}{{{m}}}",
    r"\sum_{{k=1}}^{{{n}}} k^2 = \frac{{{n}({n}+1)(2\cdot{n}+1)}}{{6}}",
    r"\begin{{pmatrix}} {n} & {m} \\ {m} & {n} \end{{pmatrix}}",
    r"\begin{{bmatrix}} a_{{11}} & a_{{12}} \\ a_{{21}} & a_{{{n}2}} \end{{bmatrix}}",
    r"\text{{area}} = \pi r^2 = {n}\pi",
    r"\begin{{aligned}} x &= {n} \\ y &= {m}x + 1 \end{{aligned}}",
    r"x = \frac{{-b \pm \sqrt{{b^2 - 4ac}}}}{{2a}}, \quad a = {n}",
    r"\int_0^{{{n}}} x^2 \, dx = \frac{{{n}^3}}{{3}}",
    r"\lim_{{x \to {n}}} \frac{{\sin x}}{{x}}",
    r"\binom{{{n}}}{{{m}}} = \frac{{{n}!}}{{{m}!({n}-{m})!}}",
    r"f(x) = \begin{{cases}} x^{n} & x \ge 0 \\ -x & x < 0 \end{{cases}}",
    r"\sqrt[3]{{{n}}} \approx {m}.26",
    r"a_{{n+1}} = {m} a_n - {n}",
    r"\left( \frac{{{n}}}{{{m}}} \right)^2 = \frac{{{n}^2}}{{{m}^2}}",
    r"P(A \mid B) = \frac{{P(B \mid A) P(A)}}{{P(B)}} = 0.{n}",
    r"\det \begin{{pmatrix}} 1 & {n} \\ {m} & 4 \end{{pmatrix}} = 4 - {n}\cdot{m}",
    r"\therefore \; n = {n}, \; \text{{so the answer is }} \boxed{{{m}}}",
    r"\mathbb{{Z}}_{{{n}}} \cong \mathbb{{Z}} / {n}\mathbb{{Z}}",
    r"e^{{i\pi}} + {n} = {m}",
    r"\vec{{v}} \cdot \vec{{w}} = {n}",
    r"\log_2 {n} < {m} \leq \log_2 {n}^2",
    r"\overline{{AB}} = {n}\,\text{{cm}}",
    r"\prod_{{i=1}}^{{{n}}} (1 + x_i)",
    r"{n}^{{{m}}} \equiv 1 \pmod{{7}}",
]


def formulas() -> list[str]:
    return [t.format(n=n, m=m) for n, m in ((3, 5), (8, 2)) for t in TEMPLATES]


class Clock:
    """CPU time of each measured step, and the wall time of them all."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall = 0.0

    def __enter__(self) -> Clock:
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu.append(time.process_time() - self._cpu)
        self.wall += time.perf_counter() - self._wall


def render_all(items: list[str], colour: str) -> Clock:
    style = current_style(colour)
    clock = Clock()
    for index, latex in enumerate(items):
        with clock:
            formula_image(latex, index % 2 == 1, style)  # half inline, half display
    return clock


def show(label: str, clock: Clock) -> None:
    cpu = clock.cpu
    total, mean, most = sum(cpu) * 1000, statistics.mean(cpu) * 1000, max(cpu) * 1000
    print(f"{label:<46} CPU total {total:7.1f} ms  mean {mean:6.2f} ms  max {most:6.1f} ms"
          f"  (wall {clock.wall * 1000:7.1f} ms)")


def compare_front_ends(items: list[str]) -> None:
    import latex2mathml.converter
    import ziamath

    front_ends = {
        "ziamath.Latex (latex2mathml + fixes)": lambda latex: ziamath.Latex(latex, size=16),
        "latex2mathml.convert + ziamath.Math":
            lambda latex: ziamath.Math(latex2mathml.converter.convert(latex), size=16),
    }
    for name, typeset in front_ends.items():
        failed, unknown, clock = [], [], Clock()
        for latex in items:
            with clock:
                try:
                    math = typeset(latex)
                    math.svg()
                    if UNKNOWN_COMMAND.search(math.mathmlstr()):
                        unknown.append(latex)
                except Exception as error:  # noqa: BLE001 - counting failures
                    failed.append(f"{latex}  ({type(error).__name__})")
        show(name, clock)
        for latex in failed:
            print(f"    fails: {latex}")
        for latex in unknown:
            print(f"    unknown command shown as text: {latex}")


LIST_LINE_TEMPLATES = [
    "{i}. Step {i}: with $x_{{{k}}} = \\frac{{{k}}}{{2}}$ we get \\(y^{{{k}}} + 1\\) here.",
    "{i}. So $$a_{{{k}}} = {k}^2$$ and the price stays $5 and $10.",
    "{i}. Then \\[ S_{{{k}}} = \\sum_{{j=1}}^{{{k}}} j \\] holds, and *that* is **it**.",
    "{i}. A plain line with `code` and a [link](https://example.com/{k}).",
]


def list_answer(lines: int) -> str:
    """A numbered list, one item a line, no blank line: formulas of ten kinds repeat."""
    return "\n".join(LIST_LINE_TEMPLATES[i % len(LIST_LINE_TEMPLATES)].format(i=i + 1,
                                                                               k=i % 10)
                      for i in range(lines)) + "\n"


def long_list_figures(renderer: MarkdownRenderer) -> None:
    times = {}
    for lines in (400, 4000):
        answer = list_answer(lines)
        renderer.render(answer)  # its formulas typeset once
        clock = Clock()
        for _ in range(3):
            gc.collect()  # the last run's garbage is not this one's to collect
            with clock:
                renderer.render(answer)
        times[lines] = min(clock.cpu)
        print(f"{f'{lines:,}-line list answer to HTML, formulas cached':<48} "
              f"CPU best of 3 {times[lines] * 1000:8.1f} ms  (wall {clock.wall / 3 * 1000:8.1f} "
              f"ms each)")
    ratio = times[4000] / times[400]
    print(f"{'4,000 / 400 lines (target: at most 12x)':<48} {ratio:5.1f}x "
          f"{'ok' if ratio <= 12 else 'OVER TARGET'}")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    items = formulas()
    assert len(set(items)) == 50
    print(f"device pixel ratio {app.devicePixelRatio()}, "
          f"text {current_style('#000000').font_px:.0f} px")
    with Clock() as clock:
        import ziamath  # noqa: F401
    show("import ziamath (loads the math font)", clock)
    show("50 formulas, first time", render_all(items, themes.LIGHT.text))
    show("50 formulas, cached", render_all(items, themes.LIGHT.text))
    show("50 formulas, other theme (new colour)", render_all(items, themes.DARK.text))
    answer = (ROOT / "tests" / "fixtures" / "math_answer.md").read_text(encoding="utf-8")
    renderer = MarkdownRenderer(themes.LIGHT.markdown)
    renderer.render(answer)  # its formulas typeset once
    clock = Clock()
    for _ in range(20):
        with clock:
            renderer.render(answer)
    show("fixture answer to HTML, formulas cached (x20)", clock)
    long_list_figures(renderer)
    print()
    compare_front_ends(items)


if __name__ == "__main__":
    main()
