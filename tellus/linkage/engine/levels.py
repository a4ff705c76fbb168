"""The model's comparison levels evaluated in Python, for scoring one query against a few candidates.

A saved model's levels are SQL conditions (DuckDB's dialect) that Splink runs in the database. For a batch they stay
there. For one caller's query against a hundred candidates, asking DuckDB costs about 20 ms whatever the number of
rows (it sets up every expression of every level for each query), which was most of a real-time match. Here each
condition is parsed once per model with sqlglot and turned into a Python function with SQL's meaning: NULL is
None, and AND, OR, NOT and comparisons follow SQL's three-valued logic, so "NOT similar(town_l, town_r)" is not
true when a town is missing, exactly as in the database. String functions are DuckDB's (1-based positions,
`split_part` giving '' past the last part); Jaro-Winkler and Levenshtein come from jellyfish, on UTF-8 bytes as
DuckDB's are, and equal DuckDB's (a test compares them on random text, and every level against DuckDB's on real
pairs).

A condition using anything not listed here cannot be compiled: `compile_levels` returns None and the caller asks
DuckDB as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jellyfish
from sqlglot import exp, parse_one

Row = dict[str, Any]
Value = Callable[[Row], Any]


class NotCompilable(ValueError):
    """A level condition uses SQL this evaluator does not know."""


def _bytes(text: str) -> str:
    """DuckDB's Jaro-Winkler and Levenshtein work on UTF-8 bytes, not characters ("zoë" is four long to them): one
    character per byte gives jellyfish the same input."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


@functools.lru_cache(maxsize=200_000)
def _jaro_winkler(left: str, right: str) -> float:
    return jellyfish.jaro_winkler_similarity(_bytes(left), _bytes(right))


@functools.lru_cache(maxsize=200_000)
def _levenshtein(left: str, right: str) -> int:
    return jellyfish.levenshtein_distance(_bytes(left), _bytes(right))


def _split_part(text: str, delimiter: str, index: int) -> str:
    parts = [text] if delimiter == "" else text.split(delimiter)
    if index > 0:
        return parts[index - 1] if index <= len(parts) else ""
    if index < 0:
        return parts[index] if -index <= len(parts) else ""
    return ""


def _substr(text: str, start: int, length: int | None = None) -> str:
    # DuckDB: 1-based; a start of 0 or below counts from before the first character.
    begin = start - 1 if start > 0 else (len(text) + start if start < 0 else -1)
    end = len(text) if length is None else begin + length
    return text[max(begin, 0) : max(end, 0)]


def _strpos(text: str, part: str) -> int:
    return text.find(part) + 1


def _null_safe(function: Callable[..., Any], *arguments: Value) -> Value:
    """function(*values), or None when any value is NULL (as SQL's functions do)."""
    if len(arguments) == 1:
        (first,) = arguments

        def one(row: Row) -> Any:
            a = first(row)
            return None if a is None else function(a)

        return one
    if len(arguments) == 2:
        first, second = arguments

        def two(row: Row) -> Any:
            a = first(row)
            if a is None:
                return None
            b = second(row)
            return None if b is None else function(a, b)

        return two

    def many(row: Row) -> Any:
        values = [argument(row) for argument in arguments]
        return None if any(v is None for v in values) else function(*values)

    return many


def _compare(operator: Callable[[Any, Any], bool], left: Value, right: Value) -> Value:
    def value(row: Row) -> bool | None:
        a = left(row)
        if a is None:
            return None
        b = right(row)
        if b is None:
            return None
        return operator(a, b)

    return value


def _junction(decisive: bool, left: Value, right: Value) -> Value:
    """AND (decisive False) or OR (decisive True) in SQL's three-valued logic: the decisive value wins, else NULL
    if either side is NULL, else the other value."""

    def value(row: Row) -> bool | None:
        a = left(row)
        if a is decisive:
            return decisive
        b = right(row)
        if b is decisive:
            return decisive
        return None if a is None or b is None else not decisive

    return value


def _not(inner: Value) -> Value:
    def value(row: Row) -> bool | None:
        a = inner(row)
        return None if a is None else not a

    return value


_COMPARISONS: dict[type[exp.Expression], Callable[[Any, Any], bool]] = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
}


