"""Page rasterisation (clean ink image), official seals, and the scanner
degradations of the scan / hard tiers."""
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageChops

from .layout import font

# ----------------------------------------------------------------------------
# ruling lines


def merge_segments(cells):
    """Cell edges -> merged horizontal {y: [(x0,x1)]} and vertical {x: [(y0,y1)]}."""
    hs, vs = {}, {}
    for c in cells:
        for y in (c['y0'], c['y1']):
            hs.setdefault(y, []).append((c['x0'], c['x1']))
        for x in (c['x0'], c['x1']):
            vs.setdefault(x, []).append((c['y0'], c['y1']))

    def union(iv):
        iv.sort()
        out = [list(iv[0])]
        for a, b in iv[1:]:
            if a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return [tuple(x) for x in out]
    return ({k: union(v) for k, v in sorted(hs.items())}, {k: union(v) for k, v in sorted(vs.items())})


def draw_page(W, H, cells, preamble, fl, rng, broken=0.0):
    """-> (ink image 'L', preamble boxes). fl: the form's FormLayout;
    rng: random.Random (for broken lines)."""
    style = fl.s
    img = Image.new('L', (W, H), 255)
    d = ImageDraw.Draw(img)
    lw = style.line_w
    a, b = (lw - 1) // 2, lw // 2
    hs, vs = merge_segments(cells)
    ink = style.ink

    def seg_pieces(s0, s1):
        if broken <= 0 or rng.random() > broken:
            return [(s0, s1)], ink
        shade = rng.randint(70, 170)
        pieces, p = [], s0
        while p < s1:
            run = rng.randint(30, 400)
            q = min(s1, p + run)
            pieces.append((p, q))
            p = q + rng.randint(2, 18)
        return pieces, shade
    for y, ivs in hs.items():
        for x0, x1 in ivs:
            pcs, shade = seg_pieces(x0 - a, x1 + b)
            for p0, p1 in pcs:
                d.rectangle([p0, y - a, p1, y + b], fill=shade)
    for x, ivs in vs.items():
        for y0, y1 in ivs:
            pcs, shade = seg_pieces(y0 - a, y1 + b)
            for p0, p1 in pcs:
                d.rectangle([x - a, p0, x + b, p1], fill=shade)
    # cell text
    LH, pad_x = fl.LH, fl.pad_x
    for c in cells:
        if not c['lines']:
            continue
        sc = c.get('scale', 1.0)
        f = font(style.font, max(8, int(fl.px * sc)))
        lh = int(LH * sc)
        px_ = max(1, int(pad_x * sc))
        n = len(c['lines'])
        top = (c['y0'] + c['y1']) / 2 - n * lh / 2
        for i, ln in enumerate(c['lines']):
            w = f.getlength(ln)
            if c['align'] == 'l':
                x = c['x0'] + px_ + 1
            elif c['align'] == 'r':
                x = c['x1'] - px_ - w
            else:
                x = (c['x0'] + c['x1']) / 2 - w / 2
            yc = top + lh * (i + 0.5)
            d.text((x, yc - f.cy), ln, font=f, fill=ink, anchor='la')
    boxes = []
    for p in preamble:
        f = p['font']
        w = f.getlength(p['text'])
        x, y = p['cx'] - w / 2, p['cy'] - f.cy
        d.text((x, y), p['text'], font=f, fill=ink, anchor='la', stroke_width=p['stroke'], stroke_fill=ink)
        l, t, r, bt = d.textbbox((x, y), p['text'], font=f, anchor='la', stroke_width=p['stroke'])
        boxes.append({'box': [int(l), int(t), int(r - l), int(bt - t)], 'text': p['text']})
    return img, boxes


# ----------------------------------------------------------------------------
# official seal (公章)

