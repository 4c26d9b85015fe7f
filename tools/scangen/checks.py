"""Reference implementation of the contract's checks (output-contract.md).

Used by the generator to know exactly which checks an injected discrepancy
trips (and that an untouched form trips none). Works on a contract FORM plus
the raw printed text of its values (JSON Pointer -> text), which gives the
printed precision for the tolerance.
"""
from decimal import Decimal

from .values import decimals_of, q, strip_ws

SEVERITY = {
    'FUNDS_RATE': 'error', 'FUNDS_SCORE': 'error', 'FUNDS_PARTS': 'error',
    'SCORE_RANGE': 'error', 'WEIGHT_SUM': 'error', 'SCORE_SUM': 'error',
    'TOTAL_WEIGHT': 'error', 'INDICATOR_OVER': 'warning',
    'INDICATOR_UNDER': 'info', 'REASON_MISSING': 'warning',
}
POSITIVE = {'>=', '>', '='}
REVERSE = {'<=', '<'}


def _dec(x):
    if x is None:
        return None
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _places(raw, ptr, x):
    t = raw.get(ptr)
    if t is not None:
        return decimals_of(t)
    if x is None:
        return 0
    s = repr(float(x)) if isinstance(x, float) else str(x)
    if isinstance(x, float) and float(x) == int(x):
        return 0
    return len(s.split('.')[1]) if '.' in s else 0


def _tol(raw, ptr, x):
    return Decimal('0.5') * Decimal(1).scaleb(-_places(raw, ptr, x)) + Decimal('0.01')


def rule_score(ind):
    """The attainment rule's score for one indicator: ('quant', Decimal) /
    ('range', (lo, hi)) / (None, None) when no rule applies."""
    w = _dec(ind.get('weight'))
    t, a = ind.get('target') or {}, ind.get('actual') or {}
    if w is None:
        return None, None
    if t.get('op') and t.get('value') is not None:
        if a.get('value') is None or t.get('unit') != a.get('unit'):
            return None, None
        tv, av = _dec(t['value']), _dec(a['value'])
        if tv == 0:
            return None, None
        if t['op'] in POSITIVE:
            r = w if av >= tv else w * av / tv
        else:
            r = w if av <= tv else w * max(Decimal(0), 1 - (av - tv) / tv)
        return 'quant', q(r, 2)
    if t.get('value') is None and t.get('text') and a.get('text') is not None \
            and strip_ws(t['text']) == strip_ws(a['text']):
        return 'range', (w * Decimal('0.8'), w)
    return None, None


def run_checks(form, raw=None):
    raw = raw or {}
    out = []

    def add(code, path, ok, stated, rec, msg=''):
        out.append({'code': code, 'severity': SEVERITY[code], 'ok': ok, 'path': path,
                    'stated': stated, 'recomputed': None if rec is None else float(rec),
                    'ocr_suspect': False, 'message': msg})

    def agree(stated, ptr, rec):
        return abs(_dec(stated) - rec) <= _tol(raw, ptr, stated)

    f = form['funds']
    tot = f['total']
    B, E, W = _dec(tot.get('annual_budget')), _dec(tot.get('executed')), _dec(tot.get('weight'))
    # FUNDS_RATE
    p = '/funds/total/execution_rate_pct'
    st = tot.get('execution_rate_pct')
    if st is None or B is None or E is None or B == 0:
        add('FUNDS_RATE', p, None, st, None)
    else:
        rec = E / B * 100
        add('FUNDS_RATE', p, bool(agree(st, p, rec)), st, rec)
    # FUNDS_SCORE
    p = '/funds/total/score'
    st = tot.get('score')
    if st is None or B is None or E is None or W is None or B == 0:
        add('FUNDS_SCORE', p, None, st, None)
    else:
        rec = W * min(E / B, Decimal(1))
        add('FUNDS_SCORE', p, bool(agree(st, p, rec)), st, rec)
    # FUNDS_PARTS
    for col in ('initial_budget', 'annual_budget', 'executed'):
        p = '/funds/total/' + col
        st = tot.get(col)
        parts = [f[k].get(col) for k in ('fiscal', 'carryover', 'other')]
        if st is None or all(x is None for x in parts):
            add('FUNDS_PARTS', p, None, st, None)
        else:
            rec = sum((_dec(x) for x in parts if x is not None), Decimal(0))
            add('FUNDS_PARTS', p, bool(agree(st, p, rec)), st, rec)
    inds = form['indicators']
    for i, ind in enumerate(inds):
        s, w = _dec(ind.get('score')), _dec(ind.get('weight'))
        p = '/indicators/%d/score' % i
        if s is None or w is None:
            add('SCORE_RANGE', p, None, ind.get('score'), None)
        else:
            add('SCORE_RANGE', p, bool(0 <= s <= w), ind.get('score'), w)
    # WEIGHT_SUM / SCORE_SUM / TOTAL_WEIGHT
    total = form['total']
    p = '/total/weight'
    ws = [W] + [_dec(i.get('weight')) for i in inds]
    if total.get('weight') is None or any(x is None for x in ws):
        add('WEIGHT_SUM', p, None, total.get('weight'), None)
    else:
        rec = sum(ws, Decimal(0))
        add('WEIGHT_SUM', p, bool(agree(total['weight'], p, rec)), total['weight'], rec)
    p = '/total/score'
    ss = [_dec(tot.get('score'))] + [_dec(i.get('score')) for i in inds]
    if total.get('score') is None or any(x is None for x in ss):
        add('SCORE_SUM', p, None, total.get('score'), None)
    else:
        rec = sum(ss, Decimal(0))
        add('SCORE_SUM', p, bool(agree(total['score'], p, rec)), total['score'], rec)
    p = '/total/weight'
    if total.get('weight') is None:
        add('TOTAL_WEIGHT', p, None, None, Decimal(100))
    else:
        add('TOTAL_WEIGHT', p, bool(agree(total['weight'], p, Decimal(100))),
            total['weight'], Decimal(100))
    for i, ind in enumerate(inds):
        p = '/indicators/%d/score' % i
        s = _dec(ind.get('score'))
        kind, r = rule_score(ind)
        if s is None or kind is None:
            add('INDICATOR_OVER', p, None, ind.get('score'), None)
            add('INDICATOR_UNDER', p, None, ind.get('score'), None)
        else:
            tol = _tol(raw, p, ind.get('score'))
            lo, hi = (r, r) if kind == 'quant' else r
            add('INDICATOR_OVER', p, not (s - hi > tol), ind.get('score'), hi)
            add('INDICATOR_UNDER', p, not (lo - s > tol), ind.get('score'), lo)
    for i, ind in enumerate(inds):
        p = '/indicators/%d/deviation_reason' % i
        s, w = _dec(ind.get('score')), _dec(ind.get('weight'))
        if s is None or w is None:
            add('REASON_MISSING', p, None, None, None)
        else:
            missing = s < w and not strip_ws(ind.get('deviation_reason') or '')
            add('REASON_MISSING', p, not missing, None, None)
    return out


def verdict(checks):
    if any(c['ok'] is False and c['severity'] == 'error' for c in checks):
        return 'errors'
    if any(c['ok'] is False and c['severity'] == 'warning' for c in checks):
        return 'warnings'
    return 'ok'


def failing(checks):
    return [c for c in checks if c['ok'] is False]
