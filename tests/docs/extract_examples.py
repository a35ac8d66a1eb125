#!/usr/bin/env python3
"""extract_examples.py - every example of the README and the man pages.

Examples are:
  * in Markdown files: fenced blocks tagged sh, bash, shell, console or c
    (untagged blocks are sample output, not examples);
  * in man pages: .EX/.EE blocks anywhere, and .nf/.fi blocks inside an
    EXAMPLES section (the older way of writing them).

A shell block gives one example per command: a line, with the lines a
trailing backslash continues; "$ " prompts are dropped, blank and comment
lines skipped. A man-page block whose lines end in ';' (or '{', '}') is a C
fragment and gives one example, the whole block.

Usage: extract_examples.py FILE...   prints one JSON object per example:
  {"source": "man/alloctop.1:391", "kind": "sh" | "c", "text": "..."}
"""
import json
import re
import sys

SHELL_TAGS = {"sh", "bash", "shell", "console"}


def roff_text(line):
    """A line of roff as the reader sees it: escapes resolved, fonts gone,
    the arguments of font macros (.B, .BR, ...) joined as roff joins them."""
    m = re.match(r"^\.(B|I|R|BI|BR|IB|IR|RB|RI)\s+(.*)$", line)
    if m:
        args = re.findall(r'"((?:[^"]|"")*)"|(\S+)', m.group(2))
        words = [a or b for a, b in args]
        # .B / .I join with spaces, the alternating ones without
        sep = " " if len(m.group(1)) == 1 else ""
        line = sep.join(words)
    elif line.startswith(".") or line.startswith("'"):
        return None  # any other request: not text
    named = {"aq": "'", "dq": '"', "em": "--", "en": "-", "ti": "~", "ha": "^",
             "rs": "\\", "lq": '"', "rq": '"', "oq": "'", "cq": "'", "mi": "-",
             "ga": "`", "bu": "*", "at": "@", "sh": "#", "Do": "$", "ba": "|",
             "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "<", "ra": ">"}
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = line[i + 1:i + 2]
        if nxt == "(":
            out.append(named.get(line[i + 2:i + 4], ""))
            i += 4
        elif nxt == "[":
            end = line.find("]", i)
            name = line[i + 2:end] if end > 0 else ""
            out.append(named.get(name, ""))
            i = end + 1 if end > 0 else len(line)
        elif nxt == "f":
            i += 3 if line[i + 2:i + 3] != "(" else 5  # \fB, \f(CW
        elif nxt in ("-", "e", "\\"):
            out.append("-" if nxt == "-" else "\\")
            i += 2
        elif nxt in ("&", "c", ":", "/", ",", "%"):
            i += 2
        elif nxt == " ":
            out.append(" ")
            i += 2
        elif nxt == '"':
            break  # a comment to the end of the line
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


def is_c(lines):
    code = [l.strip() for l in lines if l.strip()]
    if not code:
        return False
    ends = 0
    for l in code:
        l = re.sub(r"/\*.*?\*/\s*$", "", l).strip()
        if l.endswith((";", "{", "}")):
            ends += 1
    return ends * 2 >= len(code)


def shell_commands(lines, first_line):
    """(line number, command) of every command in a shell block."""
    cmds, cur, start = [], "", None
    for n, raw in enumerate(lines, first_line):
        line = raw.rstrip()
        if not cur:
            if line.startswith("$ "):
                line = line[2:]
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = n
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        cur += line
        cmds.append((start, cur.strip()))
        cur = ""
    if cur.strip():
        cmds.append((start, cur.strip()))
    return cmds


def emit(path, first_line, lines, kind, out):
    if kind == "c":
        out.append({"source": f"{path}:{first_line}", "kind": "c", "text": "\n".join(lines)})
        return
    for n, cmd in shell_commands(lines, first_line):
        out.append({"source": f"{path}:{n}", "kind": "sh", "text": cmd})


def from_markdown(path, text, out):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*```\s*([A-Za-z0-9_+-]*)", lines[i])
        if not m:
            i += 1
            continue
        tag, start = m.group(1).lower(), i + 1
        j = start
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        if tag in SHELL_TAGS:
            emit(path, start + 1, lines[start:j], "sh", out)
        elif tag == "c":
            emit(path, start + 1, lines[start:j], "c", out)
        i = j + 1


def from_man(path, text, out):
    lines = text.split("\n")
    section, block, start, kind_end = "", None, 0, None
    for n, line in enumerate(lines, 1):
        if block is None:
            if line.startswith(".SH"):
                section = line[3:].strip().strip('"').upper()
            elif line.startswith(".EX"):
                block, start, kind_end = [], n + 1, ".EE"
            elif line.startswith(".nf") and section == "EXAMPLES":
                block, start, kind_end = [], n + 1, ".fi"
            continue
        if line.startswith(kind_end):
            text_lines = [t for t in block if t is not None]
            emit(path, start, text_lines, "c" if is_c(text_lines) else "sh", out)
            block = None
            continue
        block.append(roff_text(line))


def extract(paths):
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if path.endswith(".md"):
            from_markdown(path, text, out)
        else:
            from_man(path, text, out)
    return out


if __name__ == "__main__":
    for example in extract(sys.argv[1:]):
        print(json.dumps(example))
