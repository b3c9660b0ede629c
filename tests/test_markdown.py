from desktop_chat.ui.render.markdown import (
    COPY_CODE_SCHEME,
    MarkdownRenderer,
    Palette,
    split_blocks,
)

PALETTE = Palette("#000", "#666", "#f4f4f4", "#ccc", "#06c", "friendly")


def render(text):
    return MarkdownRenderer(PALETTE).render(text)


def test_html_from_the_model_is_shown_as_text():
    html = render('<script>alert(1)</script> <img src="http://x/y.png"> **bold**').html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<strong>bold</strong>" in html


def test_markdown_images_become_links_and_never_load():
    html = render("![a cat](https://example.com/cat.png)").html
    assert "<img" not in html
    assert '<a href="https://example.com/cat.png">[a cat]</a>' in html


def test_tables_inline_code_and_highlighted_code_blocks_with_copy_links():
    result = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nUse `x`.\n\n```python\nprint('hi')\n```\n")
    assert "<table" in result.html and "<td>1</td>" in result.html
    assert "<code" in result.html and "x" in result.html
    assert f'href="{COPY_CODE_SCHEME}:0"' in result.html
    assert result.code == ["print('hi')\n"]
    assert "color" in result.html.split("<pre", 1)[1]  # pygments colours, inline


def test_blocks_split_at_blank_lines_but_never_inside_code_or_list_items():
    text = "One.\n\n```\na\n\nb\n```\n\n- item\n\n  more\n- next\n\nEnd"
    blocks = split_blocks(text)
    assert "".join(blocks) == text
    assert blocks == ["One.\n\n", "```\na\n\nb\n```\n\n", "- item\n\n  more\n- next\n\n", "End"]
