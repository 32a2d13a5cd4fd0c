"""The subset of CQL, JQL and Drive's ``q`` the fakes understand (they share their syntax).

Clauses ``field op value`` with ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~`` (contains),
``in (...)`` and ``not in (...)``, Drive's ``'value' in field`` (the field's values include it),
combined with ``and``, ``or``, ``not`` and parentheses, then an optional ``order by field
[asc|desc]``. Values are quoted strings or bare words. Dates (``yyyy/MM/dd HH:mm``, ``yyyy-MM-dd
HH:mm``, ``yyyy/MM/dd``) are read in the account's time zone, as Atlassian does; RFC 3339 times
carry their own. Anything else raises ``QueryError`` (the services answer 400).
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')'
    r"|(?P<op>!=|>=|<=|=|>|<|~)|(?P<punct>[(),])|(?P<word>[^\s()=,!<>~\"']+))"
)
DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


class QueryError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QueryError(f"unexpected character at {position}")
        position = match.end()
        kind = match.lastgroup
        value = match[kind]
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value))
    return tokens


class Query:
    """``Query(text, values_of, tz)``: ``values_of(record, field)`` lists a record's values for a
    field (None if the field is unknown); dates are datetimes."""

    def __init__(self, text: str, values_of: Callable, tz: timezone = UTC):
        self.values_of = values_of
        self.tz = tz
        self.tokens = tokenize(text)
        self.position = 0
        self.order = None
        self.tree = self._or() if self.tokens and not self._at_order() else None
        if self._at_order():
            self._parse_order()
        if self.position != len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.position][1]!r}")

    # Parsing
    def _peek(self, offset=0):
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def _take(self):
        token = self._peek()
        if token[0] is None:
            raise QueryError("the query ends too early")
        self.position += 1
        return token

    def _word(self, offset=0) -> str:
        kind, value = self._peek(offset)
        return value.lower() if kind == "word" else ""

    def _at_order(self) -> bool:
        return self._word() == "order" and self._word(1) == "by"

    def _parse_order(self):
        self.position += 2
        field = self._take()[1].lower()
        direction = "asc"
        if self._word() in ("asc", "desc"):
            direction = self._take()[1].lower()
        self.order = (field, direction)

    def _or(self):
        node = self._and()
        while self._word() == "or":
            self.position += 1
            node = ("or", node, self._and())
        return node

    def _and(self):
        node = self._not()
        while self._word() == "and":
            self.position += 1
            node = ("and", node, self._not())
        return node

    def _not(self):
        if self._word() == "not":
            self.position += 1
            return ("not", self._not())
        if self._peek() == ("punct", "("):
            self.position += 1
            node = self._or()
            if self._take() != ("punct", ")"):
                raise QueryError("missing )")
            return node
        return self._clause()

    def _clause(self):
        kind, field = self._take()
        if kind == "string" and self._word() == "in" and self._peek(1)[0] == "word":
            self.position += 1
            return ("clause", self._take()[1].lower(), "=", field)
        if kind not in ("word", "string"):
            raise QueryError(f"expected a field, found {field!r}")
        if self._word() == "not" and self._word(1) == "in":
            self.position += 2
            return ("clause", field.lower(), "not in", self._list())
        if self._word() == "in":
            self.position += 1
            return ("clause", field.lower(), "in", self._list())
        kind, op = self._take()
        if kind != "op":
            raise QueryError(f"expected an operator after {field}")
        kind, value = self._take()
        if kind not in ("word", "string"):
            raise QueryError(f"expected a value after {field} {op}")
        return ("clause", field.lower(), op, value)

    def _list(self):
        if self._take() != ("punct", "("):
            raise QueryError("expected (")
        values = []
        while True:
            kind, value = self._take()
            if kind not in ("word", "string"):
                raise QueryError("expected a value in the list")
            values.append(value)
            separator = self._take()
            if separator == ("punct", ")"):
                return values
            if separator != ("punct", ","):
                raise QueryError("expected , or )")

    # Evaluation
    def _date(self, value: str) -> datetime:
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(value, pattern).replace(tzinfo=self.tz)
            except ValueError:
                continue
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"{value!r} is not a date") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    def _compare(self, have, op: str, want) -> bool:
        if isinstance(have, bool):
            have, want = str(have).lower(), str(want).lower()
        elif isinstance(have, datetime):
            want = self._date(want)
        elif isinstance(have, int | float):
            want = float(want)
        else:
            have, want = str(have).lower(), str(want).lower()
        return {
            "=": have == want,
            "!=": have != want,
            ">": have > want,
            ">=": have >= want,
            "<": have < want,
            "<=": have <= want,
            "~": str(want) in str(have),
        }[op]

    def _evaluate(self, node, record) -> bool:
        if node[0] == "and":
            return self._evaluate(node[1], record) and self._evaluate(node[2], record)
        if node[0] == "or":
            return self._evaluate(node[1], record) or self._evaluate(node[2], record)
        if node[0] == "not":
            return not self._evaluate(node[1], record)
        _, field, op, want = node
        values = self.values_of(record, field)
        if values is None:
            raise QueryError(f"unknown field {field}")
        if op == "in":
            return any(self._compare(v, "=", w) for v in values for w in want)
        if op == "not in":
            return not any(self._compare(v, "=", w) for v in values for w in want)
        if op == "!=":
            return not any(self._compare(v, "=", want) for v in values)
        return any(self._compare(v, op, want) for v in values)

    def matches(self, record) -> bool:
        return True if self.tree is None else self._evaluate(self.tree, record)

    def select(self, records: list) -> list:
        found = [r for r in records if self.matches(r)]
        if self.order:
            field, direction = self.order
            found.sort(
                key=lambda r: (self.values_of(r, field) or [""])[0], reverse=direction == "desc"
            )
        return found


def in_zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))
