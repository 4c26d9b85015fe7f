"""Printed text <-> contract values.

Every value in a generated form exists first as the text printed in its cell;
the contract value in the truth file is parsed from that text by the functions
here, so the picture and the truth cannot disagree.
"""
import re
from decimal import Decimal, ROUND_HALF_UP

DASHES = {'', '—', '-', '/', '－', '–', '——'}
OPS = [('>=', '>='), ('<=', '<='), ('≥', '>='), ('≤', '<='), ('≧', '>='), ('≦', '<='),
       ('＞', '>'), ('＜', '<'), ('＝', '='), ('>', '>'), ('<', '<'), ('=', '=')]
NUM_RE = re.compile(r'[0-9][0-9,]*(?:\.[0-9]+)?')


def strip_ws(s):
    return re.sub(r'\s+', '', s or '')


def is_null_text(t):
    return strip_ws(t) in DASHES


def parse_number(t):
    """'11,999,665.86' -> 11999665.86, '808,558' -> 808558, '' / '—' -> None."""
    t = strip_ws(t)
    if t in DASHES:
        return None
    t = t.replace(',', '').rstrip('%')
    if '.' in t:
        return float(Decimal(t))
    return int(t)


def parse_decimal(t):
    t = strip_ws(t)
    if t in DASHES:
        return None
    return Decimal(t.replace(',', '').rstrip('%'))


def decimals_of(t):
    """Printed precision: digits after the point of the number in t."""
    m = NUM_RE.search(strip_ws(t).replace(',', ''))
    if not m:
        return 0
    s = m.group(0)
    return len(s.split('.')[1]) if '.' in s else 0


def parse_measure(t):
    """Target / actual cell text -> {"text","op","value","unit"} (contract)."""
    text = strip_ws(t)
    if text in DASHES:
        return {'text': None, 'op': None, 'value': None, 'unit': None}
    op = None
    rest = text
    for sym, norm in OPS:
        if rest.startswith(sym):
            op = norm
            rest = rest[len(sym):]
            break
    m = re.match(r'^([0-9]+(?:\.[0-9]+)?)(.*)$', rest)
    if m:
        v = m.group(1)
        value = float(Decimal(v)) if '.' in v else int(v)
        unit = m.group(2) or None
        return {'text': text, 'op': op, 'value': value, 'unit': unit}
    return {'text': text, 'op': None, 'value': None, 'unit': None}


def q(d, places):
    """Round a Decimal half-up to `places` decimals."""
    return Decimal(d).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fmt_dec(d, places):
    return format(q(d, places), 'f')


def fmt_amount(cents, sep, places):
    """Amount in cents -> printed text ('1,234.50', '1234.5', '808558')."""
    d = Decimal(cents) / 100
    s = format(q(d, places), ',f' if sep else 'f')
    return s

