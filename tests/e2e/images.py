"""images.py — small JPEG and PNG files for the photo tests, made with
the standard library only (no imaging package on the test machines).

png(w, h): a real RGB PNG (zlib), a gradient.
jpeg(w, h): a real baseline JPEG of one grey component, every 8x8 block
  mid-grey: one-code Huffman tables, two bits a block. Decoders show it.
Both take extra metadata to test that the server drops it: `exif` (an APP1
segment / an eXIf chunk) and `text` (a COM segment / a tEXt chunk).
"""
import struct
import zlib


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(w=300, h=400, exif=None, text=None, after_end=b""):
    rows = b"".join(
        b"\x00" + bytes((x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), 128)[c]
                        for x in range(w) for c in range(3))
        for y in range(h))
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    if text is not None:
        out += _chunk(b"tEXt", b"Comment\x00" + text)
    if exif is not None:
        out += _chunk(b"eXIf", exif)
    out += _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")
    return out + after_end


def _segment(marker, data):
    return bytes((0xFF, marker)) + struct.pack(">H", len(data) + 2) + data


def jpeg(w=300, h=400, exif=None, text=None, after_end=b""):
    out = b"\xff\xd8"
    out += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if exif is not None:
        out += _segment(0xE1, b"Exif\x00\x00" + exif)
    if text is not None:
        out += _segment(0xFE, text)
    out += _segment(0xDB, b"\x00" + b"\x01" * 64)
    out += _segment(0xC0, struct.pack(">BHHB", 8, h, w, 1) + b"\x01\x11\x00")
    # One code each, of one bit ("0"): DC difference 0, AC end of block.
    bits = b"\x01" + b"\x00" * 15
    out += _segment(0xC4, b"\x00" + bits + b"\x00")
    out += _segment(0xC4, b"\x10" + bits + b"\x00")
    out += _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    nbits = 2 * blocks
    data = bytearray(b"\x00" * ((nbits + 7) // 8))
    if nbits % 8:
        data[-1] = (1 << (8 - nbits % 8)) - 1  # pad with ones
    out += bytes(data) + b"\xff\xd9"
    return out + after_end
