"""One generated document: forms -> laid-out pages -> degraded images ->
file (PDF / TIFF / PNG / JPEG) + truth JSON."""
import hashlib
import io
import json
import math
import os

import numpy as np
from PIL import Image

from . import content as C
from .checks import run_checks, verdict
from .layout import Style, layout_form, FONTS
from .render import draw_page, make_seal, seal_texture, compose, truth_mapper, map_box

TIERS = ('clean', 'scan', 'hard')


def tier_dpi(tier, rng):
    if tier == 'clean':
        return 300
    if tier == 'scan':
        return rng.choice([200, 240, 300])
    return rng.choice([150, 175, 200])


def page_params(tier, rng, gray):
    """Effect settings of one page."""
    if tier == 'clean':
        return {'gray': True}
    if tier == 'scan':
        t = rng.randint(238, 252)
        return {'gray': gray, 'paper': (t + 3 if t < 252 else 255, t + 1, t - rng.randint(2, 10)),
                'skew': round(rng.uniform(-2, 2), 3), 'blur': round(rng.uniform(0.35, 0.8), 2),
                'noise': round(rng.uniform(0.8, 2.0), 2), 'quality': rng.randint(75, 85)}
    t = rng.randint(225, 245)
    p = {'gray': gray, 'paper': (t + 4, t + 1, t - rng.randint(4, 14)),
         'skew': round(rng.uniform(-5, 5), 3), 'blur': round(rng.uniform(0.5, 1.2), 2),
         'noise': round(rng.uniform(2.5, 5), 2), 'quality': rng.randint(62, 78),
         'fade': round(rng.uniform(0.55, 0.85), 3), 'illum': round(rng.uniform(0.12, 0.32), 3),
         'bleed': round(rng.uniform(0.04, 0.10), 3), 'bleed_blur': round(rng.uniform(1.5, 3.5), 2),
         'broken': round(rng.uniform(0.2, 0.6), 2)}
    if rng.random() < 0.7:
        p['warp'] = [(rng.randint(-15, 15), rng.randint(-15, 15)) for _ in range(4)]
    return p


def _grid_index(cells, warp=None):
    """Truth cells: indices over the drawn line positions, boxes through
    warp (truth_mapper) so that they lie where the scan shows them."""
    xs = sorted({c['x0'] for c in cells} | {c['x1'] for c in cells})
    ys = sorted({c['y0'] for c in cells} | {c['y1'] for c in cells})
    xi = {x: i for i, x in enumerate(xs)}
    yi = {y: i for i, y in enumerate(ys)}
    out = []
    for c in sorted(cells, key=lambda c: (c['y0'], c['x0'])):
        e = {'box': map_box(warp, [c['x0'], c['y0'], c['x1'] - c['x0'], c['y1'] - c['y0']]),
             'row': yi[c['y0']], 'col': xi[c['x0']],
             'rowspan': yi[c['y1']] - yi[c['y0']], 'colspan': xi[c['x1']] - xi[c['x0']],
             'text': '\n'.join(c['lines']), 'kind': c['kind']}
        if c.get('ptr'):
            e['ptr'] = c['ptr']
        out.append(e)
    return out


