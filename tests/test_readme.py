"""The README's Python examples run as written and give the values they document.

A documented value is a trailing comment on the line a statement ends on,
either starting with a number (``minnorm_risk(2.0)  # 1.5: ...``) or stating
``name = number`` (``print(...)  # training R^2 = 1.0``).  The statement's
value (an expression's value, or the last number a ``print`` writes) must
round to the documented digits: ``|value - documented| <= 0.5 * 10**-d`` with
``d`` the number of decimals written.
"""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)

_NUMBER = r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
_LEADING = re.compile(rf"#\s*({_NUMBER})(?![\w.])")
_STATED = re.compile(rf"#.*?=\s*({_NUMBER})(?![\w.])")


def documented_values(code):
    """``{line number: documented value as written}`` for the block's comments."""
    out = {}
    for lineno, line in enumerate(code.splitlines(), start=1):
        if "#" not in line:
            continue
        comment = line[line.index("#") :]
        m = _LEADING.match(comment) or _STATED.match(comment)
        if m:
            out[lineno] = m.group(1)
    return out


def matches(documented, value):
    """Whether ``value`` rounds to ``documented`` at the digits written."""
    mantissa = documented.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(documented.lower().split("e")[1]) if "e" in documented.lower() else 0
    tol = 0.5 * 10.0 ** (exponent - decimals)
    return abs(float(value) - float(documented)) <= tol * (1 + 1e-12)


def _run_block(code):
    """Execute the block statement by statement; return ``{line: value}`` for the
    statements that end on a line with a documented value."""
    wanted = documented_values(code)
    namespace = {"__name__": "readme"}
    got = {}
    for node in ast.parse(code).body:
        line = node.end_lineno
        if line in wanted and isinstance(node, ast.Expr):
            call = node.value
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "print":
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf):
                    exec(compile(ast.Module([node], []), str(README), "exec"), namespace)
                got[line] = re.findall(_NUMBER, buf.getvalue())[-1]
            else:
                expr = ast.Expression(call)
                got[line] = eval(compile(expr, str(README), "eval"), namespace)
        else:
            exec(compile(ast.Module([node], []), str(README), "exec"), namespace)
    return wanted, got


def test_readme_has_examples():
    assert len(BLOCKS) >= 2
    # the documented values this file checks (a parser that finds none proves nothing)
    assert sum(len(documented_values(code)) for code in BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_example_runs(code, capsys):
    wanted, got = _run_block(code)
    capsys.readouterr()
    assert set(got) == set(wanted), "a documented value is not on an expression statement"
    for line, documented in wanted.items():
        assert matches(documented, got[line]), (line, documented, got[line])


def test_matches_rejects_wrong_values():
    # negative controls of the comparison itself
    assert matches("1.505025", 1.5050251256281406)
    assert not matches("1.505025", 1.5050261)  # one unit off in the last digit written
    assert matches("1.5", 1.54)
    assert not matches("1.5", 1.56)
    assert not matches("1.0", 0.9)
    assert documented_values("x  # 1.505025 (r2 = 1)\nprint(a)  # training R^2 = 1.0\n") == {
        1: "1.505025",
        2: "1.0",
    }
