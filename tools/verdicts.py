#!/usr/bin/python3
"""Reads formdig's JSON Lines on stdin and prints one line per form: file,
pages, project, 总分, verdict and the checks that failed (with their
ocr_suspect mark), then the page errors. For a person reading the output of
`formdig DIR`; downstream systems read the JSON itself.

    build/formdig scans/ | tools/verdicts.py
"""
import json
import sys


def fmt_num(v):
    if v is None:
        return '—'
    return ('%g' % v) if isinstance(v, (int, float)) else str(v)


def main():
    bad_lines = 0
    for n, line in enumerate(sys.stdin, 1):
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError as e:
            print('line %d: not JSON (%s)' % (n, e))
            bad_lines += 1
            continue
        path = doc.get('source', {}).get('path', '?')
        forms = doc.get('forms', [])
        if not forms:
            print('%s: no form found' % path)
        for i, f in enumerate(forms):
            failed = [c for c in f.get('checks', []) if c.get('ok') is False]
            marks = ', '.join('%s %s%s' % (c['code'], c['path'], ' (ocr?)' if c.get('ocr_suspect') else '')
                              for c in failed)
            total = f.get('total') or {}
            print('%s  form %d  pages %s  %s  总分 %s/%s  %s%s' % (
                path, i + 1, ','.join(str(p) for p in f.get('pages', [])),
                f.get('project_name') or '(no project name)',
                fmt_num(total.get('score')), fmt_num(total.get('weight')),
                f.get('verdict'), ('  — ' + marks) if marks else ''))
        for e in doc.get('errors', []):
            print('%s  page %s  %s: %s' % (path, e.get('page'), e.get('code'), e.get('message')))
    return 1 if bad_lines else 0


if __name__ == '__main__':
    sys.exit(main())
