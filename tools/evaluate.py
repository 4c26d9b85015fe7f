#!/usr/bin/python3
"""Accuracy of formdig on a set of generated scans, beside a plain Tesseract
baseline.

  evaluate.py --formdig build/formdig --set DIR [--jobs 1] [--json-out FILE]
  evaluate.py --baseline-only --set DIR
  evaluate.py --no-baseline --formdig build/formdig --set DIR
  evaluate.py --diff ...   (every wrong field: truth, reading, confidence)

DIR holds documents (pdf, tif, png, jpg) each with NAME.truth.json from
tools/gen_scans.py. formdig is run as `formdig FILE` (stdout: one contract
JSON object; exit 0 ok, 1 discrepancy, 2 error). A crash, a time-out, no
output or invalid JSON is a failed case and scores zero; nothing is skipped.

formdig is scored per tier and overall:
  forms found vs expected; exact match of the header fields, of the 15 funds
  numbers, of each indicator column after aligning predicted rows to true
  rows (sequence alignment on names), whole rows, totals; CER of the goal
  texts; precision / recall of failing error+warning checks against the
  truth's injected discrepancies, matched on (form, code, path) (predicted
  indicator indices are mapped through the row alignment); recall of the
  info check INDICATOR_UNDER; false alarms on forms with no injected
  error/warning discrepancy (a failing error/warning check that is not
  ocr_suspect); seconds per page.
Text is compared after removing whitespace; numbers exactly.

The baseline is `tesseract IMG - -l chi_sim --psm 3` per page
(OMP_THREAD_LIMIT=1; PDF pages rasterised with pdftoppm at the page's DPI):
the share of the truth's non-empty table cells whose text (whitespace
removed) appears verbatim in the page's output (whitespace removed); split
into numbers (amount / percent / weight / score cells with at least two
digits) and text (every other cell; single-digit number cells are left out
of all three shares, being found by chance), plus seconds per page.
Uses only Debian's python3.
"""
import argparse
import concurrent.futures as cf
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

EXTS = ('.pdf', '.tif', '.tiff', '.png', '.jpg', '.jpeg')
TIERS = ('clean', 'scan', 'hard')
HEADER = ('title', 'year', 'project_name', 'department', 'implementing_unit')
FUNDS_NUMS = [('total', c) for c in ('initial_budget', 'annual_budget', 'executed', 'weight',
                                      'execution_rate_pct', 'score')] + \
    [(r, c) for r in ('fiscal', 'carryover', 'other') for c in ('initial_budget', 'annual_budget', 'executed')]
IND_COLS = ('level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation_reason')
NUM_KINDS = ('amount', 'percent', 'weight', 'score')


def norm(s):
    if s is None:
        return ''
    return re.sub(r'\s+', '', str(s))


def num_eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def text_eq(a, b):
    return norm(a) == norm(b)


def sim(a, b):
    a, b = norm(a), norm(b)
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def align(xs, ys, score, thresh):
    """Order-preserving alignment maximising the summed similarity of matched
    pairs (pairs below thresh are never matched). -> list of (i, j)."""
    n, m = len(xs), len(ys)
    S = [[score(x, y) for y in ys] for x in xs]
    D = [[0.0] * (m + 1) for _ in range(n + 1)]
    B = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, bk = D[i - 1][j], 1
            if D[i][j - 1] > best:
                best, bk = D[i][j - 1], 2
            s = S[i - 1][j - 1]
            if s >= thresh and D[i - 1][j - 1] + s > best:
                best, bk = D[i - 1][j - 1] + s, 3
            D[i][j], B[i][j] = best, bk
    out, i, j = [], n, m
    while i > 0 and j > 0:
        if B[i][j] == 3:
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif B[i][j] == 1:
            i -= 1
        else:
            j -= 1
    return out[::-1]


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class Acc(dict):
    """Named counters: a[name] = [hits, total]."""

    def add(self, name, ok, n=1):
        c = self.setdefault(name, [0, 0])
        c[0] += n if ok else 0
        c[1] += n

    def addn(self, name, hits, total):
        c = self.setdefault(name, [0, 0])
        c[0] += hits
        c[1] += total

    def merge(self, other):
        for k, (h, t) in other.items():
            self.addn(k, h, t)


# ----------------------------------------------------------------------------
# formdig scoring

