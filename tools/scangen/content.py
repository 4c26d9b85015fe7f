"""Form content: random forms, forms read from a contract JSON, injected
discrepancies, and the conversion of printed text into contract values.

A form lives in two shapes:
  * the model (Decimals, cents, formatting choices) used while generating and
    injecting, and
  * the printed form (PF): every cell's text exactly as printed. The layout
    draws the PF; the truth is parsed from the PF (to_contract), so picture
    and truth agree by construction.
"""
import copy
from decimal import Decimal

from . import words as W
from .checks import run_checks, failing
from .values import parse_number, parse_measure, fmt_amount, fmt_dec, q, strip_ws

TITLE = '财政项目支出绩效自评表'
FUNDS_ROWS = ['total', 'fiscal', 'carryover', 'other']
FUNDS_COLS = ['initial_budget', 'annual_budget', 'executed']
CODES = ['FUNDS_RATE', 'FUNDS_SCORE', 'FUNDS_PARTS', 'SCORE_RANGE', 'WEIGHT_SUM', 'SCORE_SUM',
         'TOTAL_WEIGHT', 'INDICATOR_OVER', 'INDICATOR_UNDER', 'REASON_MISSING']
LEVEL1 = {'产出指标': ['数量指标', '质量指标', '时效指标', '成本指标'],
          '效益指标': ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
          '满意度指标': ['服务对象满意度指标']}

OP_PRINT = {'=': ['=', '=', '=', '＝'], '>=': ['>=', '>=', '≥'], '>': ['>', '>', '＞'],
            '<=': ['<=', '<=', '≤'], '<': ['<', '＜']}


# ----------------------------------------------------------------------------
# printed form -> contract

def to_contract(pf):
    """Printed form -> (contract FORM without pages/checks, raw map ptr->text)."""
    raw = {}

    def num(ptr, t):
        v = parse_number(t)
        if v is not None:
            raw[ptr] = strip_ws(t)
        return v

    funds = {}
    for r in FUNDS_ROWS:
        row = {}
        cols = FUNDS_COLS + (['weight', 'execution_rate_pct', 'score'] if r == 'total' else [])
        for c in cols:
            row[c] = num('/funds/%s/%s' % (r, c), pf['funds'][r].get(c, ''))
        funds[r] = row
    inds = []
    for row in pf['rows']:
        if row.get('empty'):
            continue
        i = len(inds)
        ind = {'level1': row['level1'] or None, 'level2': row['level2'] or None,
               'name': strip_ws(row['name']) or None,
               'target': parse_measure(row['target']), 'actual': parse_measure(row['actual']),
               'weight': num('/indicators/%d/weight' % i, row['weight']),
               'score': num('/indicators/%d/score' % i, row['score']),
               'deviation_reason': strip_ws(row['reason']) or None}
        inds.append(ind)
    form = {'title': pf['title'], 'year': pf['year'], 'project_name': strip_ws(pf['project_name']),
            'department': strip_ws(pf['department']) or None,
            'implementing_unit': strip_ws(pf['implementing_unit']) or None,
            'funds': funds,
            'goals': {'expected': strip_ws(pf['goals']['expected']) or None,
                      'actual': strip_ws(pf['goals']['actual']) or None},
            'indicators': inds,
            'total': {'weight': num('/total/weight', pf['total']['weight']),
                      'score': num('/total/score', pf['total']['score'])}}
    return form, raw


# ----------------------------------------------------------------------------
# contract JSON -> printed form (for --from-json)

def _num_text(x):
    if x is None:
        return ''
    if isinstance(x, float):
        if x == int(x):
            return '%.2f' % x
        return repr(x)
    return str(x)


