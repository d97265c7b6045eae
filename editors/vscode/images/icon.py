#!/usr/bin/env python3
"""Draws images/icon.png, the extension's 128x128 icon: a white shield with a
check mark on a blue rounded square. Standard library only; run it from this
folder after changing the design."""

import math
import struct
import zlib

SIZE = 128
SAMPLES = 4  # per axis, for anti-aliasing
TOP = (0x14, 0x3d, 0x66)
BOTTOM = (0x23, 0x7b, 0xc2)
WHITE = (0xff, 0xff, 0xff)


def in_rounded_square(x, y, radius=0.2):
    dx = max(radius - x, 0, x - (1 - radius))
    dy = max(radius - y, 0, y - (1 - radius))
    return dx * dx + dy * dy <= radius * radius


def in_shield(x, y):
    half_width = 0.29
    offset = abs(x - 0.5)
    if offset > half_width:
        return False
    top = 0.15 + 0.05 * (1 - (offset / half_width) ** 2)
    if y < top:
        return False
    if y <= 0.5:
        return True
    depth = (y - 0.5) / 0.37
    return depth <= 1 and offset <= half_width * (1 - depth ** 1.7)


def distance_to_segment(px, py, ax, ay, bx, by):
    vx, vy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)))
    return math.hypot(px - (ax + t * vx), py - (ay + t * vy))


def in_check(x, y):
    points = [(0.37, 0.49), (0.47, 0.59), (0.64, 0.39)]
    return any(distance_to_segment(x, y, *points[i], *points[i + 1]) <= 0.045 for i in range(2))


def pixel(px, py):
    totals = [0.0, 0.0, 0.0, 0.0]
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / SIZE
            y = (py + (sy + 0.5) / SAMPLES) / SIZE
            if not in_rounded_square(x, y):
                continue
            background = tuple(TOP[i] + (BOTTOM[i] - TOP[i]) * y for i in range(3))
            color = WHITE if in_shield(x, y) and not in_check(x, y) else background
            for i in range(3):
                totals[i] += color[i]
            totals[3] += 255
    coverage = totals[3] / 255
    if coverage == 0:
        return (0, 0, 0, 0)
    return tuple(round(totals[i] / coverage) for i in range(3)) + (round(totals[3] / SAMPLES ** 2),)


def png(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(value for rgba in row for value in rgba) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    with open("icon.png", "wb") as output:
        output.write(png(SIZE, SIZE, rows))
