"""Solid-colour PNG images and a tiny ONNX image encoder, written by hand (no PIL, no onnx).

The encoder is ResNet-style: ``pixel_values`` [N,3,S,S] -> GlobalAveragePool -> Flatten ->
MatMul with the 3x3 identity -> ``embeds`` [N,3], so a solid colour's embedding is its
CLIP-normalised RGB (the server L2-normalises it), which the tests compute exactly.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073])
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711])

COLOURS = {
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "black": (0, 0, 0),
}


def write_png(path: Path, rgb: tuple[int, int, int], width: int = 64, height: int = 48) -> Path:
    """A solid ``rgb`` picture as an 8-bit RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)
    return path


def expected_embedding(rgb: tuple[int, int, int]) -> np.ndarray:
    """The unit vector the tiny encoder gives a solid ``rgb`` picture with CLIP normalisation."""
    v = (np.array(rgb) / 255.0 - CLIP_MEAN) / CLIP_STD
    return (v / np.linalg.norm(v)).astype(np.float32)


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _text(number: int, text: str) -> bytes:
    return _field(number, text.encode())


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _node(op: str, inputs: list[str], output: str) -> bytes:
    return (
        b"".join(_text(1, i) for i in inputs)
        + _text(2, output)
        + _text(3, f"{op}_{output}")
        + _text(4, op)
    )


def _value_info(name: str, dims: list[int | str]) -> bytes:
    shape = b"".join(
        _field(1, _text(2, d) if isinstance(d, str) else _int(1, d)) for d in dims
    )
    tensor_type = _int(1, 1) + _field(2, shape)  # elem_type FLOAT
    return _text(1, name) + _field(2, _field(1, tensor_type))


def write_tiny_encoder(path: Path, size: int) -> Path:
    """The pooled-projection encoder above, input ``pixel_values`` [N,3,size,size]."""
    w = np.eye(3, dtype="<f4")
    weights = _int(1, 3) + _int(1, 3) + _int(2, 1) + _text(8, "W") + _field(9, w.tobytes())
    graph = (
        _field(1, _node("GlobalAveragePool", ["pixel_values"], "pooled"))
        + _field(1, _node("Flatten", ["pooled"], "flat"))
        + _field(1, _node("MatMul", ["flat", "W"], "embeds"))
        + _text(2, "tiny-pooled")
        + _field(5, weights)
        + _field(11, _value_info("pixel_values", ["N", 3, size, size]))
        + _field(12, _value_info("embeds", ["N", 3]))
    )
    opset = _text(1, "") + _int(2, 13)
    model = _int(1, 8) + _text(2, "lakebeam-test") + _field(7, graph) + _field(8, opset)
    path.write_bytes(model)
    return path
