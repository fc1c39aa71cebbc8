"""A CQL2 text parser whose boolean operators bind as the standard says.

pygeofilter's ``cql2_text`` grammar puts AND and OR on one level, left to right, so
``a OR b AND c`` is read as ``(a OR b) AND c``, and it accepts only a predicate after
``NOT (`` so ``NOT (a AND b)`` and ``NOT (NOT (a))`` do not parse. The CQL2 standard
(OGC 21-065, "booleanExpression = booleanTerm {OR booleanTerm}; booleanTerm =
booleanFactor {AND booleanFactor}; booleanFactor = [NOT] booleanPrimary",
https://docs.ogc.org/is/21-065r2/21-065r2.html#cql2-bnf) gives NOT over AND over OR.

This parser takes pygeofilter's grammar (predicates, literals, geometries, so the two stay
in step), replaces its boolean rules with the standard's three levels and builds a Lark
LALR parser that produces the same AST through pygeofilter's ``CQLTransformer``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

#: The boolean levels of CQL2: OR joins AND-terms, AND joins NOT-factors, NOT takes a primary
#: (a predicate, or a whole condition in parentheses).
_BOOLEAN_RULES = """\
?condition: and_condition
          | condition "OR"i and_condition                  -> or_

?and_condition: not_condition
              | and_condition "AND"i not_condition         -> and_

?not_condition: primary
              | "NOT"i not_condition                       -> not_

?primary: predicate
        | "(" condition ")"

"""
#: Where pygeofilter's boolean rules start, and the rule after them.
_FIRST_BOOLEAN_RULE = "?condition:"
_FIRST_PREDICATE_RULE = "?predicate:"


def parse_cql2_text(text: str) -> Any:
    """Parse CQL2 text into a pygeofilter AST, NOT binding tighter than AND, AND than OR.

    Parameters
    ----------
    text : str
        The filter, e.g. ``status = 'available' OR zoning = 'office' AND area_m2 > 5000``.

    Returns
    -------
    pygeofilter AST node
        The same node types pygeofilter's own parser builds.

    Raises
    ------
    lark.exceptions.LarkError
        When the text is not CQL2 (with the line and column where it failed).
    """
    return _parser().parse(text)


@cache
def _parser() -> Any:
    from lark import Lark
    from pygeofilter.parsers.cql2_text import parser as upstream

    grammar_path = Path(upstream.__file__).with_name("grammar.lark")
    grammar = grammar_path.read_text(encoding="utf-8")
    start, end = grammar.find(_FIRST_BOOLEAN_RULE), grammar.find(_FIRST_PREDICATE_RULE)
    if start < 0 or end < start:
        raise RuntimeError(
            f"pygeofilter's CQL2 grammar ({grammar_path}) no longer has the rules {_FIRST_BOOLEAN_RULE!r} "
            f"... {_FIRST_PREDICATE_RULE!r} this parser replaces; check the installed pygeofilter version"
        )
    grammar = grammar[:start] + _BOOLEAN_RULES + grammar[end:]
    return Lark(
        grammar,
        parser="lalr",
        maybe_placeholders=False,
        transformer=upstream.CQLTransformer(),
        import_paths=[str(grammar_path.parent.parent)],
        source_path=str(grammar_path),
    )
