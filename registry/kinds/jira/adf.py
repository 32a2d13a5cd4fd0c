"""Plain text out of Atlassian Document Format (Jira Cloud descriptions and comments)."""

import re

BLOCKS = {
    "paragraph",
    "heading",
    "blockquote",
    "codeBlock",
    "listItem",
    "tableRow",
    "panel",
    "rule",
    "mediaSingle",
    "bulletList",
    "orderedList",
    "table",
    "expand",
    "nestedExpand",
    "taskItem",
    "decisionItem",
    "blockCard",
}
INLINE_LABELS = {"mention": "text", "emoji": "text", "status": "text", "inlineCard": "url"}


def adf_text(node) -> str:
    """The text of an ADF document; a string (Data Center wiki markup) is returned as it is."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.strip()
    parts: list[str] = []

    def walk(item: dict) -> None:
        kind = item.get("type")
        attrs = item.get("attrs") or {}
        if kind == "text":
            parts.append(item.get("text", ""))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind in INLINE_LABELS:
            parts.append(str(attrs.get(INLINE_LABELS[kind]) or attrs.get("shortName") or ""))
        for child in item.get("content") or []:
            walk(child)
        if kind == "tableCell" or kind == "tableHeader":
            parts.append("\t")
        elif kind in BLOCKS:
            parts.append("\n")

    walk(node)
    text = "\n".join(line.strip() for line in "".join(parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()
