"""CQL2 filters are bounded at the parse step: length, nesting and number of predicates."""

from __future__ import annotations

import json

import pytest

from landreg.errors import FilterError
from landreg.registry import PlotQuery
from landreg.registry.cql import (
    MAX_FILTER_CHARS,
    MAX_FILTER_DEPTH,
    MAX_FILTER_TERMS,
    compile_filter,
    parse_filter,
)


def _json_not_chain(depth: int) -> str:
    text = '{"op": "=", "args": [{"property": "code"}, "A"]}'
    for _ in range(depth):
        text = '{"op": "not", "args": [' + text + "]}"
    return text


def _alternating(levels: int) -> str:
    """``levels`` nested AND/OR groups, each inside the other."""
    text = "version=0"
    for i in range(levels - 1):
        text = f"(version={i + 1} {'AND' if i % 2 else 'OR'} {text})"
    return f"version=99 {'OR' if levels % 2 else 'AND'} {text}" if levels > 1 else text


def test_filters_within_the_limits_parse_and_compile():
    terms = " OR ".join(f"version={i}" for i in range(MAX_FILTER_TERMS))
    compile_filter(parse_filter(terms))
    compile_filter(parse_filter(_alternating(MAX_FILTER_DEPTH)))
    compile_filter(parse_filter("(" * MAX_FILTER_DEPTH + "code='A'" + ")" * MAX_FILTER_DEPTH))
    compile_filter(parse_filter(_json_not_chain(MAX_FILTER_DEPTH - 1), lang="cql2-json"))


def test_thousands_of_or_terms_are_refused_by_length():
    text = " OR ".join(f"code='X{i}'" for i in range(3000))
    with pytest.raises(FilterError, match=f"{len(text)} characters long; at most {MAX_FILTER_CHARS}"):
        parse_filter(text)


def test_too_many_predicates_are_refused_with_the_count():
    text = " OR ".join("version=1" for _ in range(MAX_FILTER_TERMS + 1))
    with pytest.raises(FilterError, match=f"combines {MAX_FILTER_TERMS + 1} predicates; at most {MAX_FILTER_TERMS}"):
        parse_filter(text)
    doc = {"op": "or", "args": [{"op": "=", "args": [{"property": "x"}, i]} for i in range(MAX_FILTER_TERMS + 1)]}
    with pytest.raises(FilterError, match="predicates"):
        parse_filter(doc, lang="cql2-json")


@pytest.mark.parametrize("depth", [MAX_FILTER_DEPTH + 1, 100, 400])
def test_deep_nesting_is_refused_not_a_recursion_error(depth):
    for text in ("(" * depth + "code='A'" + ")" * depth, "NOT (" * depth + "code='A'" + ")" * depth):
        with pytest.raises(FilterError, match=f"nests {depth} levels deep; at most {MAX_FILTER_DEPTH}"):
            parse_filter(text)


def test_deeply_nested_json_is_refused_not_a_recursion_error():
    with pytest.raises(FilterError, match=f"at most {MAX_FILTER_DEPTH} levels"):
        parse_filter(_json_not_chain(MAX_FILTER_DEPTH + 1), lang="cql2-json")
    deep = json.loads(_json_not_chain(50))
    with pytest.raises(FilterError, match="levels deep"):
        parse_filter(deep, lang="cql2-json")
    with pytest.raises(FilterError):  # 5000 levels: over the length limit before any parser sees it
        parse_filter(_json_not_chain(5000), lang="cql2-json")


def test_alternating_and_or_counts_each_level():
    with pytest.raises(FilterError, match=f"nests {MAX_FILTER_DEPTH + 1} levels deep"):
        parse_filter(_alternating(MAX_FILTER_DEPTH + 1))


def test_a_filter_at_every_limit_runs_in_the_database(loaded):
    """100 predicates nested 20 levels deep (AND inside OR inside AND ...): within the database's parser limits."""
    registry, _ = loaded
    width = MAX_FILTER_TERMS - (MAX_FILTER_DEPTH - 1)
    text = " OR ".join("version=1" for _ in range(width))
    for level in range(MAX_FILTER_DEPTH - 1):
        text = f"({text}) {'AND' if level % 2 == 0 else 'OR'} version={level + 2}"
    query = PlotQuery(filter_ast=parse_filter(text))
    assert len(registry.query_plots(query)) == 0  # the outermost AND asks for version 20
    query = PlotQuery(filter_ast=parse_filter(" OR ".join("version=1" for _ in range(MAX_FILTER_TERMS))))
    assert len(registry.query_plots(query)) == 9