def _literal(node: exp.Literal) -> Any:
    if node.is_string:
        return node.this
    text = str(node.this)
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _compile(node: Any) -> Value:  # one branch per kind of SQL node
    if isinstance(node, exp.Paren):
        return _compile(node.this)
    if isinstance(node, exp.Column):
        if node.table:
            raise NotCompilable(f"a qualified column: {node.sql()}")
        name = node.name
        return lambda row: row[name]
    if isinstance(node, exp.Literal):
        constant = _literal(node)
        return lambda row: constant
    if isinstance(node, exp.Null):
        return lambda row: None
    if isinstance(node, exp.Boolean):
        truth = bool(node.this)
        return lambda row: truth
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        constant = -_literal(node.this)
        return lambda row: constant
    if isinstance(node, exp.And):
        return _junction(False, _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Or):
        return _junction(True, _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Not):
        return _not(_compile(node.this))
    if isinstance(node, exp.Is):
        if not isinstance(node.expression, exp.Null):
            raise NotCompilable(f"IS other than IS NULL: {node.sql()}")
        inner = _compile(node.this)
        return lambda row: inner(row) is None
    operator = _COMPARISONS.get(type(node))
    if operator is not None:
        return _compare(operator, _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Coalesce):
        arguments = [_compile(node.this), *(_compile(each) for each in node.expressions)]

        def coalesce(row: Row) -> Any:
            for argument in arguments:
                found = argument(row)
                if found is not None:
                    return found
            return None

        return coalesce
    if isinstance(node, exp.Length):
        return _null_safe(len, _compile(node.this))
    if isinstance(node, exp.SplitPart):
        return _null_safe(
            _split_part, _compile(node.this), _compile(node.args["delimiter"]), _compile(node.args["part_index"])
        )
    if isinstance(node, exp.Substring):
        arguments = [_compile(node.this), _compile(node.args["start"])]
        if node.args.get("length") is not None:
            arguments.append(_compile(node.args["length"]))
        return _null_safe(_substr, *arguments)
    if isinstance(node, exp.StrPosition):
        if node.args.get("position") is not None or node.args.get("occurrence") is not None:
            raise NotCompilable(f"strpos with a position: {node.sql()}")
        return _null_safe(_strpos, _compile(node.this), _compile(node.args["substr"]))
    if isinstance(node, exp.Levenshtein):
        if any(node.args.get(key) is not None for key in ("ins_cost", "del_cost", "sub_cost", "max_dist")):
            raise NotCompilable(f"levenshtein with costs: {node.sql()}")
        return _null_safe(_levenshtein, _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.JarowinklerSimilarity):
        return _null_safe(_jaro_winkler, _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "jaro_winkler_similarity":
        left, right = (_compile(each) for each in node.expressions)
        return _null_safe(_jaro_winkler, left, right)
    raise NotCompilable(f"{type(node).__name__}: {node.sql()}")


def compile_condition(sql: str) -> Value:
    """One level's SQL condition as a function of a row (`{column}_l` and `{column}_r` values, None for NULL)."""
    return _compile(parse_one(sql, read="duckdb"))


Gammas = Callable[[Row], int]


def compile_comparison(levels: list[dict[str, Any]]) -> Gammas:
    """A comparison's gamma for a row: -1 for its null level, then the first level whose condition holds (the
    highest gamma first, as Splink numbers them), 0 when none does (its ELSE level)."""
    non_null = [level for level in levels if not level.get("is_null_level")]
    checks: list[tuple[int, Value]] = [
        (-1, compile_condition(level["sql_condition"])) for level in levels if level.get("is_null_level")
    ]
    for index, level in enumerate(non_null):
        if level["sql_condition"].strip().upper() != "ELSE":
            checks.append((len(non_null) - 1 - index, compile_condition(level["sql_condition"])))

    def gamma(row: Row) -> int:
        for value, check in checks:
            if check(row) is True:
                return value
        return 0

    return gamma


def compile_levels(settings: dict[str, Any]) -> list[Gammas] | None:
    """Every comparison's gamma function, in the model's order; None if any condition cannot be compiled."""
    try:
        return [compile_comparison(comparison["comparison_levels"]) for comparison in settings["comparisons"]]
    except NotCompilable:
        return None
