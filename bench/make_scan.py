#!/usr/bin/env python3
"""Make a "scanned print" of a PDF: every page rendered by pdftoppm to a
grey JPEG at DPI (default 200), optionally turned by SKEW degrees and
blurred (with Pillow, when installed), and wrapped in a new PDF that has
no text layer (one DCT image per page, the page the size of the image).

usage: make_scan.py IN.pdf OUT.pdf [--dpi 200] [--quality 75] [--skew 0.6] [--blur 0.6]
"""
import argparse, os, struct, subprocess, sys, tempfile


def jpeg_size(data):
    """Width, height and components from a JPEG's SOF marker."""
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h, data[i + 9]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        i += 2 + length
    raise ValueError("no SOF marker")


def degrade(path, skew, blur, quality):
    """Turn and blur a page image in place, when Pillow is there."""
    if not skew and not blur:
        return
    try:
        from PIL import Image, ImageFilter
    except ImportError:
        print("make_scan: Pillow is not installed; no skew or blur", file=sys.stderr)
        return
    im = Image.open(path).convert("L")
    if skew:
        im = im.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if blur:
        im = im.filter(ImageFilter.GaussianBlur(blur))
    im.save(path, "JPEG", quality=quality)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--quality", type=int, default=75)
    ap.add_argument("--skew", type=float, default=0.0)
    ap.add_argument("--blur", type=float, default=0.0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "p")
        subprocess.run(["pdftoppm", "-r", str(a.dpi), "-gray", "-jpeg", "-jpegopt",
                        "quality=%d" % a.quality, a.input, root], check=True)
        pages = sorted(f for f in os.listdir(tmp) if f.endswith(".jpg"))
        images = []
        for name in pages:
            path = os.path.join(tmp, name)
            degrade(path, a.skew, a.blur, a.quality)
            images.append(open(path, "rb").read())
    objects = []  # bodies; object n is objects[n-1]
    def add(body):
        objects.append(body)
        return len(objects)
    catalog = add(None)
    pages_id = add(None)
    kids = []
    for data in images:
        w, h, components = jpeg_size(data)
        space = b"/DeviceGray" if components == 1 else b"/DeviceRGB"
        pw, ph = w * 72.0 / a.dpi, h * 72.0 / a.dpi
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                  b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, space, len(data))
                  + data + b"\nendstream")
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)
        c = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
                        b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (pages_id, pw, ph, c, img)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    open(a.output, "wb").write(out)


if __name__ == "__main__":
    main()