def pf_from_contract(form, rng):
    pf = {'title': form.get('title') or TITLE, 'year': form.get('year'),
          'year_text': rng.choice(['(%d 年度)', '（%d年度）', '(%d年度)']) % form.get('year'),
          'project_name': form.get('project_name') or '', 'department': form.get('department') or '',
          'implementing_unit': form.get('implementing_unit') or ''}
    funds = {}
    for r in FUNDS_ROWS:
        src = form['funds'].get(r) or {}
        row = {}
        for c in FUNDS_COLS:
            v = src.get(c)
            t = _num_text(v)
            if v is not None and r == 'total' and c == 'executed' and rng.random() < 0.7:
                d = Decimal(t)
                t = format(d, ',f')
            row[c] = t
        if r == 'total':
            row['weight'] = _num_text(src.get('weight'))
            rate = src.get('execution_rate_pct')
            row['execution_rate_pct'] = '' if rate is None else '%.2f%%' % rate
            row['score'] = _num_text(src.get('score')) if not isinstance(src.get('score'), float) \
                else repr(src.get('score'))
        else:
            row['weight'] = '—'
        funds[r] = row
    pf['funds'] = funds
    pf['goals'] = {'expected': (form.get('goals') or {}).get('expected') or '',
                   'actual': (form.get('goals') or {}).get('actual') or ''}
    def sc(x):
        return '' if x is None else (repr(x) if isinstance(x, float) else str(x))
    rows = []
    for ind in form['indicators']:
        rows.append({'level1': ind.get('level1'), 'level2': ind.get('level2'),
                     'name': ind.get('name') or '', 'target': (ind.get('target') or {}).get('text') or '',
                     'actual': (ind.get('actual') or {}).get('text') or '',
                     'weight': sc(ind.get('weight')), 'score': sc(ind.get('score')),
                     'reason': ind.get('deviation_reason') or '', 'empty': False})
    # the paper often shows an empty 成本指标 row where a form has none
    l2s = [r['level2'] for r in rows if r['level1'] == '产出指标']
    if l2s and '成本指标' not in l2s and rng.random() < 0.5:
        last = max(i for i, r in enumerate(rows) if r['level1'] == '产出指标')
        rows.insert(last + 1, {'level1': '产出指标', 'level2': '成本指标', 'name': '', 'target': '',
                               'actual': '', 'weight': '', 'score': '', 'reason': '', 'empty': True})
    pf['rows'] = rows
    t = form.get('total') or {}
    pf['total'] = {'weight': sc(t.get('weight')), 'score': sc(t.get('score'))}
    return pf


# ----------------------------------------------------------------------------
# random forms: model

def _loguniform(rng, lo, hi):
    import math
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _amount_cents(rng, yuan, whole_p=0.5):
    if rng.random() < whole_p:
        step = rng.choice([1, 1, 100, 1000])
        return int(round(yuan / step)) * step * 100
    return int(round(yuan * 100))