def make_seal(diam, text, rng, font_key='song', bottom_text=None):
    """-> 'L' alpha mask (255 = full ink) of a round official seal."""
    S = 2 * diam
    m = Image.new('L', (S, S), 0)
    d = ImageDraw.Draw(m)
    ring = max(4, int(S * 0.035))
    d.ellipse([ring // 2, ring // 2, S - 1 - ring // 2, S - 1 - ring // 2], outline=255, width=ring)
    cx = cy = S / 2
    # five-pointed star
    rs = S * 0.19
    pts = []
    for i in range(10):
        r = rs if i % 2 == 0 else rs * 0.382
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(ang), cy + r * math.sin(ang)))
    d.polygon(pts, fill=255)
    # arc text along the top
    text = text[:24]
    n = len(text)
    # glyph size and arc span so that the characters do not overlap
    fs = int(min(S * 0.135, S * 0.36 * math.radians(250) / (n * 1.12)))
    f = font(font_key, fs)
    rad = S / 2 - ring - fs * 0.68
    span = max(math.radians(110), min(math.radians(260), n * fs * 1.12 / rad))
    for i, ch in enumerate(text):
        th = -span / 2 + span * (i + 0.5) / n
        g = Image.new('L', (int(fs * 1.6), int(fs * 1.6)), 0)
        gd = ImageDraw.Draw(g)
        gd.text((g.size[0] / 2, g.size[1] / 2), ch, font=f, fill=255, anchor='mm',
                stroke_width=max(0, fs // 40), stroke_fill=255)
        g = g.rotate(-math.degrees(th), resample=Image.BICUBIC)
        px = cx + rad * math.sin(th) - g.size[0] / 2
        py = cy - rad * math.cos(th) - g.size[1] / 2
        m.paste(ImageChops.lighter(m.crop((int(px), int(py), int(px) + g.size[0], int(py) + g.size[1])), g),
                (int(px), int(py)))
    if bottom_text:
        bf = font(font_key, int(S * 0.09))
        d.text((cx, cy + S * 0.3), bottom_text, font=bf, fill=255, anchor='mm', stroke_width=1, stroke_fill=255)
    m = m.resize((diam, diam), Image.LANCZOS)
    return m


def seal_texture(mask, nrng):
    """Uneven ink: smooth density variation and small dropouts."""
    a = np.asarray(mask, dtype=np.float32) / 255.0
    h, w = a.shape
    low = nrng.uniform(0.45, 1.0, (8, 8)).astype(np.float32)
    low = np.asarray(Image.fromarray((low * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                     dtype=np.float32) / 255.0
    speck = (nrng.random((h, w)) > 0.04).astype(np.float32)
    return np.clip(a * low * speck * nrng.uniform(0.75, 0.95), 0, 1)


# ----------------------------------------------------------------------------
# page composition and scanner effects

def _perspective_coeffs(src, dst):
    """Coefficients for PIL's PERSPECTIVE transform mapping output points dst
    to input points src."""
    A, B = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        B += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64))]


def truth_mapper(params, W, H):
    """-> function (x, y) -> (x, y) taking a point of the drawn page to where
    it lies on the scan once the skew is undone (the truth's coordinate
    system: upright, unskewed), or None when the page has no warp. The skew
    cancels out; the perspective warp, applied after the skew in compose(),
    does not, so the truth must follow it or correctly found cells would
    count as misses. Same geometry as compose(): PIL's rotate about the image
    centre, then PERSPECTIVE with the warp's corner offsets; PIL samples at
    pixel centres, so pixel index i is the continuous coordinate i + 0.5."""
    if not params.get('warp'):
        return None
    a = -math.radians(params.get('skew', 0.0) or 0.0)
    ca, sa = round(math.cos(a), 15), round(math.sin(a), 15)
    cx, cy = W / 2.0, H / 2.0
    dst = [(0, 0), (W, 0), (W, H), (0, H)]
    src = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(dst, params['warp'])]
    c = _perspective_coeffs(src, dst)
    # PERSPECTIVE maps output -> input; the forward warp is its inverse
    hm = np.linalg.inv(np.array([c[0:3], c[3:6], [c[6], c[7], 1.0]], dtype=np.float64))

    def f(x, y):
        x, y = x + 0.5, y + 0.5
        # rotate() samples input = A (output - c) + c, A = [[ca, sa], [-sa, ca]];
        # the drawn page point therefore lands at A^T (p - c) + c
        u = ca * (x - cx) - sa * (y - cy) + cx
        v = sa * (x - cx) + ca * (y - cy) + cy
        q = hm @ np.array([u, v, 1.0])
        u, v = q[0] / q[2], q[1] / q[2]
        # the deskew: undo the rotation (the sampling map of rotate())
        x = ca * (u - cx) + sa * (v - cy) + cx
        y = -sa * (u - cx) + ca * (v - cy) + cy
        return float(x) - 0.5, float(y) - 0.5
    return f


