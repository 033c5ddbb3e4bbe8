"""Reading leaflet.toml's values: every key and string checked (no invisible or direction
character, no word that mixes scripts, no runaway length), tables, strings, dates, contact
details, organisations and the contact website, each error naming the file and the line.
The sections of leaflet.toml are parsed with these, one function each
(leaflet.workspace.sections).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from leaflet.errors import ConfigError
from leaflet.i18n import _
from leaflet.textsafety import clip, describe, first_invisible
from leaflet.workspace.model import (_BCP47, _HOST_LABEL, EARLIEST_DATE, KINDS, MAX_VALUE_CHARS,
                                     Detail, Organisation, Website, toml_line)


class _Parser:
    """Turns the decoded TOML into a Workspace, naming file and line on every error."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        self.lines = text.splitlines()

    def line_of(self, table: str, key: str | None = None) -> int | None:
        return toml_line(self.lines, table, key)

    def fail(self, message: str, table: str, key: str | None = None, hint: str | None = None):
        raise ConfigError(message, path=self.path, line=self.line_of(table, key), hint=hint)

    def check_text(self, data: dict, table: str = "") -> None:
        """Every key and string value: no invisible or direction character, no word that
        mixes scripts, no runaway length. leaflet.toml holds Belgian contact data and
        settings in Latin script; a U+202E or a Cyrillic "а" in it is a forgery or a paste
        accident, never intended (docs/translating.md lists the characters)."""
        for key, value in data.items():
            where = f"{table}.{key}" if table else key
            table_name, _dot, leaf = where.rpartition(".")
            for text, what in ((key, "key"), (value, "value")):
                if not isinstance(text, str):
                    continue
                self._check_string(text, what, where, table_name or leaf,
                                   leaf if table_name else None)
            if isinstance(value, dict):
                self.check_text(value, where)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        self._check_string(item, "value", where, table_name or leaf,
                                           leaf if table_name else None)

    def _check_string(self, text: str, what: str, where: str, table: str, key: str | None):
        from leaflet.textsafety import mixed_script_words

        def fail(message, hint=None):
            line = next((i for i, row in enumerate(self.lines, 1) if text in row), None) \
                if text else None
            raise ConfigError(message, path=self.path,
                              line=line or self.line_of(table, key) or self.line_of(
                                  where.split(".")[0]), hint=hint)

        bad = first_invisible(text)
        if bad is not None:
            # Translators: %(where)s is a setting of leaflet.toml, like organisations.payoke;
            # %(character)s describes the character, like U+202E RIGHT-TO-LEFT OVERRIDE.
            message = (_("the key of %(where)s holds the invisible character %(character)s")
                       if what == "key" else
                       _("the value of %(where)s holds the invisible character %(character)s"))
            fail(message % {"where": where, "character": describe(bad)},
                 hint=_("retype the value; leaflet.toml needs no format, direction or control "
                        "characters"))
        if len(text) > MAX_VALUE_CHARS:
            message = (_("the key of %(where)s is %(length)s characters long (at most "
                         "%(most)s)") if what == "key" else
                       _("the value of %(where)s is %(length)s characters long (at most "
                         "%(most)s)"))
            fail(message % {"where": where, "length": len(text), "most": MAX_VALUE_CHARS})
        if what == "value" and not text.isascii():
            mixed = mixed_script_words(text)
            if mixed:
                word, scripts = mixed[0]
                # Translators: %(scripts)s are script names joined by " + ", like
                # "Latin + Cyrillic".
                fail(_("the value of %(where)s mixes scripts in the word %(word)s "
                       "(%(scripts)s)")
                     % {"where": where, "word": clip(word), "scripts": " + ".join(scripts)},
                     hint=_("retype the word in one script (a look-alike letter?)"))

    def table(self, data: dict, name: str, parent: str | None = None) -> dict:
        full = f"{parent}.{name}" if parent else name
        value = data.get(name)
        if value is None:
            # Translators: %(table)s is a table name of leaflet.toml, like build.
            raise ConfigError(_("missing table [%(table)s]") % {"table": full}, path=self.path,
                              hint=_("see the leaflet.toml shipped with the project"))
        if not isinstance(value, dict):
            self.fail(_("[%(table)s] must be a table") % {"table": full}, parent or name, name)
        return value

    def string(self, data: dict, table: str, key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                # Translators: %(table)s and %(key)s are names in leaflet.toml (not
                # translated).
                self.fail(_("[%(table)s] is missing the field '%(key)s'")
                          % {"table": table, "key": key}, table)
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(_("[%(table)s] %(key)s must be a non-empty string")
                      % {"table": table, "key": key}, table, key)
        if value != value.strip():
            self.fail(_("[%(table)s] %(key)s %(value)s starts or ends with a space")
                      % {"table": table, "key": key, "value": clip(value)}, table, key)
        return value

    def date(self, value, table: str, key: str, *, allow_empty: bool,
             latest: dt.date | None = None, late: str = "",
             late_values: dict | None = None) -> dt.date | None:
        """A date of leaflet.toml. A day after `latest` is refused with the message `late`
        (translated), filled with table, key and day, and `late_values`."""
        if isinstance(value, dt.datetime):
            self.fail(_("[%(table)s] %(key)s must be a date (YYYY-MM-DD), not a date-time")
                      % {"table": table, "key": key}, table, key)
        day = None
        if isinstance(value, dt.date):
            day = value
        elif isinstance(value, str):
            if value == "" and allow_empty:
                return None
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if day is None:
            values = {"table": table, "key": key, "value": clip(value)}
            if allow_empty:
                self.fail(_("[%(table)s] %(key)s = %(value)s is not a valid date (YYYY-MM-DD or "
                            "\"\" when not verified)") % values, table, key)
            self.fail(_("[%(table)s] %(key)s = %(value)s is not a valid date (YYYY-MM-DD)")
                      % values, table, key)
        if day < EARLIEST_DATE:
            self.fail(_("[%(table)s] %(key)s = %(day)s is before the instructions of 13 January "
                        "1997") % {"table": table, "key": key, "day": day},
                      table, key, hint=_("check the year"))
        if latest is not None and day > latest:
            self.fail(late % {"table": table, "key": key, "day": day, **(late_values or {})},
                      table, key, hint=_("check the year"))
        return day

    def detail(self, table: str, key: str, spec) -> Detail:
        if not isinstance(spec, dict):
            self.fail(_("[%(table)s] %(key)s must be a table with value, source and verified_on")
                      % {"table": table, "key": key}, table, key)
        for name in ("value", "source"):
            if not isinstance(spec.get(name), str) or not spec[name].strip():
                # Translators: %(field)s is value or source (names in leaflet.toml).
                self.fail(_("[%(table)s] %(key)s needs a non-empty '%(field)s'")
                          % {"table": table, "key": key, "field": name}, table, key)
        if "verified_on" not in spec:
            self.fail(_("[%(table)s] %(key)s needs 'verified_on' (a date, or \"\" when not "
                        "verified)") % {"table": table, "key": key}, table, key)
        unknown = sorted(set(spec) - {"value", "source", "verified_on", "confidence"})
        if unknown:
            self.fail(_("[%(table)s] %(key)s has the unknown field '%(field)s'")
                      % {"table": table, "key": key, "field": unknown[0]}, table, key,
                      hint=_("a detail has value, source, verified_on and, optionally, "
                             "confidence"))
        confidence = spec.get("confidence")
        if confidence is not None and confidence not in ("H", "M", "U"):
            # Translators: H, M and U are the facts sheet's confidence codes (keep them).
            self.fail(_("[%(table)s] %(key)s confidence must be H, M or U, not %(value)s")
                      % {"table": table, "key": key, "value": clip(confidence)}, table, key)
        value = spec["value"]
        if value != value.strip():
            self.fail(_("[%(table)s] %(key)s %(value)s starts or ends with a space")
                      % {"table": table, "key": key, "value": clip(value)}, table, key)
        if key == "website" or key.startswith("website_"):
            problem = url_problem(value)
            if problem:
                self.fail(f"[{table}] {key} {clip(value)}: {problem}", table, key,
                          hint=_("like https://www.example.be"))
        verified_on = self.date(spec["verified_on"], table, key, allow_empty=True,
                                latest=dt.date.today(),
                                late=_("[%(table)s] %(key)s = %(day)s is in the future"))
        if confidence in ("M", "U") and verified_on is not None:
            self.fail(_("[%(table)s] %(key)s is at confidence %(confidence)s, so it cannot be "
                        "verified_on a date") % {"table": table, "key": key,
                                                 "confidence": confidence}, table, key,
                      hint=_('write verified_on = "" (a release refuses it), or confirm it and '
                             "drop confidence"))
        return Detail(value, spec["source"], verified_on,
                      confidence or ("H" if verified_on is not None else "M"))

    def organisation(self, org_id: str, spec) -> Organisation:
        table = f"organisations.{org_id}"
        if not isinstance(spec, dict):
            self.fail(_("[%(table)s] must be a table") % {"table": table}, "organisations",
                      org_id)
        name = self.string(spec, table, "name")
        kind = self.string(spec, table, "kind")
        if kind not in KINDS:
            # Translators: %(kinds)s lists the kinds, which are codes (not translated).
            self.fail(_("[%(table)s] kind must be one of %(kinds)s")
                      % {"table": table, "kinds": ", ".join(KINDS)}, table, "kind")
        details = {key: self.detail(table, key, value)
                   for key, value in spec.items() if key not in ("name", "kind", "city")}
        return Organisation(org_id, name, kind, self.string(spec, table, "city", required=False),
                            details)

    def website(self, spec: dict) -> Website:
        table = "contact_website"
        by_language = spec.get("languages", {})
        if not isinstance(by_language, dict) or not all(
                isinstance(v, str) for v in by_language.values()):
            self.fail(_("[contact_website] languages must map codes to https:// addresses"),
                      table, "languages")
        for code, url in by_language.items():
            if canonical_code(code) != code:
                self.fail(_("[contact_website.languages] %(code)s is not a BCP 47 code as "
                            "[build] languages writes it") % {"code": clip(code)},
                          "contact_website.languages", code)
            problem = url_problem(url)
            if problem:
                self.fail(f"[contact_website.languages] {code} {clip(url)}: {problem}",
                          "contact_website.languages", code,
                          hint=_("like https://www.example.be"))
        default = self.string(spec, table, "default")
        problem = url_problem(default)
        if problem:
            self.fail(f"[contact_website] default {clip(default)}: {problem}", table, "default",
                      hint=_("like https://www.example.be"))
        if "verified_on" not in spec:
            self.fail(_("[contact_website] needs 'verified_on'"), table)
        return Website(default, dict(by_language), self.string(spec, table, "source"),
                       self.date(spec["verified_on"], table, "verified_on", allow_empty=True,
                                 latest=dt.date.today(),
                                 late=_("[%(table)s] %(key)s = %(day)s is in the future")))


def canonical_code(code) -> str | None:
    """`code` in BCP 47 case (`zh-Hans`, `pt-BR`), or None when it is not shaped like one."""
    if not isinstance(code, str):
        return None
    match = _BCP47.match(code)
    if not match:
        return None
    language, script, region = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def url_problem(url: str) -> str | None:
    """Why `url` is not a website a leaflet may print and encode, or None.

    https only; a host of DNS labels with a letter TLD (IDNA for non-ASCII names); no
    user name or password (`https://bank.be@evil.example`), no spaces, no query or
    fragment tricks that a reader cannot see in print.
    """
    from urllib.parse import urlsplit

    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        # Translators: this and the next reasons follow a website's address in a message,
        # like "[organisations.payoke] website 'http://…': must start with https://".
        return _("a website has no spaces")
    if not url.startswith("https://"):
        return _("must start with https://")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        # Translators: %(reason)s is the URL parser's own (English) message.
        return _("not a valid address (%(reason)s)") % {"reason": exc}
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _("a website has no user name or '@' before its host")
    if port is not None:
        return _("a website printed on a leaflet needs no port")
    if parts.query or parts.fragment:
        return _("a website printed on a leaflet has no query or fragment")
    host = parts.hostname or ""
    if not url.isascii():
        odd = next(ch for ch in url if not ch.isascii())
        # Translators: %(character)s is the character, quoted; %(code)s its code point, like
        # U+0430.
        return (_("holds %(character)s (%(code)s): a printed website is ASCII only (an "
                  "internationalised name can imitate another one letter for letter; write "
                  "its xn-- form if the organisation truly uses one)")
                % {"character": repr(odd), "code": f"U+{ord(odd):04X}"})
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return _("the host %(host)s is not a valid domain name") % {"host": clip(host)}
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels) \
            or not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        return _("the host %(host)s is not a valid domain name") % {"host": clip(host)}
    if not re.fullmatch(r"(/[A-Za-z0-9._~%!$&'()*+,;=:@-]*)*", parts.path):
        return _("the path holds characters a printed address cannot show")
    return None


