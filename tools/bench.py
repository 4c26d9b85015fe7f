#!/usr/bin/python3
"""Throughput benchmark: formdig beside plain tesseract on the same pages.

    tools/bench.py --formdig build/formdig --set DIR [--docs N]

DIR holds generated documents with their truth files (tools/gen_scans.py).
In one run it measures, on the same pages:
  - formdig with one worker (-j1): seconds per page, peak RSS;
  - formdig with two workers (-j2): pages per second, peak RSS per worker;
  - the same two runs on one PDF holding every document's pages (the
    workers then share out the pages of that one file);
  - plain `tesseract IMG - -l chi_sim --psm 3` (its best whole-page mode on
    these forms), OMP_THREAD_LIMIT=1, one page at a time: seconds per page
    (PDF and TIFF pages are rasterised beforehand at their own resolution;
    that time is not counted);
and prints a table with the ratios. Timings are wall-clock seconds of whole
processes on this machine; run it on an otherwise idle machine.
"""
import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate  # noqa: E402  (page_images: the evaluator's rasteriser)


def run_timed(cmd, env=None):
    """-> (seconds, peak RSS in MiB, exit code) of cmd. It runs inside a
    fresh python child, so that RUSAGE_CHILDREN there sees this command
    alone."""
    code = ('import resource,subprocess,sys,time;t=time.monotonic();'
            'p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);'
            'dt=time.monotonic()-t;'
            'r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;'
            'print(dt,r,p.returncode)')
    out = subprocess.run([sys.executable, '-c', code] + cmd, capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024.0, int(out[2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--formdig', default='build/formdig')
    ap.add_argument('--set', required=True)
    ap.add_argument('--docs', type=int, default=0, help='use only the first N documents')
    ap.add_argument('--tier', default='', help='only documents of this tier (clean, scan, hard)')
    args = ap.parse_args()

    truths = sorted(glob.glob(os.path.join(args.set, '*.truth.json')))
    docs = []
    for t in truths:
        truth = json.load(open(t, encoding='utf-8'))
        base = t[:-len('.truth.json')]
        files = [f for f in glob.glob(base + '.*') if not f.endswith('.truth.json')]
        if not files:
            continue
        tier = truth.get('generator', {}).get('tier', '')
        if args.tier and tier != args.tier:
            continue
        docs.append((files[0], truth))
    if args.docs:
        docs = docs[:args.docs]
    if not docs:
        sys.exit('bench: no documents with truth files in %s' % args.set)
    pages = sum(t['source']['pages'] for _, t in docs)
    env = dict(os.environ, OMP_THREAD_LIMIT='1')
    paths = [d for d, _ in docs]

    t1, rss1, rc1 = run_timed([args.formdig, '-j1', '-q'] + paths, env)
    t2, rss2, rc2 = run_timed([args.formdig, '-j2', '-q'] + paths, env)

    tmp = tempfile.mkdtemp(prefix='fd-bench-')
    images = []
    for path, truth in docs:
        sub = tempfile.mkdtemp(dir=tmp)
        images += evaluate.page_images(path, truth, sub)
    tt = 0.0
    rss_t = 0.0
    for img in images:
        dt, r, _ = run_timed(['tesseract', img, '-', '-l', 'chi_sim', '--psm', '3'], env)
        tt += dt
        rss_t = max(rss_t, r)

    # One long document: every document of the set in one PDF, in order
    # (pdfunite; images go in through img2pdf, which embeds JPEG and PNG
    # data as they are and keeps each page's resolution).
    import img2pdf
    parts = []
    for i, path in enumerate(paths):
        if path.lower().endswith('.pdf'):
            parts.append(path)
            continue
        part = os.path.join(tmp, 'part%03d.pdf' % i)
        with open(part, 'wb') as f:
            f.write(img2pdf.convert(path))
        parts.append(part)
    one = os.path.join(tmp, 'all-pages.pdf')
    subprocess.run(['pdfunite'] + parts + [one], check=True)
    o1, orss1, orc1 = run_timed([args.formdig, '-j1', '-q', one], env)
    o2, orss2, orc2 = run_timed([args.formdig, '-j2', '-q', one], env)

    fd_pp = t1 / pages
    ts_pp = tt / len(images)
    print('benchmark: %d documents, %d pages (%s)' % (len(docs), pages, args.set))
    print('%-44s %12s' % ('', 'value'))
    print('%-44s %12.2f' % ('formdig -j1: seconds per page', fd_pp))
    print('%-44s %12.2f' % ('tesseract --psm 3: seconds per page', ts_pp))
    print('%-44s %12.2f' % ('ratio formdig / tesseract (time per page)', fd_pp / ts_pp))
    print('%-44s %12.3f' % ('formdig -j1: pages per second', pages / t1))
    print('%-44s %12.3f' % ('formdig -j2: pages per second', pages / t2))
    print('%-44s %12.2f' % ('speed-up -j2 / -j1', t1 / t2))
    print('%-44s %12.0f' % ('formdig -j1: peak RSS (MiB)', rss1))
    print('%-44s %12.0f' % ('formdig -j2: peak RSS per worker (MiB)', rss2 / 2))
    print('%-44s %12.0f' % ('tesseract: peak RSS (MiB)', rss_t))
    print('one file of %d pages:' % pages)
    print('%-44s %12.2f' % ('formdig -j1: seconds per page', o1 / pages))
    print('%-44s %12.2f' % ('speed-up -j2 / -j1', o1 / o2))
    print('%-44s %12.0f' % ('formdig -j1: peak RSS (MiB)', orss1))
    print('%-44s %12.0f' % ('formdig -j2: peak RSS per worker (MiB)', orss2 / 2))
    if max(rc1, rc2, orc1, orc2) > 1:
        print('note: formdig exited %d / %d, one file %d / %d (2 = some input failed)'
              % (rc1, rc2, orc1, orc2))


if __name__ == '__main__':
    main()