def map_box(f, box):
    """Axis-aligned box [x, y, w, h] of the quad that f makes of box (ints)."""
    if f is None:
        return list(box)
    x, y, w, h = box
    pts = [f(x, y), f(x + w, y), f(x + w, y + h), f(x, y + h)]
    x0 = int(math.floor(min(p[0] for p in pts) + 0.5))
    y0 = int(math.floor(min(p[1] for p in pts) + 0.5))
    x1 = int(math.floor(max(p[0] for p in pts) + 0.5))
    y1 = int(math.floor(max(p[1] for p in pts) + 0.5))
    return [x0, y0, x1 - x0, y1 - y0]


def compose(ink, params, nrng, seals=(), bleed=None):
    """Ink image + seals + effects -> final PIL image (RGB or L, upright
    rotation applied last). params: dict of the page's effect settings."""
    W, H = ink.size
    k = np.asarray(ink, dtype=np.float32) / 255.0            # 1 = paper, 0 = ink
    if params.get('fade'):
        k = 1 - (1 - k) * params['fade']
    paper = np.array(params.get('paper', (255, 255, 255)), dtype=np.float32)
    if bleed is not None:
        b = np.asarray(bleed.transpose(Image.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(params['bleed_blur'])),
                       dtype=np.float32) / 255.0
        k = k * (1 - params['bleed'] * (1 - b))
    img = k[:, :, None] * paper[None, None, :]
    for s in seals:
        a = s['alpha']
        x0, y0 = s['x0'], s['y0']
        h, w = a.shape
        xa, ya, xb, yb = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
        if xa >= xb or ya >= yb:
            continue
        aa = a[ya - y0:yb - y0, xa - x0:xb - x0, None]
        col = np.array(s['color'], dtype=np.float32)[None, None, :] / 255.0
        img[ya:yb, xa:xb] *= (1 - aa * (1 - col))
    out = Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8), 'RGB')
    fill = tuple(int(v) for v in paper)
    if params.get('skew'):
        out = out.rotate(params['skew'], resample=Image.BICUBIC, fillcolor=fill)
    if params.get('warp'):
        dst = [(0, 0), (W, 0), (W, H), (0, H)]
        src = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(dst, params['warp'])]
        out = out.transform((W, H), Image.PERSPECTIVE, _perspective_coeffs(src, dst), Image.BICUBIC, fillcolor=fill)
    if params.get('blur'):
        out = out.filter(ImageFilter.GaussianBlur(params['blur']))
    if params.get('gray'):
        out = out.convert('L')
    if params.get('illum') or params.get('noise'):
        a = np.asarray(out, dtype=np.float32)
        if params.get('illum'):
            lo = nrng.uniform(1 - params['illum'], 1.0, (5, 4)).astype(np.float32)
            field = np.asarray(Image.fromarray((lo * 255).astype(np.uint8)).resize((W, H), Image.BICUBIC),
                               dtype=np.float32) / 255.0
            gx = np.linspace(0, 1, W, dtype=np.float32)[None, :]
            field = field * (1 - params['illum'] * 0.5 * gx)
            a = a * (field[:, :, None] if a.ndim == 3 else field)
        if params.get('noise'):
            n = nrng.normal(0, params['noise'], (H, W)).astype(np.float32)
            a = a + (n[:, :, None] if a.ndim == 3 else n)
        out = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), out.mode)
    if params.get('rotation') == 180:
        out = out.transpose(Image.ROTATE_180)
    return out
