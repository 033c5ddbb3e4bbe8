"""Finders of text a user reads that is not marked for translation (tests/test_interface_i18n.py).

- `python_findings(path)`: string literals and f-strings in what reaches a user — the message
  and hint of an exception, click's help, prompts and echoed lines, a command's docstring (its
  help) — that are not inside `_()`, `N_()` or `ngettext()`.
- `template_findings(path)`: the text of a Jinja template's HTML outside `{% trans %}` and
  the string constants of its expressions outside `_()`/`ui()`/`greet()`, and the texts of
  the attributes a reader meets (title, alt, aria-label, placeholder).

"Text" means words: what is left after codes, option names, placeholders, commands in
backticks, file names and the proper names of ALLOWED is taken out.
"""

from __future__ import annotations

import ast
import builtins
import html.parser
import re
from pathlib import Path

MARKERS = {"_", "N_", "ngettext", "gettext", "ui", "greet", "greeting"}
MESSAGE_CALLS = {"echo", "secho", "confirm", "prompt", "warn", "warning", "BadParameter",
                 "UsageError", "ClickException", "Abort", "Finding"}
MESSAGE_KEYWORDS = {"help", "hint", "message", "prompt", "confirmation_prompt", "short_help",
                    "epilog", "reason"}
ERROR_SUFFIXES = ("Error", "Refused", "Busy", "Exception")
COMMAND_DECORATORS = {"command", "group"}
# Proper names and codes that read the same in every language.
ALLOWED = {"leaflet", "PAG-ASA", "Payoke", "Sürya", "SHA-256", "PDF", "HTML", "CSV", "JSON",
           "XLIFF", "TBX", "TrimBox", "BleedBox", "sRGB", "CMYK", "PDF/A-2b", "Myria",
           "English", "Français", "Nederlands", "Deutsch", "WeasyPrint", "SQLite",
           "PostgreSQL", "mm", "Babel", "CLDR", "Poedit", "Weblate"}
_STRIP = [
    re.compile(r"\[[\w.{}-]+\]"),                # a table of leaflet.toml: [officer.{}]
    re.compile(r"https?://\S+|\S+@\S+|\S*\w/\S*"),  # addresses, e-mail, paths
    re.compile(r"[\w./{}-]+\.(py|po|pot|mo|tbx|toml|j2|html|css|js|pdf|csv|json|sqlite3|"
               r"xlf|otf|opus|md)\b"),            # file names
    re.compile(r"\bapt-get install [\w -]+"),     # a command for the administrator
    re.compile(r"\{%.*?%\}"),                      # template code
    re.compile(r"`[^`]*`"),                       # commands in backticks
    re.compile(r"%\([a-z_0-9]+\)[sdfr]|\{[a-z_0-9]*\}|%[sd]"),  # placeholders
    re.compile(r"(?<![\w-])--?[a-z][a-z0-9-]*"),   # option names
    re.compile(r"\b[A-Z][A-Z0-9_]*(-[A-Z0-9]+)*\b"),  # codes: LEAFLET-GIVEN, LEAFLET_DB, UTC
    re.compile(r"\b[a-z]+_[a-z_]+\b"),            # field names: not_given_reason
]
_WORD = re.compile(r"[^\W\d_]{2,}")


def words(text: str) -> list[str]:
    """The words of `text` a reader would read as language (see the module docstring)."""
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    for name in ALLOWED:
        text = text.replace(name, " ")
    return _WORD.findall(text)


# --- Python -------------------------------------------------------------------------------------

def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


_COMMAND = re.compile(r"^leaflet [a-z]+( [a-z]+)?( --?\w[\w-]*| \{\})*$")


def _unmarked(node) -> list[tuple[int, str]]:
    """Literal texts under `node` that are not inside a marking call. The keys of a dict (the
    placeholders' names), the arguments of other calls (`.decode("utf-8")`) and a command
    given as a value (`leaflet build --lang ti`) are not text."""
    found = []

    def walk(n):
        if isinstance(n, ast.Call):
            if _name(n.func) in MARKERS:
                return
            walk(n.func)  # `", ".join(…)`: its receiver, not its arguments
            return
        if isinstance(n, ast.Dict):
            for value in n.values:
                walk(value)
            return
        if isinstance(n, ast.Subscript):  # row["unit"]: a key
            walk(n.value)
            return
        if isinstance(n, ast.Compare):  # status != "reviewed": a code
            return
        if isinstance(n, (ast.Constant, ast.JoinedStr)):
            if isinstance(n, ast.Constant):
                if not isinstance(n.value, str):
                    return
                text = n.value
            else:
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}"
                               for v in n.values)
            if words(text) and not _COMMAND.match(text):
                found.append((n.lineno, text))
            return
        for child in ast.iter_child_nodes(n):
            walk(child)
    walk(node)
    return found


