"""Schemathesis hooks for ingestion's OpenAPI document: the `cpf` and `cnpj` string formats.

A pattern cannot say that a CPF's or CNPJ's last two digits are modulo-11 check digits, so without these most
generated tax ids would be refused and the requests that carry them would never get past validation. Loaded
through SCHEMATHESIS_HOOKS by schemathesis.int.test.ts.
"""

import schemathesis
from hypothesis import strategies as st


def _check_digit(digits, weights):
    rest = sum(d * w for d, w in zip(digits, weights)) % 11
    return 0 if rest < 2 else 11 - rest


def _with_check_digits(base, first_weights, second_weights):
    first = _check_digit(base, first_weights)
    return base + [first, _check_digit(base + [first], second_weights)]


@st.composite
def _cpf(draw):
    base = draw(st.lists(st.integers(0, 9), min_size=9, max_size=9).filter(lambda ds: len(set(ds)) > 1))
    d = "".join(map(str, _with_check_digits(base, range(10, 1, -1), range(11, 1, -1))))
    formatted = draw(st.booleans())
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}" if formatted else d


@st.composite
def _cnpj(draw):
    base = draw(st.lists(st.integers(0, 9), min_size=12, max_size=12).filter(lambda ds: len(set(ds)) > 1))
    d = "".join(map(str, _with_check_digits(base, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])))
    formatted = draw(st.booleans())
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}" if formatted else d


schemathesis.openapi.format("cpf", _cpf())
schemathesis.openapi.format("cnpj", _cnpj())
