"""Table layout and pagination of a printed form onto A4 pages.

Everything is laid out in page pixels at the page's DPI; a cell's box runs
from ruling-line centre to ruling-line centre.
"""
from PIL import ImageFont

FONTS = {
    'song': ('/usr/share/fonts/truetype/arphic/uming.ttc', 0, 'AR PL UMing CN'),
    'kai': ('/usr/share/fonts/truetype/arphic/ukai.ttc', 0, 'AR PL UKai CN'),
    'hei': ('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', 0, 'WenQuanYi Zen Hei'),
    'notoserif': ('/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', 2, 'Noto Serif CJK SC'),
    'notosans': ('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 2, 'Noto Sans CJK SC'),
    'notoserif-bold': ('/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc', 2, 'Noto Serif CJK SC Bold'),
    'notosans-bold': ('/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', 2, 'Noto Sans CJK SC Bold'),
}
BODY_FONTS = ['song', 'song', 'kai', 'hei', 'notoserif', 'notosans']

_cache = {}


def font(key, px):
    k = (key, px)
    if k not in _cache:
        path, idx, _ = FONTS[key]
        f = ImageFont.truetype(path, px, index=idx)
        l, t, r, b = f.getbbox('国', anchor='la')
        f.cy = (t + b) / 2.0           # glyph centre below the ascender line
        _cache[k] = f
    return _cache[k]


CLOSE = set('，。、；：）」』”’！？%％》,.;:)')
OPEN = set('（「『“‘《(')


def _tokens(text):
    toks = []
    cur = ''
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in '.,%<>=+-/'):
            cur += ch
            continue
        if cur:
            toks.append(cur)
            cur = ''
        toks.append(ch)
    if cur:
        toks.append(cur)
    return toks


def wrap(text, f, width):
    """Greedy CJK wrap with simple line-breaking rules; explicit \\n kept."""
    out = []
    for para in text.split('\n'):
        lines, cur = [], ''
        for tok in _tokens(para):
            if f.getlength(cur + tok) <= width or not cur:
                if not cur and f.getlength(tok) > width and len(tok) > 1:
                    # a token wider than the cell: break it by characters
                    for ch in tok:
                        if cur and f.getlength(cur + ch) > width:
                            lines.append(cur)
                            cur = ''
                        cur += ch
                    continue
                cur += tok
            elif tok in CLOSE and len(tok) == 1:
                cur += tok             # no closing punctuation at a line start
            else:
                carry = ''
                while cur and cur[-1] in OPEN:
                    carry = cur[-1] + carry
                    cur = cur[:-1]
                if cur:
                    lines.append(cur)
                cur = carry + tok
        lines.append(cur)
        out.extend(lines)
    return out