def score_forms(truth, pred, acc, misses=None):
    """Adds the scores of pred against truth to acc; with a list as misses,
    appends a line per wrong field: where, truth, reading, confidence."""
    tforms = truth['forms']

    def miss(form, p, pointer, want, got):
        if misses is None:
            return
        prov = ((p or {}).get('provenance') or {}).get(pointer) or {}
        misses.append('form %d %-34s truth %-22s got %-22s conf %s text %r' % (
            form, pointer, json.dumps(want, ensure_ascii=False), json.dumps(got, ensure_ascii=False),
            prov.get('conf', '-'), prov.get('text')))
    pforms = (pred or {}).get('forms') or []
    acc.addn('forms_expected', len(tforms), 0)
    acc.addn('forms_found', len(pforms), 0)

    def fsim(t, p):
        s = sim(t.get('project_name'), p.get('project_name'))
        tp, pp = set(t.get('pages') or []), set(p.get('pages') or [])
        if tp and pp:
            s = max(s, len(tp & pp) / len(tp | pp))
        return s
    fmatch = dict((i, j) for i, j in align(tforms, pforms, fsim, 0.3))
    acc.addn('forms_matched', len(fmatch), len(tforms))
    inj = truth.get('injected') or []
    truth_keys = {(e['form'], e['code'], e['path']) for e in inj if e.get('severity') in ('error', 'warning')}
    truth_under = {(e['form'], e['code'], e['path']) for e in inj if e['code'] == 'INDICATOR_UNDER'}
    pred_keys, pred_under = set(), set()
    for ti, t in enumerate(tforms):
        p = pforms[fmatch[ti]] if ti in fmatch else {}
        for k in HEADER:
            eq = num_eq(t.get(k), p.get(k)) if k == 'year' else text_eq(t.get(k), p.get(k)) and k in p
            acc.add('header', eq)
            acc.add('h:' + k, eq)
            if not eq:
                miss(ti, p, '/' + k, t.get(k), p.get(k))
        pf = p.get('funds') or {}
        for r, c in FUNDS_NUMS:
            tv = t['funds'][r].get(c)
            ok = bool(pf) and num_eq(tv, (pf.get(r) or {}).get(c))
            acc.add('funds', ok)
            if not ok:
                miss(ti, p, '/funds/%s/%s' % (r, c), tv, (pf.get(r) or {}).get(c))
        # goals CER
        for k in ('expected', 'actual'):
            tg = norm((t.get('goals') or {}).get(k))
            pg = norm((p.get('goals') or {}).get(k))
            acc.addn('goals_cer', levenshtein(tg, pg), len(tg))
        # indicators
        tind, pind = t['indicators'], p.get('indicators') or []
        amap = dict(align(tind, pind, lambda a, b: sim(a.get('name'), b.get('name')), 0.4))
        rev = {j: i for i, j in amap.items()}
        acc.addn('ind_rows_found', len(amap), len(tind))
        acc.addn('ind_rows_spurious', len(pind) - len(amap), 0)
        for i, ti_ in enumerate(tind):
            pi_ = pind[amap[i]] if i in amap else None
            allok = pi_ is not None
            for col in IND_COLS:
                if pi_ is None:
                    ok = False
                elif col in ('weight', 'score'):
                    ok = num_eq(ti_.get(col), pi_.get(col))
                elif col in ('target', 'actual'):
                    ok = text_eq((ti_.get(col) or {}).get('text'), (pi_.get(col) or {}).get('text'))
                else:
                    ok = text_eq(ti_.get(col), pi_.get(col))
                acc.add('i:' + col, ok)
                allok = allok and ok
                if not ok:
                    if pi_ is None:
                        if col == 'name':
                            miss(ti, p, '/indicators/-/name (row %d not found)' % i, ti_.get(col), None)
                    else:
                        tv_, pv_ = ti_.get(col), pi_.get(col)
                        if col in ('target', 'actual'):
                            tv_, pv_ = (tv_ or {}).get('text'), (pv_ or {}).get('text')
                        miss(ti, p, '/indicators/%d/%s' % (amap[i], col), tv_, pv_)
            acc.add('ind_rows_exact', allok)
        tt, pt = t.get('total') or {}, p.get('total') or {}
        for k in ('weight', 'score'):
            ok = bool(p) and num_eq(tt.get(k), pt.get(k))
            acc.add('total_' + k, ok)
            if not ok:
                miss(ti, p, '/total/' + k, tt.get(k), pt.get(k))
        # checks
        fails = [c for c in (p.get('checks') or []) if c.get('ok') is False]

        def remap(path):
            m = re.match(r'^/indicators/(\d+)(/.*)?$', path or '')
            if m:
                j = int(m.group(1))
                return '/indicators/%s%s' % (rev.get(j, 'x%d' % j), m.group(2) or '')
            return path
        for c in fails:
            key = (ti, c.get('code'), remap(c.get('path')))
            if c.get('severity') in ('error', 'warning'):
                pred_keys.add(key)
            if c.get('code') == 'INDICATOR_UNDER':
                pred_under.add(key)
        has_inj = any(e['form'] == ti and e.get('severity') in ('error', 'warning') for e in inj)
        if not has_inj and ti in fmatch:
            alarm = any(c.get('severity') in ('error', 'warning') and not c.get('ocr_suspect') for c in fails)
            acc.add('false_alarm_forms', alarm)
    # failing checks of predicted forms matched to no true form are false positives
    matched_p = set(fmatch.values())
    for j, p in enumerate(pforms):
        if j in matched_p:
            continue
        for c in p.get('checks') or []:
            if c.get('ok') is False and c.get('severity') in ('error', 'warning'):
                pred_keys.add(('unmatched%d' % j, c.get('code'), c.get('path')))
    tp = len(truth_keys & pred_keys)
    acc.addn('checks_precision', tp, len(pred_keys))
    acc.addn('checks_recall', tp, len(truth_keys))
    acc.addn('under_recall', len(truth_under & pred_under), len(truth_under))


