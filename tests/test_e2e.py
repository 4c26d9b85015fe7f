#!/usr/bin/python3
"""End to end: the bundled scans (scans/) through formdig, compared with
their ground truth.

    test_e2e.py FORMDIG SOURCE_DIR

- Every output is valid JSON that validates against models/contract.schema.json.
- The demo (the three seed forms as a scanned PDF): three forms found, on
  pages 1-2, 3-4, 5-6; 总分 96, 100, 97 read exactly; INDICATOR_UNDER fails
  exactly for form 1 indicators 1 and 2 and form 3 indicators 0 and 2 (the
  seed's own deductions); at least 14 of the 15 funds numbers of each form
  exact; at most one failing error check not marked ocr_suspect.
- Every sample: the forms are found, and at least a floor share of all
  compared fields is read exactly (floors per tier, set a little under what
  formdig reads today, so that a regression fails the test).
Prints "test_e2e: N passed, N failed".
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

FLOORS = {'clean': 0.95, 'scan': 0.90, 'hard': 0.25}



TALLY = Tally("test_e2e")
check = TALLY.check


def norm(s):
    return None if s is None else ''.join(str(s).split())


def fields(form):
    """(name, value) of every compared field of a form."""
    out = []
    for k in ('title', 'year', 'project_name', 'department', 'implementing_unit'):
        out.append((k, norm(form.get(k))))
    for row, cols in (form.get('funds') or {}).items():
        for col, v in (cols or {}).items():
            out.append(('funds/%s/%s' % (row, col), v))
    for i, ind in enumerate(form.get('indicators') or []):
        for k in ('level1', 'level2', 'name', 'weight', 'score', 'deviation_reason'):
            out.append(('indicators/%d/%s' % (i, k), norm(ind.get(k))))
        for k in ('target', 'actual'):
            m = ind.get(k) or {}
            out.append(('indicators/%d/%s' % (i, k), (m.get('op'), m.get('value'), m.get('unit'))))
    for k in ('weight', 'score'):
        out.append(('total/' + k, (form.get('total') or {}).get(k)))
    return out


def share_exact(got_forms, want_forms):
    hit = total = 0
    for g, w in zip(got_forms, want_forms):
        gf = dict(fields(g))
        for name, value in fields(w):
            total += 1
            hit += gf.get(name, object()) == value
    for w in want_forms[len(got_forms):]:
        total += len(fields(w))
    return hit / total if total else 0.0


def run(formdig, path, *options):
    p = subprocess.run([formdig] + list(options) + [path], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, OMP_THREAD_LIMIT='1'))
    return p.returncode, p.stdout, p.stderr


def main():
    formdig, src = sys.argv[1], sys.argv[2]
    scans = os.path.join(src, 'scans')
    schema = os.path.join(src, 'models', 'contract.schema.json')
    validator = os.path.join(src, 'tools', 'validate_json.py')
    for name in sorted(os.listdir(scans)):
        if name.endswith('.truth.json') or name.endswith('.md') or name == 'SHA256SUMS':
            continue
        path = os.path.join(scans, name)
        truth = json.load(open(os.path.join(scans, name.rsplit('.', 1)[0] + '.truth.json'),
                               encoding='utf-8'))
        rc, out, err = run(formdig, path)
        check(rc in (0, 1), '%s: exit %d (%s)' % (name, rc, err.strip()[:200]))
        try:
            doc = json.loads(out)
        except ValueError:
            check(False, '%s: output is not JSON' % name)
            continue
        v = subprocess.run([sys.executable, validator, schema, '-'], input=out, text=True,
                           capture_output=True)
        check(v.returncode == 0, '%s: schema: %s' % (name, v.stdout + v.stderr))
        want = truth['forms']
        got = doc.get('forms', [])
        check(len(got) == len(want), '%s: %d forms found, %d expected' % (name, len(got), len(want)))
        tier = truth.get('generator', {}).get('tier', 'scan')
        share = share_exact(got, want)
        print('%s (%s): %.1f %% of fields exact' % (name, tier, 100 * share))
        check(share >= FLOORS.get(tier, 0.9),
              '%s: %.1f %% of fields exact, floor %.0f %%' % (name, 100 * share, 100 * FLOORS.get(tier, 0.9)))
        if name.startswith('demo.'):
            # Three workers share out the demo's six pages: the same bytes
            # as one worker reading them in order.
            rc1, out1, err1 = run(formdig, path, '-j1')
            rc3, out3, err3 = run(formdig, path, '-j3')
            check(rc1 == rc and out1 == out, 'demo: -j1 differs from the default run')
            check(rc3 == rc and out3 == out, 'demo: -j3 differs from -j1')
            check([f.get('pages') for f in got] == [[1, 2], [3, 4], [5, 6]],
                  'demo: pages %s' % [f.get('pages') for f in got])
            check([(f.get('total') or {}).get('score') for f in got] == [96, 100, 97],
                  'demo: 总分 %s' % [(f.get('total') or {}).get('score') for f in got])
            # Read today: 2 of the demo's 640 fields are misread (a weight
            # under a seal, an amount with an extra digit), so the verdicts
            # are not all "ok" yet; the floors below keep what works.
            for i, f in enumerate(got[:len(want)]):
                exact = sum(1 for r, cols in want[i]['funds'].items() for c, v in cols.items()
                            if (f.get('funds') or {}).get(r, {}).get(c, object()) == v)
                check(exact >= 14, 'demo form %d: %d of 15 funds numbers exact' % (i + 1, exact))
            unexplained = [(i, c['code'], c['path']) for i, f in enumerate(got) for c in f.get('checks', [])
                           if c['severity'] == 'error' and c['ok'] is False and not c.get('ocr_suspect')]
            check(len(unexplained) <= 1, 'demo: error checks failing without ocr_suspect: %s' % unexplained)
            under = sorted((i, c['path']) for i, f in enumerate(got) for c in f.get('checks', [])
                           if c['code'] == 'INDICATOR_UNDER' and c['ok'] is False)
            check(under == [(0, '/indicators/1/score'), (0, '/indicators/2/score'),
                            (2, '/indicators/0/score'), (2, '/indicators/2/score')],
                  'demo: INDICATOR_UNDER failures %s' % under)
    return TALLY.finish()


if __name__ == '__main__':
    sys.exit(main())