def build_document(pfs, intended, tier, fmt, seed, index, name, input_label, rng, nrng,
                   max_form_pages=3, dpi=None, quality=None):
    """pfs: printed forms; intended: per form list of (code, path).
    Returns (file bytes, extension, truth dict)."""
    drawn = tier_dpi(tier, rng)          # drawn even when forced: same RNG stream either way
    dpi = dpi or drawn
    style = Style(rng, dpi)
    gray = tier == 'clean' or rng.random() < (0.4 if tier == 'scan' else 0.6)
    pages = []          # dicts: fl, cells, preamble, form
    forms_out, injected = [], []
    for fi, pf in enumerate(pfs):
        fl, pgs, pcells = layout_form(pf, style, rng, max_form_pages)
        first = len(pages) + 1
        for pg, cells in zip(pgs, pcells):
            pages.append({'fl': fl, 'cells': cells, 'pre': pg['preamble'], 'form': fi})
        form, raw = C.to_contract(pf)
        checks = run_checks(form, raw)
        out = {'pages': list(range(first, len(pages) + 1))}
        out.update(form)
        out['verdict'] = verdict(checks)
        out['checks'] = checks
        out['provenance'] = {}
        forms_out.append((out, fl))
        injected += C.injected_entries(fi, form, raw, intended[fi])
    # images
    if fmt == 'mixed':
        fmt = rng.choice(['pdf', 'tiff', 'png', 'jpeg']) if len(pages) == 1 else \
            rng.choice(['pdf', 'pdf', 'pdf', 'tiff'])
    if fmt in ('png', 'jpeg') and len(pages) > 1:
        fmt = 'pdf'
    flip_page = None
    if tier == 'hard' and rng.random() < 0.15:
        flip_page = rng.randrange(len(pages))
    inks, page_info = [], []
    for pi, p in enumerate(pages):
        fl = p['fl']
        params = page_params(tier, rng, gray)
        if quality and 'quality' in params:
            params['quality'] = quality
        p['params'] = params
        ink, pre_boxes = draw_page(fl.W, fl.H, p['cells'], p['pre'], fl, rng, params.get('broken', 0.0))
        inks.append(ink)
        warp = truth_mapper(params, fl.W, fl.H)
        p['warp_fn'] = warp
        for b in pre_boxes:
            b['box'] = map_box(warp, b['box'])
        for c in p['cells']:
            if c.get('ptr') and c['lines'] and c.get('split') != 2:
                fo = forms_out[p['form']][0]
                ptr = c['ptr']
                if ptr not in fo['provenance']:
                    fo['provenance'][ptr] = {'page': pi + 1,
                                             'bbox': map_box(warp, [c['x0'], c['y0'], c['x1'] - c['x0'],
                                                                    c['y1'] - c['y0']]),
                                             'conf': 100.0, 'text': ''.join(c['lines'])}
        page_info.append({'page': pi + 1, 'width': fl.W, 'height': fl.H, 'dpi': dpi,
                          'skew_deg': params.get('skew', 0.0),
                          'rotation_deg': 180 if pi == flip_page else 0, 'tier': tier,
                          'font': FONTS[style.font][2], 'font_pt': fl.px * 72.0 / dpi,
                          'line_px': style.line_w, 'color': 'gray' if params.get('gray') else 'rgb',
                          'form': p['form'], 'preamble': pre_boxes, 'seals': [],
                          'cells': _grid_index(p['cells'], warp)})
        page_info[-1]['effects'] = {k: v for k, v in params.items() if k not in ('gray', 'rotation')}
        if pi == flip_page:
            params['rotation'] = 180
    # seals: one per form (most forms) in the scan and hard tiers
    seals = {i: [] for i in range(len(pages))}
    if tier != 'clean':
        for fi, (fo, fl) in enumerate(forms_out):
            if rng.random() > (0.8 if tier == 'scan' else 0.6):
                continue
            fpages = [i - 1 for i in fo['pages']]
            on_last = rng.random() < 0.5 and len(fpages) > 1
            pi = fpages[-1] if on_last else fpages[0]
            cand = [c for c in pages[pi]['cells'] if c['lines'] and c['kind'] in ('amount', 'score', 'percent')]
            if not cand:
                cand = [c for c in pages[pi]['cells'] if c['lines']]
            tgt = rng.choice(cand)
            diam = fl.mm(rng.uniform(38, 44))
            cx = (tgt['x0'] + tgt['x1']) // 2 + int(rng.uniform(-0.25, 0.25) * diam)
            cy = (tgt['y0'] + tgt['y1']) // 2 + int(rng.uniform(-0.25, 0.25) * diam)
            text = fo.get('implementing_unit') or fo.get('department') or '财务专用章'
            bottom = rng.choice([None, None, '财务专用章', '业务专用章'])
            mask = make_seal(diam, text, rng, rng.choice(['song', 'hei', 'notoserif']), bottom)
            alpha = seal_texture(mask, nrng)
            color = (rng.randint(190, 230), rng.randint(20, 60), rng.randint(30, 70))
            seals[pi].append({'alpha': alpha, 'x0': cx - diam // 2, 'y0': cy - diam // 2, 'color': color})
            ctr = [cx, cy]
            if pages[pi]['warp_fn'] is not None:
                ctr = [int(math.floor(v + 0.5)) for v in pages[pi]['warp_fn'](cx, cy)]
            page_info[pi]['seals'].append({'center': ctr, 'diameter': diam, 'text': text,
                                           'bottom_text': bottom})
    images = []
    for pi, p in enumerate(pages):
        bleed = None
        if p['params'].get('bleed'):
            bleed = inks[pi + 1] if pi + 1 < len(pages) else (inks[pi - 1] if pi > 0 else inks[pi])
        images.append(compose(inks[pi], p['params'], nrng, seals[pi], bleed))
    data, ext = encode(images, [p['params'] for p in pages], fmt, tier, dpi, rng)
    fname = name + '.' + ext
    forms_json = [fo for fo, _ in forms_out]
    truth = {'format': '1',
             'source': {'path': fname, 'pages': len(pages), 'sha256': hashlib.sha256(data).hexdigest()},
             'forms': forms_json, 'errors': [], 'injected': injected,
             'generator': {'seed': seed, 'index': index, 'tier': tier, 'format': ext,
                           'input': input_label, 'version': 2},
             'page_info': page_info}
    return data, ext, truth


def encode(images, params, fmt, tier, dpi, rng):
    if fmt in ('png', 'jpeg'):
        im = images[0]
        b = io.BytesIO()
        if fmt == 'png':
            if tier != 'clean':
                # the scanner's JPEG stage leaves its artefacts in the PNG too
                j = io.BytesIO()
                im.save(j, 'JPEG', quality=params[0].get('quality', 85))
                im = Image.open(io.BytesIO(j.getvalue()))
            im.save(b, 'PNG', dpi=(dpi, dpi), optimize=False, compress_level=6)
            return b.getvalue(), 'png'
        im.save(b, 'JPEG', quality=params[0].get('quality', 88), dpi=(dpi, dpi))
        return b.getvalue(), 'jpg'
    if fmt == 'tiff':
        b = io.BytesIO()
        if tier == 'clean':
            ims = images
            ims[0].save(b, 'TIFF', save_all=True, append_images=ims[1:], compression='tiff_adobe_deflate',
                        dpi=(dpi, dpi))
        else:
            q = params[0].get('quality', 85)
            images[0].save(b, 'TIFF', save_all=True, append_images=images[1:], compression='jpeg',
                           quality=q, dpi=(dpi, dpi))
        return zero_tiff_gaps(b.getvalue()), 'tif'
    import img2pdf
    parts = []
    for im, p in zip(images, params):
        b = io.BytesIO()
        if tier == 'clean':
            im.save(b, 'PNG', dpi=(dpi, dpi), compress_level=6)
        else:
            im.save(b, 'JPEG', quality=p.get('quality', 85), dpi=(dpi, dpi))
        parts.append(b.getvalue())
    return img2pdf.convert(parts, nodate=True, engine=img2pdf.Engine.internal), 'pdf'


def zero_tiff_gaps(data):
    """libtiff leaves the word-alignment pad bytes before a directory
    uninitialised; zero every byte that no directory, tag value or strip
    uses, so the file is reproducible."""
    import struct
    if data[:2] != b'II':
        return data
    size = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8}
    used = np.zeros(len(data), dtype=bool)
    used[:8] = True
    off = struct.unpack('<I', data[4:8])[0]
    while off:
        n = struct.unpack('<H', data[off:off + 2])[0]
        used[off:off + 2 + 12 * n + 4] = True
        tags = {}
        for i in range(n):
            tag, typ, cnt, val = struct.unpack('<HHII', data[off + 2 + 12 * i:off + 14 + 12 * i])
            ln = size.get(typ, 1) * cnt
            if ln > 4:
                used[val:val + ln] = True
            tags[tag] = (typ, cnt, val, ln)
        for o_tag, c_tag in ((273, 279), (324, 325)):
            if o_tag in tags and c_tag in tags:
                def arr(t):
                    typ, cnt, val, ln = tags[t]
                    fmt = '<%d%s' % (cnt, 'H' if typ == 3 else 'I')
                    raw = data[val:val + ln] if ln > 4 else struct.pack('<I', val)[:ln]
                    return struct.unpack(fmt, raw)
                for so, sc in zip(arr(o_tag), arr(c_tag)):
                    used[so:so + sc] = True
        off = struct.unpack('<I', data[off + 2 + 12 * n:off + 6 + 12 * n])[0]
    b = np.frombuffer(data, dtype=np.uint8).copy()
    b[~used] = 0
    return b.tobytes()


def write_document(out_dir, name, data, ext, truth):
    with open(os.path.join(out_dir, name + '.' + ext), 'wb') as f:
        f.write(data)
    with open(os.path.join(out_dir, name + '.truth.json'), 'w', encoding='utf-8') as f:
        # compact, with one line per form and per page (small, still greppable)
        head = {k: v for k, v in truth.items() if k not in ('forms', 'page_info', 'injected')}
        f.write(json.dumps(head, ensure_ascii=False)[:-1])
        for key in ('forms', 'injected', 'page_info'):
            f.write(',\n"%s":[' % key)
            f.write(',\n'.join(json.dumps(x, ensure_ascii=False, separators=(',', ':')) for x in truth[key]))
            f.write(']')
        f.write('}\n')