class Gen:
    """Random form generator (one per form, with its own RNG)."""

    def __init__(self, rng, max_ind=35, year=None):
        self.rng = rng
        self.max_ind = max_ind
        self.fixed_year = year

    # --- header -------------------------------------------------------------
    def header(self):
        rng = self.rng
        city, districts = rng.choice(W.CITIES)
        district = rng.choice(districts)
        town = rng.choice(W.TOWNS)
        self.town, self.district, self.city = town, district, city
        topic = rng.choice(W.TOPICS)
        self.topic = topic
        year = rng.randint(2019, 2025)
        if self.fixed_year:
            year = self.fixed_year
        self.year = year
        suffix = rng.choice(W.PROJ_SUFFIX)
        if suffix[:2] in topic:
            suffix = '经费'
        r = rng.random()
        if r < 0.4:
            proj = town + topic + suffix
        elif r < 0.6:
            proj = district + topic + suffix
        elif r < 0.75:
            proj = '%d年%s%s' % (year, topic, suffix)
        else:
            proj = topic + suffix
        if rng.random() < 0.5:
            dept = district + rng.choice(W.BUREAUS)
        else:
            dept = town + rng.choice(W.TOWN_DEPTS)
        r = rng.random()
        unit = rng.choice(W.UNITS)
        if r < 0.4:
            unit = city + district + town + unit
        elif r < 0.75:
            unit = district + town + unit
        else:
            unit = town + unit
        return {'title': TITLE, 'year': year,
                'year_text': rng.choice(['(%d 年度)', '（%d年度）', '(%d年度)', '（%d 年度）']) % year,
                'project_name': proj, 'department': dept, 'implementing_unit': unit}

    # --- funds --------------------------------------------------------------
    def funds(self):
        rng = self.rng
        annual = _amount_cents(rng, _loguniform(rng, 2e4, 2e7))
        annual = max(annual, 100000)
        initial = annual if rng.random() < 0.35 else _amount_cents(rng, annual / 100 * rng.uniform(0.5, 1.5))
        if rng.random() < 0.45:
            executed = annual
        else:
            executed = int(annual * rng.uniform(0.55, 0.999))
            if rng.random() < 0.4:
                executed = executed // 100 * 100
        cells = {r: {c: 0 for c in FUNDS_COLS} for r in FUNDS_ROWS}
        cells['total'] = {'initial_budget': initial, 'annual_budget': annual, 'executed': executed}
        has_carry = rng.random() < 0.3
        has_other = rng.random() < 0.15
        for c in FUNDS_COLS:
            tot = cells['total'][c]
            carry = int(tot * rng.uniform(0.05, 0.3)) // 100 * 100 if has_carry else 0
            if c == 'initial_budget' and has_carry and rng.random() < 0.5:
                carry = 0
            other = int(tot * rng.uniform(0.02, 0.15)) // 100 * 100 if has_other else 0
            cells['carryover'][c] = carry
            cells['other'][c] = other
            cells['fiscal'][c] = tot - carry - other
        # blanks: executed of empty part rows is often left blank (seed)
        blank = {}
        for r in ('carryover', 'other'):
            for c in FUNDS_COLS:
                if cells[r][c] == 0:
                    blank[(r, c)] = rng.choice(['0', '0', '0.00', '', '—']) if c != 'executed' \
                        else rng.choice(['', '', '0', '—'])
        sep_style = rng.choice(['none', 'none', 'all', 'mixed'])
        places_style = rng.choice(['2', '2', '0', 'mixed'])
        fmt = {}
        for r in FUNDS_ROWS:
            for c in FUNDS_COLS:
                sep = sep_style == 'all' or (sep_style == 'mixed' and rng.random() < 0.4)
                if places_style == '2':
                    pl = 2
                elif places_style == '0':
                    pl = 0 if cells[r][c] % 100 == 0 else 2
                else:
                    pl = 0 if cells[r][c] % 100 == 0 and rng.random() < 0.5 else 2
                fmt[(r, c)] = (sep, pl)
        self.fm = {'cells': cells, 'blank': blank, 'fmt': fmt, 'weight': Decimal(10),
                   'rate_places': rng.choice([2, 2, 2, 1]),
                   'score_places': rng.choice([2, 2, 1]),
                   'rate_override': None, 'score_override': None}
        self._funds_derive()

    def _funds_derive(self):
        fm = self.fm
        B = Decimal(fm['cells']['total']['annual_budget'])
        E = Decimal(fm['cells']['total']['executed'])
        fm['rate'] = E / B * 100
        s = fm['weight'] * min(E / B, Decimal(1))
        if s == s.to_integral_value():
            fm['score'], fm['score_pl'] = s, 0
        else:
            fm['score_pl'] = fm['score_places']
            fm['score'] = q(s, fm['score_pl'])
        if fm['score_override'] is not None:
            fm['score'], fm['score_pl'] = fm['score_override']

    def funds_pf(self):
        fm = self.fm
        out = {}
        for r in FUNDS_ROWS:
            row = {}
            for c in FUNDS_COLS:
                v = fm['cells'][r][c]
                if (r, c) in fm['blank']:
                    row[c] = fm['blank'][(r, c)]
                else:
                    sep, pl = fm['fmt'][(r, c)]
                    row[c] = fmt_amount(v, sep, pl)
            if r == 'total':
                row['weight'] = fmt_dec(fm['weight'], 0)
                rate = fm['rate_override'] if fm['rate_override'] is not None else fm['rate']
                row['execution_rate_pct'] = fmt_dec(rate, fm['rate_places']) + '%'
                row['score'] = fmt_dec(fm['score'], fm['score_pl'])
            else:
                row['weight'] = '—'
            out[r] = row
        return out

    # --- goals --------------------------------------------------------------
    def goals(self):
        rng = self.rng

        def fill(s):
            return s.format(t=self.topic, town=self.town, y=self.year)
        parts = [fill(rng.choice(W.GOAL_PARTS))]
        for m in rng.sample(W.GOAL_MID, rng.randint(2, 4)):
            parts.append(fill(m))
        parts.append(fill(rng.choice(W.GOAL_END)))
        exp = ''.join(parts)
        if rng.random() < 0.5:
            act = exp
        else:
            mids = [fill(m) for m in rng.sample(W.GOAL_MID, rng.randint(1, 3))]
            act = '%d年度已完成%s各项工作任务，' % (self.year, self.topic) + ''.join(mids) + \
                fill(rng.choice(W.GOAL_END))
        return {'expected': exp, 'actual': act}

    # --- indicators ---------------------------------------------------------
    def _name(self, tpl, used):
        rng = self.rng
        for _ in range(30):
            n = tpl.format(**{k: rng.choice(v) for k, v in W.FILL.items()})
            if rng.random() < 0.15:
                n = rng.choice(W.LONG_PREFIX).format(t=self.topic) + n
            if n not in used:
                used.add(n)
                return n
        n = n + str(len(used))
        used.add(n)
        return n

    def _op(self, norm):
        return self.rng.choice(OP_PRINT[norm])

    def indicator(self, level1, level2, used):
        rng = self.rng
        tpl, kind, par = rng.choice(W.INDICATORS[level2])
        ind = {'level1': level1, 'level2': level2, 'name': self._name(tpl, used), 'kind': kind,
               'reason': '', 'empty': False, 'weight': None, 'score': None, 'spl': 0}
        if kind == 'count':
            units, lo, hi = par
            u = rng.choice(units)
            tv = Decimal(int(_loguniform(rng, lo, hi)))
            op = rng.choice(['=', '=', '>=', '>'])
            ind.update(op=op, tv=tv, unit=u, tdec=0)
        elif kind in ('rate', 'sat'):
            op = rng.choice(['>=', '>=', '>', '='])
            tv = Decimal(100) if op == '=' else Decimal(rng.choice([80, 85, 90, 95, 98] if kind == 'rate'
                                                                 else [80, 85, 90, 95]))
            ind.update(op=op, tv=tv, unit='%', tdec=0)
        elif kind == 'rate_rev':
            op = rng.choice(['<=', '<=', '<'])
            tv = Decimal(rng.choice([1, 2, 3, 5, 10, 100]))
            ind.update(op=op, tv=tv, unit='%', tdec=0)
        elif kind in ('cost', 'cost_gain'):
            op = '<=' if kind == 'cost' else rng.choice(['>=', '>'])
            tv = Decimal(rng.choice([1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 50, 80, 120]))
            if rng.random() < 0.2:
                tv += Decimal('0.5')
            ind.update(op=op, tv=tv, unit='万元', tdec=1 if tv != int(tv) else 0)
        elif kind == 'cost_yuan':
            ind.update(op='<=', tv=Decimal(rng.choice([50, 80, 120, 200, 300, 500, 1000])), unit='元', tdec=0)
        elif kind == 'month':
            op = rng.choice(['=', '<='])
            ind.update(op=op, tv=Decimal(rng.choice([6, 9, 10, 11, 12])), unit='月', tdec=0)
        elif kind == 'days':
            ind.update(op=rng.choice(['<=', '<']), tv=Decimal(rng.choice([3, 5, 7, 10, 15, 30])),
                       unit=rng.choice(['天', '个工作日', '日']), tdec=0)
        else:
            ind.update(op=None, qual=rng.choice(par))
        if ind['op']:
            ind['target'] = self._op(ind['op']) + fmt_dec(ind['tv'], ind['tdec']) + ind['unit']
            self._met_actual(ind)
        else:
            ind['target'] = ind['actual'] = ind['qual']
        return ind

    def _met_actual(self, ind):
        rng = self.rng
        tv, op, u = ind['tv'], ind['op'], ind['unit']
        if op in ('=',):
            av = tv
        elif op in ('>=', '>'):
            if u == '%':
                av = tv + Decimal(rng.randint(0, int(100 - tv))) if rng.random() < 0.7 else tv
                av = min(av, Decimal(100))
            elif rng.random() < 0.5:
                av = tv
            else:
                av = tv + Decimal(int(tv * Decimal(rng.uniform(0, 0.3))))
        else:
            if rng.random() < 0.4 and ind['kind'] in ('cost',):
                ind['actual'] = ind['target'].replace('≤', '<=') if rng.random() < 0.7 else ind['target']
                ind['av'] = tv
                return
            av = tv if rng.random() < 0.4 else q(tv * Decimal(rng.uniform(0.5, 1.0)), ind['tdec'] if u != '万元' else 1)
            if av <= 0:
                av = tv
        ind['av'] = av
        ind['actual'] = fmt_dec(av, self._places(av)) + u

    @staticmethod
    def _places(d):
        d = d.normalize()
        e = -d.as_tuple().exponent
        return max(0, min(2, e))

    def deduct(self, ind, with_reason=True):
        """A legitimate deduction following the attainment rule."""
        rng = self.rng
        w = ind['weight']
        if ind['op']:
            tv, u = ind['tv'], ind['unit']
            for _ in range(50):
                if ind['op'] in ('=', '>=', '>'):
                    f = Decimal(str(round(rng.uniform(0.5, 0.97), 3)))
                else:
                    f = Decimal(str(round(rng.uniform(1.05, 1.6), 3)))
                if u == '%' and ind['op'] in ('=', '>=', '>'):
                    av = q(tv * f, rng.choice([0, 1]))
                elif u in ('万元',):
                    av = q(tv * f, 1)
                else:
                    av = q(tv * f, 0)
                if av <= 0 or av == tv:
                    continue
                if ind['op'] in ('=', '>=', '>'):
                    rule = q(w * av / tv, 2)
                else:
                    rule = q(w * max(Decimal(0), 1 - (av - tv) / tv), 2)
                pl = rng.choice([1, 2, 2])
                s = q(rule, pl)
                if s < w:
                    break
            else:
                return False
            ind['av'] = av
            ind['actual'] = fmt_dec(av, self._places(av)) + u
            ind['score'], ind['spl'] = s, self._places(s) if s != s.to_integral_value() else 0
            if ind['spl'] == 0:
                ind['spl'] = 0
        else:
            if rng.random() < 0.5 and ind['qual'] in W.QUAL_VARIANT:
                ind['actual'] = W.QUAL_VARIANT[ind['qual']]
                d = rng.choice([Decimal(1), Decimal('0.5')])
            else:
                d = Decimal(1) if w * Decimal('0.2') >= 1 else Decimal('0.5')
                if w - d < w * Decimal('0.8'):
                    return False
            if w - d < 0:
                return False
            ind['score'] = w - d
            ind['spl'] = 0 if d == 1 else 1
        if with_reason:
            ind['reason'] = rng.choice(W.REASONS) + (rng.choice(W.IMPROVE) if rng.random() < 0.3 else '')
        return True

    def indicators(self):
        rng = self.rng
        n = rng.randint(10, self.max_ind)
        n_sat = rng.randint(1, max(1, min(6, n // 5)))
        n_ben = max(2, int(round(n * rng.uniform(0.18, 0.35))))
        n_out = n - n_sat - n_ben
        used = set()
        rows = []

        def split(k, names, must):
            counts = {nm: 0 for nm in names}
            for nm in must:
                counts[nm] = 1
            for _ in range(k - len(must)):
                counts[rng.choice(names)] += 1
            return counts
        oc = split(n_out, LEVEL1['产出指标'], ['数量指标', '质量指标'])
        bc = split(n_ben, LEVEL1['效益指标'], ['社会效益指标'])
        no_l2_benefit = rng.random() < 0.08
        for l2 in LEVEL1['产出指标']:
            if oc[l2] == 0:
                if l2 == '成本指标' and rng.random() < 0.5:
                    rows.append(self._empty('产出指标', l2))
                continue
            for _ in range(oc[l2]):
                rows.append(self.indicator('产出指标', l2, used))
        for l2 in LEVEL1['效益指标']:
            if bc[l2] == 0:
                if not no_l2_benefit and rng.random() < 0.2:
                    rows.append(self._empty('效益指标', l2))
                continue
            for _ in range(bc[l2]):
                ind = self.indicator('效益指标', l2, used)
                if no_l2_benefit:
                    ind['level2'] = None
                rows.append(ind)
        for _ in range(n_sat):
            rows.append(self.indicator('满意度指标', '服务对象满意度指标', used))
        real = [r for r in rows if not r['empty']]
        # weights: integers summing to 90
        raw = [rng.choice([2, 3, 3, 4, 5, 5, 6, 8, 10]) for _ in real]
        tot = sum(raw)
        ws = [max(1, int(x * 90 / tot)) for x in raw]
        while sum(ws) < 90:
            ws[rng.randrange(len(ws))] += 1
        while sum(ws) > 90:
            i = rng.randrange(len(ws))
            if ws[i] > 1:
                ws[i] -= 1
        for r, w in zip(real, ws):
            r['weight'] = Decimal(w)
            r['score'] = Decimal(w)
            r['spl'] = 0
        for r in real:
            if rng.random() < 0.08:
                self.deduct(r)
        self.rows = rows

    @staticmethod
    def _empty(l1, l2):
        return {'level1': l1, 'level2': l2, 'name': '', 'kind': None, 'target': '', 'actual': '',
                'weight': None, 'score': None, 'spl': 0, 'reason': '', 'empty': True, 'op': None}

    # --- whole form ---------------------------------------------------------
    def make(self):
        self.hdr = self.header()
        self.funds()
        self.gl = self.goals()
        self.indicators()
        self.total_weight = Decimal(100) if self.rng.random() < 0.92 else None
        self.total_score_override = None

    def real_rows(self):
        return [r for r in self.rows if not r['empty']]

    def pf(self):
        pf = dict(self.hdr)
        pf['funds'] = self.funds_pf()
        pf['goals'] = dict(self.gl)
        rows = []
        for r in self.rows:
            rows.append({'level1': r['level1'], 'level2': r['level2'], 'name': r['name'],
                         'target': r['target'], 'actual': r['actual'],
                         'weight': '' if r['weight'] is None else fmt_dec(r['weight'], 0 if r['weight'] == int(r['weight']) else 1),
                         'score': '' if r['score'] is None else fmt_dec(r['score'], r['spl']),
                         'reason': r['reason'], 'empty': r['empty']})
        pf['rows'] = rows
        if self.total_score_override is not None:
            ts, tpl = self.total_score_override
        else:
            ts = self.fm['score'] + sum(r['score'] for r in self.real_rows())
            tpl = max([self.fm['score_pl']] + [r['spl'] for r in self.real_rows()])
        pf['total'] = {'weight': '' if self.total_weight is None else fmt_dec(self.total_weight, 0),
                       'score': fmt_dec(ts, tpl)}
        return pf

    # --- injected discrepancies --------------------------------------------
    def inject(self, code):
        """Apply one discrepancy; returns the (code, path) it targets, or None
        when this form cannot carry it."""
        rng = self.rng
        fm = self.fm
        real = self.real_rows()
        idx = {id(r): i for i, r in enumerate(real)}
        if code == 'FUNDS_RATE':
            rate = fm['rate']
            d = Decimal(rng.choice([1, 2, 3, 5, 8, 10, 12])) + Decimal(rng.randint(0, 99)) / 100
            new = rate - d if rate > 50 else rate + d
            if rate >= 100 and rng.random() < 0.5:
                new = rate - d
            fm['rate_override'] = new
            return code, '/funds/total/execution_rate_pct'
        if code == 'FUNDS_SCORE':
            s = fm['score']
            if s < fm['weight'] and rng.random() < 0.6:
                fm['score_override'] = (fm['weight'], 0)
            else:
                d = Decimal(rng.choice([1, 2, 3]))
                fm['score_override'] = (s - d if s - d >= 0 else s + d, fm['score_pl'])
            self._funds_derive()
            return code, '/funds/total/score'
        if code == 'FUNDS_PARTS':
            cols = [c for c in FUNDS_COLS if fm['cells']['fiscal'][c] > 0]
            if not cols:
                return None
            c = rng.choice(cols)
            v = fm['cells']['fiscal'][c]
            delta = rng.choice([10000, 50000, 100000, 1000000, 200]) * rng.choice([1, -1])
            if v + delta <= 0:
                delta = abs(delta)
            fm['cells']['fiscal'][c] = v + delta
            return code, '/funds/total/' + c
        if code in ('WEIGHT_SUM', 'TOTAL_WEIGHT'):
            full = [r for r in real if r['score'] == r['weight'] and r['weight'] > 2]
            if not full:
                return None
            r = rng.choice(full)
            d = Decimal(rng.choice([1, 2])) * rng.choice([1, -1])
            r['weight'] += d
            r['score'] += d
            self.total_weight = Decimal(100) if code == 'WEIGHT_SUM' else Decimal(100) + d
            return code, '/total/weight'
        if code == 'SCORE_SUM':
            ts = fm['score'] + sum(x['score'] for x in real)
            tpl = max([fm['score_pl']] + [x['spl'] for x in real])
            d = Decimal(rng.choice([1, 2, 3, 4, 5]))
            self.total_score_override = (ts - d if rng.random() < 0.6 else ts + d, tpl)
            return code, '/total/score'
        if code == 'SCORE_RANGE':
            cand = [r for r in real if not r['op'] and r['qual'] in W.QUAL_VARIANT and r['score'] == r['weight']]
            if not cand:
                return None
            r = rng.choice(cand)
            r['actual'] = W.QUAL_VARIANT[r['qual']]   # no rule score: only SCORE_RANGE trips
            r['score'] = r['weight'] + rng.choice([1, 2, 3])
            return code, '/indicators/%d/score' % idx[id(r)]
        if code == 'INDICATOR_OVER':
            cand = [r for r in real if r['op'] in ('=', '>=', '>') and r['score'] == r['weight']]
            if not cand:
                return None
            r = rng.choice(cand)
            tv, w = r['tv'], r['weight']
            hi = min(Decimal('0.9'), 1 - Decimal('0.6') / w)
            if hi <= Decimal('0.3'):
                return None
            f = Decimal(str(round(rng.uniform(0.3, float(hi)), 3)))
            av = q(tv * f, 0 if r['unit'] != '万元' else 1)
            if av <= 0 or w * (1 - av / tv) <= Decimal('0.55'):
                return None
            r['av'] = av
            r['actual'] = fmt_dec(av, self._places(av)) + r['unit']
            return code, '/indicators/%d/score' % idx[id(r)]
        if code == 'INDICATOR_UNDER':
            cand = [r for r in real if r['score'] == r['weight'] and r['weight'] >= 2 and
                    (r['op'] or r['target'] == r['actual'])]
            if not cand:
                return None
            r = rng.choice(cand)
            w = r['weight']
            if r['op']:
                d = Decimal(rng.choice([1, 2])) if w >= 3 else Decimal(1)
            else:
                d = Decimal(int(w * Decimal('0.2')) + rng.choice([1, 2]))
                if w - d < 0:
                    return None
            r['score'] = w - d
            r['spl'] = 0
            r['reason'] = rng.choice(W.REASONS)
            return code, '/indicators/%d/score' % idx[id(r)]
        if code == 'REASON_MISSING':
            ded = [r for r in real if r['score'] < r['weight'] and r['reason']]
            if ded and rng.random() < 0.5:
                r = rng.choice(ded)
                r['reason'] = ''
            else:
                cand = [r for r in real if r['op'] and r['score'] == r['weight']]
                rng.shuffle(cand)
                for r in cand:
                    if self.deduct(r, with_reason=False):
                        break
                else:
                    return None
            return code, '/indicators/%d/deviation_reason' % idx[id(r)]
        raise ValueError(code)


def random_form(rng, inject_p=0.5, codes=None, max_ind=35, year=None):
    """-> (printed form, [(code, path)] intended injections)."""
    codes = codes or CODES
    for attempt in range(20):
        g = Gen(rng, max_ind, year)
        g.make()
        intended = []
        if rng.random() < inject_p:
            order = list(codes)
            rng.shuffle(order)
            for code in order:
                snap = copy.deepcopy((g.fm, g.rows, g.total_weight, g.total_score_override))
                res = g.inject(code)
                if res:
                    intended.append(res)
                    break
                g.fm, g.rows, g.total_weight, g.total_score_override = snap
        pf = g.pf()
        form, raw = to_contract(pf)
        fails = failing(run_checks(form, raw))
        if not intended and fails:
            continue      # a clean form must pass every check; draw again
        if intended and not any((c['code'], c['path']) == intended[0] for c in fails):
            continue      # the injection did not take; draw again
        return pf, intended
    raise RuntimeError('could not generate a consistent form')


def injected_entries(form_index, form, raw, intended):
    """Every failing check of a form, tagged with why it fails."""
    out = []
    for c in failing(run_checks(form, raw)):
        cause = 'injected' if (c['code'], c['path']) in intended else \
            ('side-effect' if intended else 'natural')
        out.append({'form': form_index, 'code': c['code'], 'path': c['path'],
                    'severity': c['severity'], 'cause': cause})
    return out
