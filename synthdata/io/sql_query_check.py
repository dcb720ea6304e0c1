"""Which query text a read may send: one SELECT, and nothing in it that writes or locks.

`fit URL --query` and `schema infer URL --query` run text a user typed against what may
be a production database, and the servers do not all refuse a DROP TABLE there (MariaDB
runs it and only then says no rows came back). So the text is checked before it is sent.
It is read the way the server's lexer reads it: comments, quoted names and string
literals are set aside by that dialect's rules (MySQL's backslash escapes and `#`
comments, PostgreSQL's nested comments, E'' strings and dollar quotes), so a `;` or a
DELETE hidden in a string is no statement, and one hidden by a different reading of the
quotes is found. What is left must be one SELECT (or WITH ... SELECT, VALUES, TABLE)
with no data-changing common table expression, no SELECT ... INTO and no row locks. The
check errs on the side of refusing, and the connection is read-only as well
(`sql_url.create_engine(read_only=True)`), so what the text hides the server refuses.
"""

from __future__ import annotations

import re

from synthdata.errors import SynthDataError

_READING_STARTS = {"SELECT", "WITH", "VALUES", "TABLE"}
# Words that write, or lock rows, wherever they stand in a statement that starts by reading:
# a data-changing CTE (WITH x AS (DELETE ...)), SELECT ... INTO, FOR UPDATE. The DDL words
# cannot stand inside a SELECT at all; refusing them too costs nothing and guards the lexer.
_WRITING_WORDS = {"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "DROP", "CREATE", "ALTER", "GRANT", "REVOKE", "ATTACH", "DETACH"}  # fmt: skip
# Two-word row locks whose second word may also be a column name elsewhere (FOR SHARE, LOCK IN SHARE MODE).
_LOCKING_PAIRS = {("FOR", "SHARE"), ("FOR", "KEY"), ("LOCK", "IN")}

_WORD = re.compile(r"[^\W\d][\w$]*")
_NUMBER = re.compile(r"\d[\w.]*")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_HINT = "a read runs one SELECT (or WITH ... SELECT) and never changes the database"


def checked_read_query(query: str, dialect: str) -> str:
    """`query` without its closing `;`, once it is known to be a single statement that only reads.

    `dialect` is SQLAlchemy's backend name ("postgresql", "mysql", "mariadb", "sqlite");
    any other is read by the rules common to all. Raises SynthDataError naming what is refused.
    """
    if not isinstance(query, str):
        raise SynthDataError(f"a query is SQL text, not {type(query).__name__}")
    words, end = _words(query, _Dialect(dialect))
    if ";" in words:
        raise SynthDataError(f"the query holds more than one statement; {_HINT}")
    if not words:
        raise SynthDataError("the query is empty; give a SELECT statement")
    if words[0] not in _READING_STARTS:
        raise SynthDataError(f"the query starts with {words[0]}; {_HINT}")
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word in _WRITING_WORDS:
            raise SynthDataError(f"the query contains {word}; {_HINT}")
        if (word, following) in _LOCKING_PAIRS:
            raise SynthDataError(f"the query contains {word} {following}, which locks rows; {_HINT}")
    return query[:end]


class _Dialect:
    """The lexical rules of one SQL dialect that decide where comments and quoted text end."""

    def __init__(self, name: str) -> None:
        mysql = name in ("mysql", "mariadb")
        self.mysql = mysql
        self.postgresql = name == "postgresql"
        self.hash_comments = mysql
        self.nested_comments = self.postgresql
        self.backslash_strings = mysql
        self.double_quotes_are_strings = mysql
        self.backticks = mysql or name == "sqlite"
        self.brackets = name == "sqlite"


def _words(query: str, dialect: _Dialect) -> tuple[list[str], int]:
    """The statement's words in upper case (with ';' for a second statement), and where its text ends.

    Quoted text and numbers are skipped, punctuation other than ';' is dropped: the
    checks need only the bare words and whether anything follows a ';'.
    """
    words: list[str] = []
    end: int | None = None
    position, length = 0, len(query)
    while position < length:
        char = query[position]
        following = query[position + 1 : position + 2]
        if char.isspace():
            position += 1
        elif (char == "-" and following == "-" and _dash_comment(query, position, dialect)) or (
            char == "#" and dialect.hash_comments
        ):
            position = _line_end(query, position)
        elif char == "/" and following == "*":
            position = _comment_end(query, position, dialect)
        elif end is not None:
            # Anything but whitespace and comments after the ';' is a second statement.
            words.append(";")
            break
        elif char == ";":
            end = position
            position += 1
        elif char == "'":
            prefix = words[-1] if words and query[position - 1 : position].isalnum() else ""
            escapes = dialect.backslash_strings or (dialect.postgresql and prefix == "E")
            position = _quoted_end(query, position, "'", escapes=escapes)
        elif char == '"':
            position = _quoted_end(query, position, '"', escapes=dialect.double_quotes_are_strings)
        elif char == "`" and dialect.backticks:
            position = _quoted_end(query, position, "`", escapes=False)
        elif char == "[" and dialect.brackets:
            position = _closing(query, position, "]", "quoted name")
        elif char == "$" and dialect.postgresql and (tag := _DOLLAR_TAG.match(query, position)):
            position = _closing(query, tag.end() - 1, tag.group(), "dollar-quoted string", skip=len(tag.group()))
        elif match := _WORD.match(query, position):
            words.append(match.group().upper())
            position = match.end()
        elif match := _NUMBER.match(query, position):
            position = match.end()
        else:
            position += 1
    return words, length if end is None else end


def _dash_comment(query: str, position: int, dialect: _Dialect) -> bool:
    """Whether `--` at `position` opens a comment: always, except in MySQL, where a space must follow."""
    if not dialect.mysql:
        return True
    after = query[position + 2 : position + 3]
    return after == "" or after.isspace() or ord(after) < 32


def _line_end(query: str, position: int) -> int:
    newline = query.find("\n", position)
    return len(query) if newline == -1 else newline + 1


def _comment_end(query: str, position: int, dialect: _Dialect) -> int:
    """The position after the comment opening at `position` (PostgreSQL's nest)."""
    if dialect.mysql and re.match(r"/\*M?!", query[position:]):
        raise SynthDataError(
            "the query holds a MySQL executable comment (/*! ... */), which the server runs; remove it"
        )
    depth, scan = 1, position + 2
    while depth:
        close = query.find("*/", scan)
        if close == -1:
            raise SynthDataError("the query has an unterminated /* comment; close it with */")
        opening = query.find("/*", scan, close) if dialect.nested_comments else -1
        if opening != -1:
            depth, scan = depth + 1, opening + 2
        else:
            depth, scan = depth - 1, close + 2
    return scan


def _quoted_end(query: str, position: int, quote: str, *, escapes: bool) -> int:
    """The position after the quoted text opening at `position`; a doubled quote stays inside."""
    what = "string" if quote == "'" else "quoted name or string"
    scan = position + 1
    while True:
        close = query.find(quote, scan)
        if close == -1:
            raise SynthDataError(f"the query has an unterminated {what} (opened by {quote}); check its quotes")
        if escapes:
            backslashes = len(query[scan:close]) - len(query[scan:close].rstrip("\\"))
            if backslashes % 2:
                scan = close + 1
                continue
        if query[close + 1 : close + 2] == quote:
            scan = close + 2
            continue
        return close + 1


def _closing(query: str, position: int, closer: str, what: str, *, skip: int = 1) -> int:
    """The position after the first `closer` following the opener at `position`."""
    close = query.find(closer, position + 1)
    if close == -1:
        raise SynthDataError(f"the query has an unterminated {what}; check its quotes")
    return close + skip
