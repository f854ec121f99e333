"""Rich output for notebooks: a result shown as its Markdown (Mermaid graph, tables, chain rule), with
HTML made from that Markdown, through IPython's display protocol."""
from __future__ import annotations

import re

from ..text import LazyPattern


class RichOutput:
    """Mixin for what a notebook shows: the subclass gives `_repr_markdown_` (and `_repr_latex_`);
    `_repr_html_` is that Markdown as HTML, for frontends and converters that want HTML."""

    def _repr_markdown_(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return html_of(self._repr_markdown_())

    def _ipython_display_(self) -> None:
        # Markdown alone: JupyterLab prefers text/html to text/markdown, and only its Markdown renderer
        # draws ```mermaid (≥ 4.1) and typesets $$…$$ the way the notes do
        from IPython.display import display

        display({"text/markdown": self._repr_markdown_(), "text/plain": repr(self)}, raw=True)


_FENCE = LazyPattern(r"(`{3,}|~{3,})\s*([\w+-]*)")
_INLINE = LazyPattern(r"(`+)(.+?)\1|\*\*(.+?)\*\*|(!?)\[([^\]]*)\]\(<?([^)>]*)>?\)")


def _escape(text: str) -> str:
    import html  # here, not at the top: cgcli.api imports this module at every start of the CLI (1.6 ms)

    return html.escape(text)


def html_of(markdown: str) -> str:
    """HTML for the Markdown cgrad's renderers write: headings, paragraphs, pipe tables, fenced code
    (```mermaid as <pre class="mermaid">, which mermaid.js draws), $$ display math (for MathJax),
    lists, rules, `code`, **bold**, links and pictures. Not a general Markdown converter."""
    lines, out, index = markdown.split("\n"), [], 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.fullmatch(line.strip())
        if fence:
            close = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == fence[1]), len(lines))
            code = _escape("\n".join(lines[index + 1:close]))
            language = fence[2]
            out.append(f'<pre class="mermaid">{code}</pre>' if language == "mermaid" else
                       f'<pre><code class="language-{language or "text"}">{code}</code></pre>')
            index = close + 1
        elif line.strip().startswith("$$"):
            close = index if line.strip().endswith("$$") and len(line.strip()) > 2 else \
                next((i for i in range(index + 1, len(lines)) if lines[i].strip().endswith("$$")), len(lines) - 1)
            out.append(f'<div class="math">{_escape(chr(10).join(lines[index:close + 1]))}</div>')
            index = close + 1
        elif line.startswith("|"):
            rows = []
            while index < len(lines) and lines[index].startswith("|"):
                rows.append(lines[index])
                index += 1
            out.append(_table(rows))
        elif line.startswith("- "):
            items = []
            while index < len(lines) and lines[index].startswith("- "):
                items.append(f"<li>{_inline(lines[index][2:])}</li>")
                index += 1
            out.append("<ul>" + "".join(items) + "</ul>")
        elif re.fullmatch(r"#{1,6} .*", line):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{_inline(line[level + 1:])}</h{level}>")
            index += 1
        elif line.strip() in ("---", "***"):
            out.append("<hr/>")
            index += 1
        elif line.strip().startswith("<!--") or not line.strip():
            index += 1
        else:
            paragraph = []
            while index < len(lines) and lines[index].strip() and not _starts_block(lines[index]):
                paragraph.append(_inline(lines[index].rstrip()) + ("<br/>" if lines[index].endswith("  ") else ""))
                index += 1
            out.append("<p>" + "\n".join(paragraph) + "</p>")
    return "\n".join(out) + "\n"


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(_FENCE.fullmatch(stripped) or stripped.startswith(("$$", "<!--")) or line.startswith(("|", "- "))
                or re.fullmatch(r"#{1,6} .*", line))


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def _table(rows: list[str]) -> str:
    header, rule, body = _cells(rows[0]), _cells(rows[1]) if len(rows) > 1 else [], rows[2:]
    align = ["right" if cell.endswith(":") and not cell.startswith(":") else None for cell in rule]

    def cell(tag: str, text: str, column: int) -> str:
        style = f' style="text-align: {align[column]}"' if column < len(align) and align[column] else ""
        return f"<{tag}{style}>{_inline(text.replace(chr(92) + '|', '|'))}</{tag}>"

    head = "".join(cell("th", text, column) for column, text in enumerate(header))
    lines = "".join("<tr>" + "".join(cell("td", text, column) for column, text in enumerate(_cells(row))) + "</tr>"
                    for row in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>"


_ESCAPED = LazyPattern(r"\\([!-/:-@\[-`{-~])")  # a Markdown backslash escape of ASCII punctuation: u\_c, \[


def _text(text: str) -> str:
    """Markdown text (not code) as HTML: its backslash escapes read as the characters they escape."""
    return _escape(_ESCAPED.sub(r"\1", text))


def _inline(text: str) -> str:
    """`code`, **bold**, [links](url) and ![pictures](url); everything else escaped."""
    out, done = [], 0
    for match in _INLINE.finditer(text):
        out.append(_text(text[done:match.start()]))
        if match[1]:
            out.append(f"<code>{_escape(match[2].strip())}</code>")
        elif match[3] is not None:
            out.append(f"<strong>{_text(match[3])}</strong>")
        elif match[4]:
            out.append(f'<img src="{_escape(match[6])}" alt="{_escape(match[5])}"/>')
        else:
            out.append(f'<a href="{_escape(match[6])}">{_escape(match[5])}</a>')
        done = match.end()
    out.append(_text(text[done:]))
    return "".join(out)