BUILTIN_ERRORS = {name for name in dir(builtins) if name.endswith(ERROR_SUFFIXES)}
# The arguments of a message call that are codes: RecordError(field, message, ...).
CODE_ARGUMENTS = {"RecordError": 1}


def _is_message_call(call: ast.Call) -> bool:
    name = _name(call.func)
    if name in BUILTIN_ERRORS:
        return False  # a bug's own words, for a developer
    return name in MESSAGE_CALLS or name.endswith(ERROR_SUFFIXES)


def python_findings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _is_message_call(node):
                for arg in node.args[CODE_ARGUMENTS.get(_name(node.func), 0):]:
                    found += _unmarked(arg)
            for keyword in node.keywords:
                if keyword.arg in MESSAGE_KEYWORDS:
                    found += _unmarked(keyword.value)
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node)
            if doc and not _has_help(node):
                found.append((node.lineno, doc))
    return sorted(set(found))


def _is_command(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = _name(call.func if call else decorator)
        if name in COMMAND_DECORATORS:
            return True
    return False


def _has_help(function: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and _name(d.func) in COMMAND_DECORATORS
               and any(k.arg == "help" for k in d.keywords) for d in function.decorator_list)


# --- templates ---------------------------------------------------------------------------------

READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
HOLE = " "  # where an expression or a marked text was
# Left outside a tag by a macro or a condition: `aria-invalid="true"`, not text.
_ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"?|="[^"]*"')
NOT_TEXT_BLOCKS = {"body_class"}  # blocks whose content is a class name


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.texts.append(data)


def template_findings(path: Path, env) -> list[tuple[int, str]]:
    """Unmarked text of one template (line numbers are the template's)."""
    source = Path(path).read_text(encoding="utf-8")
    found = []
    data: list[tuple[int, str]] = []
    in_trans = False
    tokens = list(env.lex(source))
    in_class_block = False
    for i, (line, kind, value) in enumerate(tokens):
        if kind == "name" and _after_block_begin(tokens, i):
            if value in ("trans", "pluralize"):
                in_trans = True
            elif value == "endtrans":
                in_trans = False
            elif value == "block":
                in_class_block = _next_name(tokens, i) in NOT_TEXT_BLOCKS
            elif value == "endblock":
                in_class_block = False
        if kind == "data":
            data.append((line, HOLE if in_trans or in_class_block else value))
        elif kind in ("variable_begin", "block_begin"):
            data.append((line, HOLE))
        elif (kind == "string" and not in_trans and " " in value.strip("\"' ")
              and words(value) and not _marked(tokens, i) and not _compared(tokens, i)):
            found.append((line, value))
    text = "".join(piece for _line, piece in data)
    parser = _Text()
    parser.feed(text)
    for piece in parser.texts:
        piece = _ATTRIBUTE.sub(" ", piece).strip()
        if words(piece):
            line = next((ln for ln, p in data if piece.split()[0] in p), 0)
            found.append((line, piece))
    return found


def _significant(tokens, i, step):
    j = i + step
    while 0 <= j < len(tokens) and tokens[j][1] == "whitespace":
        j += step
    return tokens[j] if 0 <= j < len(tokens) else (0, "", "")


def _next_name(tokens, i) -> str:
    return _significant(tokens, i, 1)[2]


def _compared(tokens, i) -> bool:
    """A string compared with a value (`status == "changed since review"`) is a code."""
    return (_significant(tokens, i, -1)[2] in ("==", "!=", "in")
            or _significant(tokens, i, 1)[2] in ("==", "!=", "in"))


def _after_block_begin(tokens, i) -> bool:
    j = i - 1
    while j >= 0 and tokens[j][1] == "whitespace":
        j -= 1
    return j >= 0 and tokens[j][1] == "block_begin"


def _marked(tokens, i) -> bool:
    """Whether the string at `i` is the first argument of a marking call."""
    j = i - 1
    while j >= 0 and tokens[j][1] == "whitespace":
        j -= 1
    if j < 1 or tokens[j][2] != "(":
        return False
    j -= 1
    while j >= 0 and tokens[j][1] == "whitespace":
        j -= 1
    return tokens[j][1] == "name" and tokens[j][2] in MARKERS
