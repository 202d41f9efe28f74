"""A tiny formula language for the form definition.

Formulas are plain text such as ``(energy.natural_gas - energy.natural_gas.feedstock) * factor.co2.natural_gas``
or ``ratio(emissions.total, basic.industrial_value_added * 10000)``.  Names are form keys (dots allowed).
The same parsed formula is evaluated here and translated into spreadsheet formulas by export/, so the
window, the PDF and Excel can never disagree.

Semantics: a missing input counts as 0 in sums and products; ``ratio(a, b)`` is unavailable (None)
when ``b`` is 0 or missing; an unavailable operand makes the result unavailable.
``tier(x, t1, v1, t2, v2, …)`` is the value ``v`` of the highest threshold ``t`` (ascending) that ``x`` reaches,
unavailable below the first; ``le(a, b)`` is 1 when a ≤ b, else 0 (a yes/no value).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["BinOp", "Call", "Expr", "FormulaError", "Name", "Num", "parse_formula"]

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_.]*(?:@[a-z]+)?)|(.))")
# name -> number of arguments (None: any; tier: odd, at least 3).  growth(a, b) = (a / b − 1) × 100;
# pow(a, b) = a^b (a ≥ 0); positive(x) / nonneg(x) are x when x > 0 / x ≥ 0 and unavailable otherwise.
FUNCTIONS: dict[str, int | None] = {
    "sum": None, "ratio": 2, "tier": None, "le": 2, "growth": 2, "pow": 2, "positive": 1, "nonneg": 1,
}  # fmt: skip
# the test (spreadsheet text around the guarded sub-expression) that makes each function unavailable
_GUARD = {"ratio": "N({})=0", "growth": "N({})=0", "pow": "N({})<0", "positive": "NOT(N({})>0)", "nonneg": "N({})<0"}


class FormulaError(ValueError):
    """A formula in a form definition is malformed."""


class Expr:
    def names(self) -> set[str]:
        raise NotImplementedError

    def evaluate(self, env: Mapping[str, float | None]) -> float | None:
        raise NotImplementedError

    def to_excel(self, ref: Callable[[str], str], *, bare: bool = False) -> str:
        """Spreadsheet formula text (without the leading ``=``); ``ref`` maps a key to a cell.

        ``bare`` leaves out the "unavailable" test of ``ratio`` (used by :func:`to_excel_guarded`, which
        puts one test around the whole formula so that "—" never reaches an arithmetic operator).
        """
        raise NotImplementedError

    def denominators(self) -> list[Expr]:
        """Sub-expressions whose value can make the result unavailable (divisors, guarded arguments)."""
        return [e for e, _ in self.guards()]

    def guards(self) -> list[tuple[Expr, str]]:
        """(sub-expression, spreadsheet test that is true when it makes the result unavailable)."""
        return []

    def partial(self) -> bool:
        """Whether the result can be unavailable for available operands (a ratio, a division, a tier …)."""
        return bool(self.denominators()) or any(getattr(a, "partial", lambda: False)() for a in self._operands())

    def _operands(self) -> tuple[Expr, ...]:
        return ()


@dataclass(frozen=True)
class Num(Expr):
    value: float

    def names(self) -> set[str]:
        return set()

    def evaluate(self, env: Mapping[str, float | None]) -> float | None:
        return self.value

    def to_excel(self, ref: Callable[[str], str], *, bare: bool = False) -> str:
        return repr(self.value).removesuffix(".0")


@dataclass(frozen=True)
class Name(Expr):
    key: str

    def names(self) -> set[str]:
        return {self.key}

    def evaluate(self, env: Mapping[str, float | None]) -> float | None:
        if self.key not in env:
            return 0.0
        return env[self.key]

    def to_excel(self, ref: Callable[[str], str], *, bare: bool = False) -> str:
        return ref(self.key)


@dataclass(frozen=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    def names(self) -> set[str]:
        return self.left.names() | self.right.names()

    def _operands(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def evaluate(self, env: Mapping[str, float | None]) -> float | None:
        a = self.left.evaluate(env)
        b = self.right.evaluate(env)
        if a is None or b is None:
            return None
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if b == 0:
            return None
        return a / b

    def guards(self) -> list[tuple[Expr, str]]:
        own = [(self.right, "N({})=0")] if self.op == "/" and not isinstance(self.right, Num) else []
        return self.left.guards() + self.right.guards() + own

    def to_excel(self, ref: Callable[[str], str], *, bare: bool = False) -> str:
        left = self.left.to_excel(ref, bare=bare)
        right = self.right.to_excel(ref, bare=bare)
        if self.op in "*/" and isinstance(self.left, BinOp) and self.left.op in "+-":
            left = f"({left})"
        if isinstance(self.right, BinOp) and (self.op in "-/" or (self.op == "*" and self.right.op in "+-")):
            right = f"({right})"
        return f"{left}{self.op}{right}"


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]

    def names(self) -> set[str]:
        out: set[str] = set()
        for arg in self.args:
            out |= arg.names()
        return out

    def _operands(self) -> tuple[Expr, ...]:
        return self.args

    def evaluate(self, env: Mapping[str, float | None]) -> float | None:
        values = [arg.evaluate(env) for arg in self.args]
        if self.func in ("tier", "le") and values[0] is None:
            return None
        if self.func == "tier":
            chosen: float | None = None
            for threshold, value in zip(values[1::2], values[2::2], strict=True):
                if threshold is not None and values[0] >= threshold:  # type: ignore[operator]
                    chosen = value
            return chosen
        if self.func == "le":
            if values[1] is None:
                return None
            return 1.0 if values[0] <= values[1] else 0.0  # type: ignore[operator]
        if self.func == "sum":
            if any(v is None for v in values):
                return None
            total = 0.0
            for v in values:
                total += v  # type: ignore[operator]
            return total
        if self.func in ("positive", "nonneg"):
            (x,) = values
            if x is None or x < 0 or (x == 0 and self.func == "positive"):
                return None
            return x
        a, b = values
        if a is None or b is None:
            return None
        if self.func == "pow":
            if a < 0 or (a == 0 and b < 0):
                return None
            return float(a**b)
        if b == 0:
            return None
        if self.func == "growth":
            return (a / b - 1) * 100
        return a / b

    def guards(self) -> list[tuple[Expr, str]]:
        out: list[tuple[Expr, str]] = []
        for arg in self.args:
            out += arg.guards()
        if self.func in ("ratio", "growth"):
            out.append((self.args[1], _GUARD[self.func]))
        elif self.func in _GUARD:
            out.append((self.args[0], _GUARD[self.func]))
        return out

    def partial(self) -> bool:
        return self.func in ("tier", "le") or super().partial()

    def to_excel(self, ref: Callable[[str], str], *, bare: bool = False) -> str:
        parts = [arg.to_excel(ref, bare=bare) for arg in self.args]
        if self.func == "tier":
            x, pairs = parts[0], list(zip(parts[1::2], parts[2::2], strict=True))
            text = '"—"'
            for threshold, value in pairs:
                text = f"IF(N({x})>={threshold},{value},{text})"
            return f'IF(ISNUMBER({x}),{text},"—")'
        if self.func == "le":
            a, b = parts
            return f'IF(AND(ISNUMBER({a}),ISNUMBER({b})),IF({a}<={b},1,0),"—")'
        if self.func == "sum":
            return "SUM(" + ",".join(parts) + ")"
        if self.func in ("positive", "nonneg"):
            (x,) = parts
            return f"({x})" if bare else f'IF({_GUARD[self.func].format(x)},"—",{x})'
        a, b = parts
        if self.func == "pow":
            body, guarded = f"(({a})^({b}))", a
        elif self.func == "growth":
            body, guarded = f"((({a})/({b})-1)*100)", b
        else:
            body, guarded = f"(({a})/({b}))", b
        if bare:
            return body
        if self.func == "ratio":
            return f'IF(N({b})=0,"—",({a})/({b}))'
        return f'IF({_GUARD[self.func].format(guarded)},"—",{body})'


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        for number, name, other in _TOKEN.findall(text):
            if number:
                self.tokens.append(("num", number))
            elif name:
                self.tokens.append(("name", name))
            elif other.strip():
                self.tokens.append(("op", other))
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FormulaError(f"formula ends early: {self.text!r}")
        self.pos += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.take()
        if tok != ("op", op):
            raise FormulaError(f"expected {op!r} in {self.text!r}, got {tok[1]!r}")

    def expression(self) -> Expr:
        node = self.term()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "+-":
            self.pos += 1
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Expr:
        node = self.factor()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "*/":
            self.pos += 1
            node = BinOp(tok[1], node, self.factor())
        return node

    def factor(self) -> Expr:
        kind, text = self.take()
        if kind == "num":
            return Num(float(text))
        if kind == "op" and text == "(":
            node = self.expression()
            self.expect(")")
            return node
        if kind == "op" and text == "-":
            return BinOp("-", Num(0.0), self.factor())
        if kind == "name":
            nxt = self.peek()
            if nxt == ("op", "("):
                if text not in FUNCTIONS:
                    raise FormulaError(f"unknown function {text!r} in {self.text!r}")
                arity = FUNCTIONS[text]
                self.pos += 1
                args = [self.expression()]
                while self.peek() == ("op", ","):
                    self.pos += 1
                    args.append(self.expression())
                self.expect(")")
                if arity is not None and len(args) != arity:
                    raise FormulaError(f"{text} takes {arity} argument(s) in {self.text!r}")
                if text == "tier" and (len(args) < 3 or len(args) % 2 == 0):
                    raise FormulaError(f"tier takes a value and threshold/value pairs in {self.text!r}")
                return Call(text, tuple(args))
            return Name(text)
        raise FormulaError(f"unexpected {text!r} in {self.text!r}")


def to_excel_guarded(
    expr: Expr, ref: Callable[[str], str], unavailable: Callable[[str], bool] = lambda k: False
) -> str:
    """The formula with one "unavailable" test around all of it, giving "—" exactly when evaluate gives None.

    ``evaluate`` propagates None through every operator, so testing every divisor (and every referenced
    key that may itself be unavailable, per ``unavailable``) once at the top is equivalent — and keeps the
    text "—" away from ``*`` and ``+`` (which would give #VALUE! in a spreadsheet).
    """
    levels: list[list[str]] = [[]]
    for name in sorted(expr.names()):
        if unavailable(name):
            levels[0].append(f"NOT(ISNUMBER({ref(name)}))")
    for sub, test in expr.guards():
        # a test on a sub-expression that can itself be unavailable goes inside the test of that one
        # (OR() evaluates all its arguments, IF only the branch it takes)
        depth = _depth(sub)
        while len(levels) <= depth:
            levels.append([])
        text = test.format(sub.to_excel(ref, bare=True))
        if text not in levels[depth]:
            levels[depth].append(text)
    body = expr.to_excel(ref, bare=True)
    for tests in reversed(levels):
        if tests:
            cond = tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"
            body = f'IF({cond},"—",{body})'
    return body


def _depth(expr: Expr) -> int:
    inner = expr.guards()
    return 0 if not inner else 1 + max(_depth(sub) for sub, _ in inner)


def parse_formula(text: str) -> Expr:
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaError(f"unexpected {parser.peek()[1]!r} in {text!r}")  # type: ignore[index]
    return node