def run_formdig(binary, path, timeout):
    t0 = time.time()
    if not binary or not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        return {'status': 'missing binary', 'json': None, 'seconds': 0.0, 'rc': None}
    env = dict(os.environ, OMP_THREAD_LIMIT='1')
    try:
        # One worker per process: --jobs runs documents side by side, and
        # the seconds per page stay those of one worker.
        p = subprocess.run([binary, '-j1', path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {'status': 'timeout', 'json': None, 'seconds': time.time() - t0, 'rc': None}
    dt = time.time() - t0
    if p.returncode not in (0, 1, 2):
        return {'status': 'crash (rc %d)' % p.returncode, 'json': None, 'seconds': dt, 'rc': p.returncode,
                'stderr': p.stderr.decode('utf-8', 'replace')[-500:]}
    js = None
    try:
        txt = p.stdout.decode('utf-8').strip()
        try:
            js = json.loads(txt) if txt else None
        except ValueError:
            js = json.loads(txt.splitlines()[0])     # JSON Lines: the first object
    except (ValueError, UnicodeDecodeError):
        js = None
    if not isinstance(js, dict):
        return {'status': 'invalid JSON' if p.stdout.strip() else 'no output', 'json': None, 'seconds': dt,
                'rc': p.returncode, 'stderr': p.stderr.decode('utf-8', 'replace')[-500:]}
    return {'status': 'ok' if p.returncode in (0, 1) else 'exit 2', 'json': js, 'seconds': dt,
            'rc': p.returncode}


# ----------------------------------------------------------------------------
# tesseract baseline

def page_images(path, truth, tmp):
    """-> list of image paths, one per page."""
    ext = os.path.splitext(path)[1].lower()
    pages = truth['source']['pages']
    if ext == '.pdf':
        out = []
        for i, pi in enumerate(truth['page_info']):
            pre = os.path.join(tmp, 'p%d' % (i + 1))
            subprocess.run(['pdftoppm', '-r', str(pi['dpi']), '-f', str(i + 1), '-l', str(i + 1),
                            '-singlefile', '-png', path, pre], check=True)
            out.append(pre + '.png')
        return out
    if ext in ('.tif', '.tiff'):
        from PIL import Image
        out = []
        im = Image.open(path)
        for i in range(pages):
            im.seek(i)
            p = os.path.join(tmp, 'p%d.png' % (i + 1))
            im.save(p)
            out.append(p)
        return out
    return [path]


def baseline_doc(path, truth, acc):
    tmp = tempfile.mkdtemp(prefix='fd-base-')
    try:
        t_pages = 0.0
        try:
            imgs = page_images(path, truth, tmp)
        except Exception as e:  # noqa: BLE001
            imgs = []
            acc.addn('failed_pages', truth['source']['pages'], 0)
            print('baseline: %s: %s' % (path, e), file=sys.stderr)
        env = dict(os.environ, OMP_THREAD_LIMIT='1')
        for i, pi in enumerate(truth['page_info']):
            text = ''
            if i < len(imgs):
                t0 = time.time()
                p = subprocess.run(['tesseract', imgs[i], '-', '-l', 'chi_sim', '--psm', '3'],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
                t_pages += time.time() - t0
                text = norm(p.stdout.decode('utf-8', 'replace'))
            for c in pi['cells'] + [dict(e, kind='label') for e in pi.get('preamble', [])]:
                t = norm(c['text'])
                if not t:
                    continue
                digits = sum(ch.isdigit() for ch in t)
                if c.get('kind') in NUM_KINDS:
                    if digits < 2:
                        continue
                    cat = 'b_numbers'
                else:
                    cat = 'b_text'
                found = t in text
                acc.add('b_cells', found)
                acc.add(cat, found)
        acc.addn('b_seconds', t_pages, 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------

def pct(h, t):
    return '%6.1f%%' % (100.0 * h / t) if t else '     — '


def fmt_table(title, rows, accs, cols):
    w0 = max(len(r[0]) for r in rows) + 2
    out = [title, ' ' * w0 + ''.join('%14s' % c for c in cols)]
    for label, fn in rows:
        out.append(label.ljust(w0) + ''.join('%14s' % fn(accs[c]) for c in cols))
    return '\n'.join(out)


def rate(name):
    return lambda a: pct(*a.get(name, [0, 0]))


def pooled(keys):
    """The share of exact fields over several columns pooled (issue #5's
    "numeric fields" and "text fields")."""
    return lambda x: pct(sum(x.get(k, [0, 0])[0] for k in keys), sum(x.get(k, [0, 0])[1] for k in keys))


FD_NUMBERS = ['funds', 'total_weight', 'total_score', 'i:weight', 'i:score']
FD_TEXT = ['header'] + ['i:' + c for c in ('level1', 'level2', 'name', 'target', 'actual',
                                           'deviation_reason')]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--formdig', default='build/formdig')
    ap.add_argument('--set', required=True, help='directory of documents + .truth.json')
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('--baseline-only', action='store_true', help='run only the tesseract baseline')
    ap.add_argument('--no-baseline', action='store_true', help='skip the tesseract baseline')
    ap.add_argument('--json-out')
    ap.add_argument('--diff', action='store_true',
                    help='print every wrong field of every document (truth, reading, confidence)')
    a = ap.parse_args(argv)
    docs = []
    for p in sorted(glob.glob(os.path.join(a.set, '*'))):
        base, ext = os.path.splitext(p)
        if ext.lower() in EXTS and os.path.exists(base + '.truth.json'):
            with open(base + '.truth.json', encoding='utf-8') as f:
                docs.append((p, json.load(f)))
    if not docs:
        print('no documents with truth files in %s' % a.set, file=sys.stderr)
        return 2
    acc_f = {t: Acc() for t in TIERS + ('all',)}
    acc_b = {t: Acc() for t in TIERS + ('all',)}
    per_doc = []

    def tier_of(truth):
        return (truth.get('generator') or {}).get('tier') or truth['page_info'][0]['tier']

    def do_formdig(item):
        path, truth = item
        r = run_formdig(a.formdig, path, a.timeout)
        acc = Acc()
        misses = []
        score_forms(truth, r['json'], acc, misses)
        r['misses'] = misses
        return path, truth, r, acc

    def do_baseline(item):
        path, truth = item
        acc = Acc()
        baseline_doc(path, truth, acc)
        return path, truth, acc
    t_start = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        if not a.baseline_only:
            for path, truth, r, acc in ex.map(do_formdig, docs):
                tier = tier_of(truth)
                npg = truth['source']['pages']
                acc.addn('seconds', r['seconds'], 0)
                acc.addn('pages', npg, 0)
                acc.add('docs_ok', r['status'] in ('ok', 'exit 2'))
                for k in (tier, 'all'):
                    acc_f[k].merge(acc)
                per_doc.append({'file': os.path.basename(path), 'tier': tier, 'pages': npg,
                                'status': r['status'], 'rc': r['rc'], 'seconds': round(r['seconds'], 2),
                                'scores': {k: v for k, v in acc.items()}, 'misses': r['misses']})
                print('formdig  %-28s %-5s %-14s %6.1fs' % (os.path.basename(path), tier, r['status'],
                                                         r['seconds']), file=sys.stderr)
                if a.diff:
                    for m in r['misses']:
                        print('    ' + m, file=sys.stderr)
        if not a.no_baseline:
            for path, truth, acc in ex.map(do_baseline, docs):
                tier = tier_of(truth)
                acc.addn('b_pages', truth['source']['pages'], 0)
                for k in (tier, 'all'):
                    acc_b[k].merge(acc)
                print('baseline %-28s %-5s cells %s  %5.1fs' % (os.path.basename(path), tier,
                                                              pct(*acc.get('b_cells', [0, 0])),
                                                              acc['b_seconds'][0]), file=sys.stderr)
    cols = [t for t in TIERS if any(tier_of(tr) == t for _, tr in docs)] + ['all']
    ndocs = {t: sum(1 for _, tr in docs if tier_of(tr) == t) for t in TIERS}
    ndocs['all'] = len(docs)
    npages = {t: sum(tr['source']['pages'] for _, tr in docs if tier_of(tr) == t) for t in TIERS}
    npages['all'] = sum(tr['source']['pages'] for _, tr in docs)
    print('set %s: %d documents, %d pages (%s)' % (a.set, len(docs), npages['all'],
                                                 ', '.join('%s %d/%d' % (t, ndocs[t], npages[t]) for t in TIERS)))
    out = {'set': a.set, 'documents': len(docs), 'pages': npages, 'docs_per_tier': ndocs}
    if not a.baseline_only:
        def spp(x):
            pg = x.get('pages', [0, 0])[0]
            return '%8.2f' % (x.get('seconds', [0, 0])[0] / pg) if pg else '     —'

        def forms(x):
            return '%d/%d' % (x.get('forms_found', [0, 0])[0], x.get('forms_expected', [0, 0])[0])

        def cer(x):
            h, t = x.get('goals_cer', [0, 0])
            return '%6.1f%%' % (100.0 * h / t) if t else '     — '

        def spur(x):
            return str(x.get('ind_rows_spurious', [0, 0])[0])
        rows = [('documents read (no crash/time-out/bad JSON)', rate('docs_ok')),
                ('forms found / expected', forms),
                ('forms matched', rate('forms_matched')),
                ('numbers exact (all numeric fields)', pooled(FD_NUMBERS)),
                ('text fields exact (header + indicators)', pooled(FD_TEXT)),
                ('header fields exact', rate('header'))] + \
            [('  ' + k, rate('h:' + k)) for k in HEADER] + \
            [('funds numbers exact (15/form)', rate('funds')),
             ('indicator rows found', rate('ind_rows_found')),
             ('indicator rows spurious (count)', spur)] + \
            [('  ' + c, rate('i:' + c)) for c in IND_COLS] + \
            [('indicator rows exact', rate('ind_rows_exact')),
             ('total weight', rate('total_weight')),
             ('total score', rate('total_score')),
             ('goal texts CER (lower is better)', cer),
             ('checks precision (error+warning)', rate('checks_precision')),
             ('checks recall (error+warning)', rate('checks_recall')),
             ('INDICATOR_UNDER recall (info)', rate('under_recall')),
             ('false alarms (clean forms)', rate('false_alarm_forms')),
             ('seconds per page', spp)]
        print()
        print(fmt_table('formdig %s' % a.formdig, rows, acc_f, cols))
        out['formdig'] = {c: dict(acc_f[c]) for c in cols}
        out['per_document'] = per_doc
    if not a.no_baseline:
        def bspp(x):
            pg = x.get('b_pages', [0, 0])[0]
            return '%8.2f' % (x.get('b_seconds', [0, 0])[0] / pg) if pg else '     —'
        rows = [('cells found verbatim', rate('b_cells')),
                ('  numbers (>= 2 digits)', rate('b_numbers')),
                ('  text', rate('b_text')),
                ('seconds per page', bspp)]
        print()
        print(fmt_table('baseline: tesseract -l chi_sim --psm 3 (whole page)', rows, acc_b, cols))
        out['baseline'] = {c: dict(acc_b[c]) for c in cols}
    if not a.baseline_only and not a.no_baseline:
        # side by side: formdig's field exact-match pooled like the baseline's cells
        fd_all = pooled(['header', 'funds', 'total_weight', 'total_score'] + ['i:' + c for c in IND_COLS])
        fd_num = pooled(FD_NUMBERS)
        fd_txt = pooled(FD_TEXT)
        merged = {c: Acc() for c in cols}
        for c in cols:
            merged[c].merge(acc_f[c])
            merged[c].merge(acc_b[c])
        rows = [('formdig: fields exact (all)', fd_all), ('tesseract: cells verbatim', rate('b_cells')),
                ('formdig: numbers exact', fd_num), ('tesseract: numbers verbatim', rate('b_numbers')),
                ('formdig: text fields exact', fd_txt), ('tesseract: text verbatim', rate('b_text'))]
        print()
        print(fmt_table('side by side', rows, merged, cols))
    print('\n(%.0f s)' % (time.time() - t_start))
    if a.json_out:
        with open(a.json_out, 'w', encoding='utf-8') as f:
            json.dump(out, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
