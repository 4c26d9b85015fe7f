#!/usr/bin/python3
"""Realistic scans of 财政项目支出绩效自评表 with their truth files.

  gen_scans.py --from-json ../shared/seed/seed-forms.json --tier scan --out scans --name demo
  gen_scans.py --random 30 --seed 7 --tier mixed --format mixed --out /tmp/set

Each document is written as NAME.(pdf|tif|png|jpg) plus NAME.truth.json (see
scans/README.md for the truth format). Output is deterministic: the same
arguments give the same bytes (every RNG is seeded from --seed and the
document's index; the PDFs and TIFFs carry no dates).
Uses only Debian's python3 with python3-pil, python3-numpy and img2pdf.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scangen import content as C  # noqa: E402
from scangen.document import build_document, write_document, TIERS  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--from-json', help='contract JSON whose forms are rendered into ONE document')
    src.add_argument('--random', type=int, metavar='N', help='generate N documents of random forms')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', required=True)
    ap.add_argument('--tier', default='mixed', choices=list(TIERS) + ['mixed'],
                    help='mixed: documents cycle clean, scan, hard')
    ap.add_argument('--format', default='pdf', choices=['pdf', 'tiff', 'png', 'jpeg', 'mixed'],
                    help='png/jpeg only for 1-page documents (others fall back to pdf)')
    ap.add_argument('--name', help='file name stem for --from-json (default: the input\'s stem)')
    ap.add_argument('--prefix', default='doc', help='file name prefix for --random')
    ap.add_argument('--start', type=int, default=0, help='index of the first random document')
    ap.add_argument('--max-forms', type=int, default=3, help='forms per random document: 1..this')
    ap.add_argument('--inject-p', type=float, default=0.5,
                    help='probability that a random form carries an injected discrepancy')
    ap.add_argument('--dpi', type=int, help='force this DPI (default: drawn from the tier\'s range)')
    ap.add_argument('--quality', type=int, help='force this JPEG quality in the scan/hard tiers')
    ap.add_argument('--quiet', action='store_true')
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    if a.from_json:
        with open(a.from_json, encoding='utf-8') as f:
            doc = json.load(f)
        rng = random.Random('formdig-scan:json:%d' % a.seed)
        nrng = np.random.default_rng([a.seed, 999999])
        tier = a.tier if a.tier != 'mixed' else 'scan'
        pfs = [C.pf_from_contract(fm, rng) for fm in doc['forms']]
        name = a.name or os.path.splitext(os.path.basename(a.from_json))[0]
        data, ext, truth = build_document(pfs, [[] for _ in pfs], tier, a.format, a.seed, 0, name,
                                          os.path.basename(a.from_json), rng, nrng, dpi=a.dpi,
                                          quality=a.quality)
        write_document(a.out, name, data, ext, truth)
        if not a.quiet:
            print('%s.%s  %d pages  %s  %.1fs' % (name, ext, truth['source']['pages'], tier, time.time() - t0))
        return 0
    pages = 0
    for i in range(a.start, a.start + a.random):
        rng = random.Random('formdig-scan:%d:%d' % (a.seed, i))
        nrng = np.random.default_rng([a.seed, i])
        tier = TIERS[i % 3] if a.tier == 'mixed' else a.tier
        single = a.format in ('png', 'jpeg') or (a.format == 'mixed' and rng.random() < 0.2)
        nf = 1 if single else rng.choices([1, 2, 3], [0.45, 0.35, 0.2])[0]
        nf = min(nf, a.max_forms)
        pfs, intended = [], []
        year = rng.randint(2019, 2025) if rng.random() < 0.8 else None   # one year per document, mostly
        for _ in range(nf):
            pf, inj = C.random_form(rng, a.inject_p, max_ind=12 if single else 35, year=year)
            pfs.append(pf)
            intended.append(inj)
        name = '%s%03d_%s' % (a.prefix, i, tier)
        t1 = time.time()
        data, ext, truth = build_document(pfs, intended, tier, a.format, a.seed, i, name, 'random', rng, nrng,
                                          max_form_pages=1 if single else 3, dpi=a.dpi,
                                          quality=a.quality)
        write_document(a.out, name, data, ext, truth)
        pages += truth['source']['pages']
        if not a.quiet:
            print('%s.%s  %d forms  %d pages  %d KB  %.1fs' % (name, ext, nf, truth['source']['pages'],
                                                               len(data) // 1024, time.time() - t1))
    if not a.quiet:
        print('%d documents, %d pages, %.1fs' % (a.random, pages, time.time() - t0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