class Style:
    """Per-document look of the form."""

    def __init__(self, rng, dpi):
        self.dpi = dpi
        self.font = rng.choice(BODY_FONTS)
        self.pt = rng.choice([9, 9.5, 10, 10.5, 10.5, 11, 12])
        self.title_font = rng.choice(['notoserif-bold', 'notosans-bold', 'hei', self.font])
        self.title_pt = rng.choice([16, 18, 18, 20, 22])
        self.title_stroke = self.title_font in ('song', 'kai', 'notoserif', 'notosans') and rng.random() < 0.7
        self.line_w = rng.choice([1, 2, 2, 3]) if dpi >= 250 else rng.choice([1, 1, 2])
        self.outer = rng.random() < 0.55
        self.name_align = rng.choice(['l', 'c', 'c'])
        self.num_align = rng.choice(['c', 'c', 'r'])
        self.text_align = rng.choice(['l', 'l', 'c'])
        self.repeat_header = rng.random() < 0.5
        self.split_p = rng.choice([0.0, 0.4, 0.7])
        self.label_both = rng.random() < 0.25
        self.total_merged = rng.random() < 0.6
        self.funds_tail = rng.choice(['cells', 'vmerge', 'block'])
        self.funds_label = rng.choice(['项目资金（元）', '项目资金\n（元）', '项目资金(元)', '项目资金\n(元)'])
        self.goal_label = rng.choice(['年度总体目标', '年度\n总体\n目标', '年度总\n体目标'])
        self.row_extra = rng.uniform(0.0, 0.6)
        self.tw_mm = rng.uniform(172, 186)
        self.left_mm = (210 - self.tw_mm) / 2 + rng.uniform(-4, 4)
        self.top_mm = rng.uniform(14, 24)
        self.bottom_mm = rng.uniform(14, 22)
        # column widths (mm) of the indicator block, the name column takes the rest
        self.w_outer = rng.uniform(8, 12)
        self.w_l1 = rng.uniform(13, 19)
        self.w_l2 = rng.uniform(16, 24)
        self.w_tgt = rng.uniform(15, 21)
        self.w_act = rng.uniform(15, 21)
        self.w_wt = rng.uniform(9, 12)
        self.w_sc = rng.uniform(9, 12)
        self.w_rsn = rng.uniform(20, 32)
        self.w_flabel = rng.uniform(13, 19)
        self.w_frow = rng.uniform(24, 34)
        self.w_hlabel = rng.uniform(18, 26)
        self.w_ulabel = rng.uniform(16, 22)
        self.split_at = rng.uniform(0.45, 0.58)
        self.goal_split = rng.uniform(0.45, 0.55)
        self.snap = rng.random() < 0.5
        self.ink = rng.randint(0, 40)

    def describe(self):
        return {'font': FONTS[self.font][2], 'font_pt': self.pt, 'line_px': self.line_w}