def valid_timezone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may backtrack catastrophically, or None.

    Python's re engine backtracks: an unbounded repeat around something that can itself
    match in several ways, `(a+)+`, `(a|a)*`, `(\\w*-?)*`, takes exponential time on a
    near-miss. Refused: an unbounded repeat that contains another variable repeat, an
    alternation or a back-reference; and back-references anywhere.
    """
    try:
        from re import _parser as sre_parse  # the parser re itself uses (3.11+)
        from re._constants import MAXREPEAT
    except ImportError:  # pragma: no cover  (older layout)
        import sre_parse  # type: ignore
        from sre_constants import MAXREPEAT  # type: ignore
    try:
        tree = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001  (compile() already vetted it)
        return None

    def walk(items, inside_unbounded: bool):
        for op, arg in items:
            name = str(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS"):
                # Translators: this and the next two are why a regular expression may take
                # exponential time; shown in parentheses after that sentence.
                return _("a back-reference")
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                if inside_unbounded and high != low:
                    return _("a repeat inside an unbounded repeat")
                found = walk(sub, inside_unbounded or high == MAXREPEAT)
                if found:
                    return found
            elif name == "BRANCH":
                if inside_unbounded:
                    return _("an alternation inside an unbounded repeat")
                for branch in arg[1]:
                    found = walk(branch, inside_unbounded)
                    if found:
                        return found
            elif name == "SUBPATTERN":
                found = walk(arg[-1], inside_unbounded)
                if found:
                    return found
            elif name in ("ASSERT", "ASSERT_NOT"):
                found = walk(arg[1], inside_unbounded)
                if found:
                    return found
        return None

    return walk(tree, False)
