#!/usr/bin/python3
"""Remakes the files of tests/data/corpus/ (run from that directory with
Debian's python3-pil; encrypted.pdf needs qpdf, which the build does not).
The seeds come from tests/fuzz/corpus/fuzz_image/."""
import subprocess
import struct, zlib, io, os
from PIL import Image, ImageDraw, ImageFont
def chunk(t, d):
    c = struct.pack('>I', len(d)) + t + d
    return c + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
# IHDR claims 60000x60000 8-bit gray; one tiny (valid) IDAT, IEND: a bomb's header.
ihdr = struct.pack('>IIBBBBB', 60000, 60000, 8, 0, 0, 0, 0)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\x00' * 64)) + chunk(b'IEND', b'')
open('huge_header.png', 'wb').write(png)
Image.new('L', (1, 1), 255).save('one_pixel.png')
# A blank A4 page at 100 dpi (1 bit: a few hundred bytes).
Image.new('1', (827, 1169), 1).save('blank_page.png', optimize=True)
# A page of text without any table: Chinese and Latin lines, no rules.
im = Image.new('L', (827, 1169), 255)
d = ImageDraw.Draw(im)
font = None
for f in ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', '/usr/share/fonts/truetype/arphic/uming.ttc']:
    if os.path.exists(f):
        font = ImageFont.truetype(f, 28); break
for i, line in enumerate(['关于项目支出绩效自评工作的通知', '各单位：', '请按要求于月底前报送自评表。', 'Please submit by the end of the month.']):
    d.text((80, 120 + i * 60), line, fill=0, font=font)
im.point(lambda p: 255 if p > 128 else 0).convert('1').save('no_table.png', optimize=True)
# A PDF whose page tree is empty (Count 0): well-formed, zero pages.
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [] /Count 0 >>']
out = io.BytesIO(); out.write(b'%PDF-1.4\n'); offs = []
for i, o in enumerate(objs, 1):
    offs.append(out.tell()); out.write(b'%d 0 obj\n' % i + o + b'\nendobj\n')
x = out.tell()
out.write(b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1))
for o in offs: out.write(b'%010d 00000 n \n' % o)
out.write(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x))
open('zero_pages.pdf', 'wb').write(out.getvalue())
# A JPEG with damaged (not truncated) entropy data: a restart marker where
# none belongs and changed bytes; start and end markers intact.
src = Image.open('../../fuzz/corpus/fuzz_image/table.png')
b = io.BytesIO(); src.save(b, 'JPEG', quality=90); d = bytearray(b.getvalue())
i = d.find(b'\xff\xda'); start = i + 2 + ((d[i + 2] << 8) | d[i + 3])
for k in range(0, 60, 3):
    p = start + 200 + k * 37
    if d[p] != 0xff and d[p - 1] != 0xff: d[p] = (d[p] * 7 + 13) & 0x7f
d[start + 1500:start + 1502] = b'\xff\xd3'
open('corrupt.jpg', 'wb').write(d)
# A JPEG named .png: the format comes from the bytes, not the name.
src.save('wrong_extension.png', 'JPEG', quality=80)

# --- TIFF whose second page is corrupt ---
a = Image.new('L', (400, 560), 255)
b = Image.new('L', (400, 560), 200)
buf = io.BytesIO()
a.save(buf, 'TIFF', save_all=True, append_images=[b], compression='tiff_lzw')
d = bytearray(buf.getvalue())
assert d[:2] == b'II'
off = struct.unpack_from('<I', d, 4)[0]
ifds = []
while off:
    ifds.append(off)
    n = struct.unpack_from('<H', d, off)[0]
    off = struct.unpack_from('<I', d, off + 2 + 12 * n)[0]

o = ifds[1]
n = struct.unpack_from('<H', d, o)[0]
for k in range(n):
    e = o + 2 + 12 * k
    tag, typ, cnt = struct.unpack_from('<HHI', d, e)
    if tag == 273:
        pass
        assert typ == 4
        if cnt == 1: struct.pack_into('<I', d, e + 8, 0x7FFFFF00)
        else:
            arr = struct.unpack_from('<I', d, e + 8)[0]
            for j in range(cnt): struct.pack_into('<I', d, arr + 4 * j, 0x7FFFFF00)
open('bad_second_page.tif', 'wb').write(d)

# --- truncations, non-image bytes, encrypted PDF ---
S = '../../fuzz/corpus/fuzz_image/'
open('empty.png', 'wb').close()
for src, dst, n in [('table.png', 'truncated.png', 3000), ('table.jpg', 'truncated.jpg', 2500),
                    ('two_pages.tif', 'truncated.tif', 300), ('table.pdf', 'truncated.pdf', 3000)]:
    open(dst, 'wb').write(open(S + src, 'rb').read()[:n])
open('not_image.png', 'w').write('Name,Amount\n项目,100\n')
subprocess.run(['qpdf', '--encrypt', 'user', 'owner', '256', '--', S + 'table.pdf', 'encrypted.pdf'], check=True)
