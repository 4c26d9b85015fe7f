#!/usr/bin/python3
"""Renders the cell images of tests/data/ocr/ (the OCR module's test input).

Each image is one table cell at 300 DPI: a ruled box with one value inside,
drawn with a CJK font from Debian's fonts packages. The expected reading is
in the file name's entry of cases.tsv. Deterministic: same fonts, same bytes.
"""
import os
import sys
from PIL import Image, ImageDraw, ImageFont

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'tests', 'data', 'ocr')
FONTS = {
    'song': '/usr/share/fonts/truetype/arphic/uming.ttc',
    'hei': '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    'kai': '/usr/share/fonts/truetype/arphic/ukai.ttc',
}
# (name, mode, text) — mode is the OCR mode the test reads the cell with.
CASES = [
    ('amount1', 'number', '11,999,665.86'),
    ('amount2', 'number', '808,558'),
    ('amount3', 'number', '1000000.00'),
    ('amount4', 'number', '49470.00'),
    ('percent1', 'number', '100.00%'),
    ('percent2', 'number', '74.64%'),
    ('score1', 'number', '10'),
    ('score2', 'number', '3'),
    ('measure1', 'measure', '=39人'),
    ('measure2', 'measure', '>=90%'),
    ('measure3', 'measure', '<=3万元'),
    ('measure4', 'measure', '52个'),
    # Full-width and ASCII operators: the glyphs the models know are the
    # ASCII ones; the width comes from where the first digit sits.
    ('measure5', 'measure', '＞296人次'),
    ('measure6', 'measure', '＝100%'),
    ('measure7', 'measure', '>12处'),
    ('measure8', 'measure', '＜3个工作日'),
    ('label1', 'line', '年度资金总额'),
    ('label2', 'line', '全年执行数'),
    ('text1', 'line', '党群中心工作人员满意度'),
    ('text2', 'line', '及时'),
]


def render(text, font_path, size_pt=10.5, dpi=300, cell=(520, 90)):
    px = int(round(size_pt / 72 * dpi))
    font = ImageFont.truetype(font_path, px)
    img = Image.new('L', cell, 255)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, cell[0] - 1, cell[1] - 1], outline=0, width=3)
    l, t, r, b = d.textbbox((0, 0), text, font=font)
    x = (cell[0] - (r - l)) // 2 - l
    y = (cell[1] - (b - t)) // 2 - t
    d.text((x, y), text, fill=0, font=font)
    return img


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for fname, fpath in FONTS.items():
        for name, mode, text in CASES:
            w = max(520, 60 * len(text))
            img = render(text, fpath, cell=(w, 90))
            file = f'{name}-{fname}.png'
            img.save(os.path.join(OUT, file), optimize=False)
            rows.append(f'{file}\t{mode}\t{text}')
    with open(os.path.join(OUT, 'cases.tsv'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()