class FormLayout:
    def __init__(self, style, rng):
        self.s = style
        self.rng = rng
        self.dpi = style.dpi
        self.W = int(round(210 / 25.4 * self.dpi))
        self.H = int(round(297 / 25.4 * self.dpi))

    def mm(self, v):
        return int(round(v * self.dpi / 25.4))

    # ------------------------------------------------------------------
    def _cell(self, x0, x1, text, kind, align='c', ptr=None):
        return {'x0': x0, 'x1': x1, 'text': text or '', 'kind': kind, 'align': align, 'ptr': ptr}

    def build(self, pf, pt):
        s = self.s
        self.px = px = int(round(pt / 72 * self.dpi))
        self.f = font(s.font, px)
        self.LH = int(round(px * 1.32))
        self.pad_y = int(round(px * 0.32))
        self.pad_x = int(round(px * 0.3))
        self.min_h = self.LH + 2 * self.pad_y + int(s.row_extra * px)
        L = self.mm(s.left_mm)
        TW = self.mm(s.tw_mm)
        R = L + TW
        self.L, self.R = L, R
        f = self.f

        def need(texts, floor_mm):
            w = max([f.getlength(t) for t in texts if t] + [0]) + 2 * self.pad_x + 2
            return max(int(w), self.mm(floor_mm))
        rows_pf = pf['rows']
        # ----- indicator columns
        w_tgt = max(self.mm(s.w_tgt), min(need([r['target'] for r in rows_pf], 0), self.mm(26)))
        w_act = max(self.mm(s.w_act), min(need([r['actual'] for r in rows_pf], 0), self.mm(26)))
        w_wt = max(self.mm(s.w_wt), need([r['weight'] for r in rows_pf] + [pf['total']['weight']], 0))
        w_sc = max(self.mm(s.w_sc), need([r['score'] for r in rows_pf] + [pf['total']['score']], 0))
        widths = ([self.mm(s.w_outer)] if s.outer else []) + \
            [self.mm(s.w_l1), self.mm(s.w_l2), 0, w_tgt, w_act, w_wt, w_sc, self.mm(s.w_rsn)]
        name_i = widths.index(0)
        widths[name_i] = TW - sum(widths)
        xs = [L]
        for w in widths:
            xs.append(xs[-1] + w)
        xs[-1] = R
        self.ixs = xs
        o = 1 if s.outer else 0
        col = {k: (xs[o + i], xs[o + i + 1]) for i, k in
               enumerate(['l1', 'l2', 'name', 'tgt', 'act', 'wt', 'sc', 'rsn'])}
        if s.outer:
            col['outer'] = (xs[0], xs[1])

        def snap(x, lo=0):
            """Move x onto a nearby column line of the indicator block (never below lo)."""
            if not s.snap:
                return x
            cand = [v for v in xs[1:-1] if v >= lo]
            if not cand:
                return x
            best = min(cand, key=lambda v: abs(v - x))
            return best if abs(best - x) < self.mm(12) else x
        rows, groups = [], []

        def row(kind, cells, **kw):
            r = {'kind': kind, 'cells': cells}
            r.update(kw)
            rows.append(r)
            return len(rows) - 1
        # ----- header rows
        hmin = L + need(['项目名称'], 0)
        hx1 = snap(max(L + self.mm(s.w_hlabel), hmin), hmin)
        ux0 = snap(L + int(TW * s.split_at))
        ux1 = ux0 + max(self.mm(s.w_ulabel), need(['实施单位'], 0))
        row('hdr', [self._cell(L, hx1, '项目名称', 'label'),
                    self._cell(hx1, R, pf['project_name'], 'text', s.text_align, '/project_name')])
        row('hdr', [self._cell(L, hx1, '主管部门', 'label'),
                    self._cell(hx1, ux0, pf['department'], 'text', s.text_align, '/department'),
                    self._cell(ux0, ux1, '实施单位', 'label'),
                    self._cell(ux1, R, pf['implementing_unit'], 'text', s.text_align, '/implementing_unit')])
        # ----- funds block
        fu = pf['funds']
        amounts = [fu[r][c] for r in fu for c in ('initial_budget', 'annual_budget', 'executed')]
        w_amt = need(amounts + ['全年预算数'], 0)
        w_small = [need(['分值', fu['total']['weight']], 10), need(['执行率', fu['total']['execution_rate_pct']], 14),
                   need(['得分', fu['total']['score']], 10)]
        fl = self.mm(s.w_flabel)
        fr = self.mm(s.w_frow)
        rest = TW - fl - fr - 3 * w_amt - sum(w_small)
        if rest < 0:
            fr = max(self.mm(16), fr + rest)
            rest = TW - fl - fr - 3 * w_amt - sum(w_small)
        extra = max(0, rest)
        fw = [fl, fr] + [w_amt + extra // 5] * 3 + [w_small[0] + extra // 10, w_small[1] + extra // 10,
                                                     w_small[2] + extra // 10]
        fx = [L]
        for w in fw:
            fx.append(fx[-1] + w)
        fx[-1] = R
        if s.snap:
            nx = snap(fx[1], L + self.mm(10))
            if fx[2] - nx >= self.mm(18):
                fx[1] = nx
        f0 = row('fundshdr', [self._cell(fx[1], fx[2], '', 'label')] +
                 [self._cell(fx[2 + i], fx[3 + i], t, 'label') for i, t in
                  enumerate(['年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'])])
        labels = {'total': '年度资金总额', 'fiscal': '其中：当年财政拨款', 'carryover': '上年结转资金',
                  'other': '其他资金'}
        kinds = {'initial_budget': 'amount', 'annual_budget': 'amount', 'executed': 'amount'}
        for rk in ('total', 'fiscal', 'carryover', 'other'):
            cells = [self._cell(fx[1], fx[2], labels[rk], 'label')]
            for i, c in enumerate(('initial_budget', 'annual_budget', 'executed')):
                cells.append(self._cell(fx[2 + i], fx[3 + i], fu[rk][c], kinds[c], s.num_align,
                                        '/funds/%s/%s' % (rk, c)))
            if rk == 'total':
                cells.append(self._cell(fx[5], fx[6], fu[rk]['weight'], 'weight', 'c', '/funds/total/weight'))
                cells.append(self._cell(fx[6], fx[7], fu[rk]['execution_rate_pct'], 'percent', 'c',
                                        '/funds/total/execution_rate_pct'))
                cells.append(self._cell(fx[7], fx[8], fu[rk]['score'], 'score', 'c', '/funds/total/score'))
            else:
                cells.append(self._cell(fx[5], fx[6], fu[rk].get('weight', '—'), 'label'))
                if s.funds_tail == 'cells':
                    cells.append(self._cell(fx[6], fx[7], '', 'label'))
                    cells.append(self._cell(fx[7], fx[8], '', 'label'))
            row('funds', cells)
        f4 = len(rows) - 1
        groups.append({'x0': L, 'x1': fx[1], 'r0': f0, 'r1': f4, 'text': s.funds_label, 'kind': 'label'})
        if s.funds_tail == 'vmerge':
            groups.append({'x0': fx[6], 'x1': fx[7], 'r0': f0 + 2, 'r1': f4, 'text': '', 'kind': 'label'})
            groups.append({'x0': fx[7], 'x1': fx[8], 'r0': f0 + 2, 'r1': f4, 'text': '', 'kind': 'label'})
        elif s.funds_tail == 'block':
            groups.append({'x0': fx[6], 'x1': fx[8], 'r0': f0 + 2, 'r1': f4, 'text': '', 'kind': 'label'})
        # ----- goals
        gx1 = fx[1] if self.rng.random() < 0.6 else snap(L + self.mm(s.w_flabel + 2))
        gx2 = snap(gx1 + int((R - gx1) * s.goal_split))
        g0 = row('goalhdr', [self._cell(gx1, gx2, '预期目标', 'label'), self._cell(gx2, R, '实际完成情况', 'label')])
        g1 = row('goaltext', [self._cell(gx1, gx2, pf['goals']['expected'], 'text', 'l', '/goals/expected'),
                              self._cell(gx2, R, pf['goals']['actual'], 'text', 'l', '/goals/actual')])
        groups.append({'x0': L, 'x1': gx1, 'r0': g0, 'r1': g1, 'text': s.goal_label, 'kind': 'label'})
        # ----- indicator block
        hdr_cells = [self._cell(col[k][0], col[k][1], t, 'label') for k, t in
                     [('l1', '一级指标'), ('l2', '二级指标'), ('name', '三级指标'), ('tgt', '年度指标值'),
                      ('act', '实际完成值'), ('wt', '分值'), ('sc', '得分'), ('rsn', '偏差原因分析及改进措施')]]
        ih = row('indhdr', hdr_cells)
        self.hdr_cells = hdr_cells
        k = 0
        first_ind = len(rows)
        for r in rows_pf:
            ptr = None if r['empty'] else '/indicators/%d' % k
            cells = [self._cell(col['name'][0], col['name'][1], r['name'], 'text', s.name_align,
                                ptr and ptr + '/name'),
                     self._cell(col['tgt'][0], col['tgt'][1], r['target'], 'measure', 'c', ptr and ptr + '/target'),
                     self._cell(col['act'][0], col['act'][1], r['actual'], 'measure', 'c', ptr and ptr + '/actual'),
                     self._cell(col['wt'][0], col['wt'][1], r['weight'], 'weight', 'c', ptr and ptr + '/weight'),
                     self._cell(col['sc'][0], col['sc'][1], r['score'], 'score', 'c', ptr and ptr + '/score'),
                     self._cell(col['rsn'][0], col['rsn'][1], r['reason'], 'text', 'l' if len(r['reason']) > 8 else 'c',
                                ptr and ptr + '/deviation_reason')]
            row('ind', cells, ind=None if r['empty'] else k)
            if not r['empty']:
                k += 1
        last_ind = len(rows) - 1
        # level groups
        i = 0
        n = len(rows_pf)
        while i < n:
            j = i
            while j + 1 < n and rows_pf[j + 1]['level1'] == rows_pf[i]['level1']:
                j += 1
            groups.append({'x0': col['l1'][0], 'x1': col['l1'][1], 'r0': first_ind + i, 'r1': first_ind + j,
                           'text': rows_pf[i]['level1'] or '', 'kind': 'text'})
            a = i
            while a <= j:
                b = a
                while b + 1 <= j and rows_pf[b + 1]['level2'] == rows_pf[a]['level2']:
                    b += 1
                groups.append({'x0': col['l2'][0], 'x1': col['l2'][1], 'r0': first_ind + a, 'r1': first_ind + b,
                               'text': rows_pf[a]['level2'] or '', 'kind': 'text'})
                a = b + 1
            i = j + 1
        if s.outer:
            groups.append({'x0': col['outer'][0], 'x1': col['outer'][1], 'r0': ih, 'r1': last_ind,
                           'text': '绩效指标', 'kind': 'label'})
        # total row
        tot = pf['total']
        if s.total_merged:
            tcells = [self._cell(L, col['wt'][0], '总分', 'label')]
        else:
            tcells = [self._cell(L, col['l1'][1], '总分', 'label')]
            for kk in ('l2', 'name', 'tgt', 'act'):
                tcells.append(self._cell(col[kk][0], col[kk][1], '', 'label'))
        tcells += [self._cell(col['wt'][0], col['wt'][1], tot['weight'], 'weight', 'c', '/total/weight'),
                   self._cell(col['sc'][0], col['sc'][1], tot['score'], 'score', 'c', '/total/score'),
                   self._cell(col['rsn'][0], col['rsn'][1], '', 'label')]
        row('total', tcells)
        self.rows, self.groups = rows, groups
        self.ind_hdr_row = ih
        self._measure()

    # ------------------------------------------------------------------
    def _measure(self):
        f = self.f
        for r in self.rows:
            n = 1
            for c in r['cells']:
                c['lines'] = wrap(c['text'], f, c['x1'] - c['x0'] - 2 * self.pad_x) if c['text'] else []
                n = max(n, len(c['lines']))
            r['h'] = max(self.min_h, n * self.LH + 2 * self.pad_y)
            if r['kind'] in ('hdr', 'goalhdr', 'total'):
                r['h'] = max(r['h'], int(self.min_h * 1.15))
        for g in self.groups:
            g['lines'] = wrap(g['text'], f, g['x1'] - g['x0'] - 2 * self.pad_x) if g['text'] else []
            need = len(g['lines']) * self.LH + 2 * self.pad_y
            have = sum(self.rows[i]['h'] for i in range(g['r0'], g['r1'] + 1))
            if need > have:
                span = g['r1'] - g['r0'] + 1
                add = -(-(need - have) // span)
                for i in range(g['r0'], g['r1'] + 1):
                    self.rows[i]['h'] += add

    # ------------------------------------------------------------------
    def paginate(self, title, year_text):
        """-> list of pages; each page a list of placed pieces + preamble."""
        s, rng = self.s, self.rng
        top = self.mm(s.top_mm)
        bottom = self.H - self.mm(s.bottom_mm)
        tf = font(s.title_font, int(round(s.title_pt / 72 * self.dpi)))
        yf = font(s.font, int(round((s.pt + 1) / 72 * self.dpi)))
        t_h = int(tf.size * 1.25)
        y_h = int(yf.size * 1.5)
        cx = (self.L + self.R) // 2
        pre = [{'text': title, 'font': tf, 'cx': cx, 'cy': top + t_h // 2, 'stroke': 1 if s.title_stroke else 0},
               {'text': year_text, 'font': yf, 'cx': cx, 'cy': top + t_h + y_h // 2, 'stroke': 0}]
        pages = [{'pieces': [], 'preamble': pre}]
        y = top + t_h + y_h + int(self.px * 0.4)
        for ri, r in enumerate(self.rows):
            h = r['h']
            # the indicator header row stays with the first indicator row
            keep = self.rows[ri + 1]['h'] if r['kind'] == 'indhdr' and ri + 1 < len(self.rows) else 0
            if y + h + keep <= bottom:
                pages[-1]['pieces'].append({'row': ri, 'y0': y, 'y1': y + h, 'cells': r['cells']})
                y += h
                continue
            # does not fit: split a wrapped indicator row, or move it whole
            placed = False
            if r['kind'] == 'ind' and rng.random() < s.split_p:
                name = r['cells'][0]
                nl = len(name['lines'])
                m = (bottom - y - 2 * self.pad_y) // self.LH
                if nl >= 2 and 1 <= m < nl:
                    others_first = rng.random() < 0.3 and all(len(c['lines']) <= m for c in r['cells'][1:])
                    c1 = [dict(name, lines=name['lines'][:m])] + \
                        [dict(c, lines=c['lines'] if others_first else []) for c in r['cells'][1:]]
                    c2 = [dict(name, lines=name['lines'][m:])] + \
                        [dict(c, lines=[] if others_first else c['lines']) for c in r['cells'][1:]]
                    h1 = m * self.LH + 2 * self.pad_y
                    pages[-1]['pieces'].append({'row': ri, 'y0': y, 'y1': y + h1, 'cells': c1, 'split': 1})
                    n2 = max(len(c['lines']) for c in c2)
                    h2 = max(self.min_h, n2 * self.LH + 2 * self.pad_y)
                    pages.append({'pieces': [], 'preamble': []})
                    y = top
                    y = self._maybe_header(pages[-1], y)
                    pages[-1]['pieces'].append({'row': ri, 'y0': y, 'y1': y + h2, 'cells': c2, 'split': 2})
                    y += h2
                    placed = True
            if not placed:
                pages.append({'pieces': [], 'preamble': []})
                y = top
                if r['kind'] in ('ind', 'total'):
                    y = self._maybe_header(pages[-1], y)
                pages[-1]['pieces'].append({'row': ri, 'y0': y, 'y1': y + h, 'cells': r['cells']})
                y += h
        return pages

    def _maybe_header(self, page, y):
        if not self.s.repeat_header:
            return y
        h = self.rows[self.ind_hdr_row]['h']
        page['pieces'].append({'row': self.ind_hdr_row, 'y0': y, 'y1': y + h,
                               'cells': self.rows[self.ind_hdr_row]['cells'], 'repeat': True})
        return y + h

    # ------------------------------------------------------------------
    def page_cells(self, pages):
        """Turn pieces + groups into each page's final cell list."""
        out = []
        for pg in pages:
            cells = []
            for pc in pg['pieces']:
                for c in pc['cells']:
                    cells.append({'x0': c['x0'], 'x1': c['x1'], 'y0': pc['y0'], 'y1': pc['y1'],
                                  'lines': list(c['lines']), 'align': c['align'], 'kind': c['kind'],
                                  'ptr': c['ptr'], 'split': pc.get('split'), 'scale': 1.0})
            out.append(cells)
        for g in self.groups:
            frags = []
            for pi, pg in enumerate(pages):
                ys = [(pc['y0'], pc['y1']) for pc in pg['pieces'] if g['r0'] <= pc['row'] <= g['r1']]
                if ys:
                    frags.append((pi, min(a for a, b in ys), max(b for a, b in ys)))
            if not frags:
                continue
            big = max(range(len(frags)), key=lambda i: frags[i][2] - frags[i][1])
            for i, (pi, y0, y1) in enumerate(frags):
                show = (i == big) or (self.s.label_both and g['lines'])
                c = {'x0': g['x0'], 'x1': g['x1'], 'y0': y0, 'y1': y1, 'lines': list(g['lines']) if show else [],
                     'align': 'c', 'kind': g['kind'], 'ptr': None, 'split': None, 'scale': 1.0,
                     'group': True}
                if show and g['lines']:
                    self._fit(c, g['text'])
                out[pi].append(c)
        return out

    def _fit(self, c, text):
        """Shrink a merged label until it fits its (page) fragment."""
        h = c['y1'] - c['y0']
        for sc in (1.0, 0.85, 0.72, 0.6, 0.5):
            f = font(self.s.font, max(8, int(self.px * sc)))
            lines = wrap(text, f, c['x1'] - c['x0'] - 2 * max(1, int(self.pad_x * sc)))
            if len(lines) * int(self.LH * sc) + 2 * int(self.pad_y * sc) <= h or sc == 0.5:
                c['lines'], c['scale'] = lines, sc
                return


def layout_form(pf, style, rng, max_pages=3):
    """-> (FormLayout, pages, page cell lists). Shrinks the font when a form
    would run over max_pages."""
    pt = style.pt
    while True:
        fl = FormLayout(style, rng)
        fl.build(pf, pt)
        pages = fl.paginate(pf['title'], pf['year_text'])
        if len(pages) <= max_pages or pt <= 8:
            break
        pt -= 0.5
    return fl, pages, fl.page_cells(pages)
