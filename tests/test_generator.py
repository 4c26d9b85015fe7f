#!/usr/bin/python3
"""Self-test of tools/gen_scans.py and tools/evaluate.py (Debian python3 only).

- the generator is deterministic (same arguments -> same bytes);
- truth files are consistent: pages, grid indices of the cells, every
  indicator printed on its pages, injected discrepancies == the failing
  checks of the reference checker;
- a perfect reader (prints the truth) scores 100 % in the evaluator, a
  missing binary scores 0 % without the evaluator failing;
- scans/ is reproduced byte for byte by the commands in scans/README.md
  (needs shared/seed beside the repo, else that part is skipped).
"""
import glob
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
from scangen.checks import run_checks, failing  # noqa: E402

PY = sys.executable or '/usr/bin/python3'
RESULTS = []


def check(name, cond, detail=''):
    RESULTS.append(bool(cond))
    print('%s %s%s' % ('ok  ' if cond else 'FAIL', name, (' — ' + detail) if detail and not cond else ''))


def sha(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def gen(out, *args):
    subprocess.run([PY, os.path.join(ROOT, 'tools', 'gen_scans.py'), '--quiet', '--out', out] + list(args),
                   check=True, cwd=ROOT)


def page_count(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == '.pdf':
        out = subprocess.run(['pdfinfo', path], stdout=subprocess.PIPE, check=True).stdout.decode()
        return int(re.search(r'^Pages:\s+(\d+)', out, re.M).group(1))
    if ext in ('.tif', '.tiff'):
        from PIL import Image
        return Image.open(path).n_frames
    return 1


def warped_indices_bad(p, warp):
    """A warped page's boxes follow the perspective warp, so one line's edges
    differ a little from cell to cell: each edge must lie within the warp's
    reach of its line's median position, and the lines must be in order."""
    reach = 2 * max(abs(v) for xy in warp for v in xy) + 2
    bad = 0
    for axis, i0, sp in ((0, 'col', 'colspan'), (1, 'row', 'rowspan')):
        edges = {}
        for c in p['cells']:
            b = c['box']
            edges.setdefault(c[i0], []).append((b[axis], c))
            edges.setdefault(c[i0] + c[sp], []).append((b[axis] + b[axis + 2], c))
        med = {i: sorted(v for v, _ in e)[len(e) // 2] for i, e in edges.items()}
        idx = sorted(med)
        bad += sum(1 for a, b in zip(idx, idx[1:]) if med[b] < med[a])
        bad += sum(1 for i, e in edges.items() for v, _ in e if abs(v - med[i]) > reach)
    return bad


def truth_consistent(tpath):
    t = json.load(open(tpath, encoding='utf-8'))
    name = os.path.basename(tpath)
    doc = os.path.join(os.path.dirname(tpath), t['source']['path'])
    ok = t['format'] == '1' and t['source']['pages'] == len(t['page_info']) == page_count(doc)
    ok = ok and t['source']['sha256'] == sha(doc)
    check('%s: pages and sha256' % name, ok)
    # grid indices
    bad = 0
    for p in t['page_info']:
        warp = p['effects'].get('warp')
        if warp:
            bad += warped_indices_bad(p, warp)
        else:
            xs = sorted({c['box'][0] for c in p['cells']} | {c['box'][0] + c['box'][2] for c in p['cells']})
            ys = sorted({c['box'][1] for c in p['cells']} | {c['box'][1] + c['box'][3] for c in p['cells']})
        for c in p['cells']:
            x, y, w, h = c['box']
            if not warp and (xs.index(x), ys.index(y), xs.index(x + w) - xs.index(x),
                             ys.index(y + h) - ys.index(y)) != (c['col'], c['row'], c['colspan'], c['rowspan']):
                bad += 1
            if not (0 <= x and x + w <= p['width'] and 0 <= y and y + h <= p['height']):
                bad += 1
    check('%s: cell grid indices and boxes' % name, bad == 0, '%d bad cells' % bad)
    # forms: pages, printed names, injected == failing checks
    missing, mism = 0, 0
    for fi, f in enumerate(t['forms']):
        txt = ''.join(re.sub(r'\s', '', c['text']) for p in t['page_info'] if p['page'] in f['pages']
                      for c in p['cells'])
        for ind in f['indicators']:
            if ind['name'] and ind['name'] not in txt:
                missing += 1
        fails = {(c['code'], c['path']) for c in failing(run_checks(f))}
        inj = {(e['code'], e['path']) for e in t['injected'] if e['form'] == fi}
        if fails != inj:
            mism += 1
        if not (f['pages'] and f['pages'] == list(range(f['pages'][0], f['pages'][-1] + 1))):
            mism += 1
    check('%s: indicator names printed' % name, missing == 0, '%d missing' % missing)
    check('%s: injected == failing checks' % name, mism == 0)


def main():
    tmp = tempfile.mkdtemp(prefix='fd-gen-test-')
    a, b = os.path.join(tmp, 'a'), os.path.join(tmp, 'b')
    args = ['--random', '4', '--seed', '42', '--format', 'mixed', '--inject-p', '0.8']
    gen(a, *args)
    gen(b, *args)
    fa = sorted(os.listdir(a))
    same = fa == sorted(os.listdir(b)) and all(sha(os.path.join(a, f)) == sha(os.path.join(b, f)) for f in fa)
    check('deterministic: same arguments, same bytes (%d files)' % len(fa), same)
    gen(a, '--random', '2', '--seed', '7', '--format', 'png', '--prefix', 'png')
    gen(a, '--random', '2', '--seed', '7', '--format', 'tiff', '--prefix', 'tif', '--start', '2')
    for tp in sorted(glob.glob(os.path.join(a, '*.truth.json'))):
        truth_consistent(tp)
    # evaluator: a perfect reader
    fake = os.path.join(tmp, 'perfect.sh')
    with open(fake, 'w') as f:
        # the scan is the last argument (options such as -j1 come first)
        f.write('#!/bin/sh\nfor a; do :; done\nexec cat "${a%.*}.truth.json"\n')
    os.chmod(fake, 0o755)
    js = os.path.join(tmp, 'eval.json')
    subprocess.run([PY, os.path.join(ROOT, 'tools', 'evaluate.py'), '--formdig', fake, '--set', a,
                    '--no-baseline', '--json-out', js], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    res = json.load(open(js))['formdig']['all']
    imperfect = {k: v for k, v in res.items() if k not in ('goals_cer', 'false_alarm_forms', 'ind_rows_spurious',
                                                            'forms_expected', 'forms_found', 'seconds', 'pages')
                 and v[1] and v[0] != v[1]}
    check('evaluator: perfect reader scores 100 %', not imperfect and res['goals_cer'][0] == 0 and
          res['false_alarm_forms'][0] == 0 and res['checks_recall'][1] > 0, str(imperfect))
    subprocess.run([PY, os.path.join(ROOT, 'tools', 'evaluate.py'), '--formdig', os.path.join(tmp, 'nope'),
                    '--set', a, '--no-baseline', '--json-out', js], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    res = json.load(open(js))['formdig']['all']
    check('evaluator: missing binary counts as failed', res['docs_ok'][0] == 0 and res['header'][0] == 0)
    # scans/ reproduced byte for byte
    shared = os.environ.get('FD_SHARED_DIR') or os.path.join(ROOT, '..', 'shared')
    readme = os.path.join(ROOT, 'scans', 'README.md')
    if os.path.exists(os.path.join(shared, 'seed', 'seed-forms.json')) and os.path.exists(readme):
        cmds = [ln.strip() for ln in open(readme, encoding='utf-8') if 'tools/gen_scans.py' in ln
                and ln.strip().startswith('/usr/bin/python3')]
        out = os.path.join(tmp, 'scans')
        for c in cmds:
            argv = shlex.split(c.replace('../shared', shared))
            argv[argv.index('--out') + 1] = out
            subprocess.run([PY] + argv[1:], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        want = sorted(f for f in os.listdir(os.path.join(ROOT, 'scans')) if f != 'README.md' and
                      f != 'SHA256SUMS')
        got = sorted(os.listdir(out)) if os.path.isdir(out) else []
        diff = [f for f in want if f not in got or sha(os.path.join(out, f)) != sha(os.path.join(ROOT, 'scans', f))]
        check('scans/ regenerated byte for byte (%d commands, %d files)' % (len(cmds), len(want)),
              cmds and want == got and not diff, 'differ: %s' % (diff or sorted(set(got) ^ set(want))))
    else:
        print('skip scans/ reproduction: no shared/seed beside the repo')
    subprocess.run(['rm', '-rf', tmp])
    n_ok = sum(RESULTS)
    print('%d passed, %d failed' % (n_ok, len(RESULTS) - n_ok))
    return 0 if n_ok == len(RESULTS) else 1


if __name__ == '__main__':
    sys.exit(main())
