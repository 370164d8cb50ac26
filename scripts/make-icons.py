#!/usr/bin/env python3
"""Draws Forcefield's toolbar icons (a shield in Salesforce blue) as PNGs without any imaging
library, so the icons can be regenerated on any machine: python3 scripts/make-icons.py."""
import struct
import zlib
from pathlib import Path

BLUE = (1, 118, 211)
WHITE = (255, 255, 255)


def inside_shield(x, y):
    """Unit-square shield: flat top, straight sides down to 55%, then a point at the bottom."""
    if y < 0.08 or y > 0.95 or x < 0.12 or x > 0.88:
        return False
    if y <= 0.55:
        return True
    half_width = 0.38 * (0.95 - y) / 0.40
    return abs(x - 0.5) <= half_width


def inside_bolt(x, y):
    """A lightning bolt: the 'force' in Forcefield."""
    upper = 0.22 <= y <= 0.52 and 0.40 - (y - 0.22) * 0.5 <= x <= 0.60 - (y - 0.22) * 0.5
    lower = 0.48 <= y <= 0.80 and 0.40 + (0.80 - y) * 0.5 <= x <= 0.60 + (0.80 - y) * 0.5 - 0.05
    return upper or lower


def pixel(size, px, py):
    samples = 4
    cover = bolt = 0
    for sx in range(samples):
        for sy in range(samples):
            x = (px + (sx + 0.5) / samples) / size
            y = (py + (sy + 0.5) / samples) / size
            if inside_shield(x, y):
                cover += 1
                bolt += inside_bolt(x, y)
    n = samples * samples
    if cover == 0:
        return (0, 0, 0, 0)
    mix = bolt / cover
    rgb = tuple(round(b * (1 - mix) + w * mix) for b, w in zip(BLUE, WHITE))
    return (*rgb, round(255 * cover / n))


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(size, x, y)) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "extension" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 48, 128):
        (out / f"icon-{size}.png").write_bytes(png(size))
