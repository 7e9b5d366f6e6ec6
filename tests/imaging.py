"""Approved-image comparison for tiles rendered at a fixed size.

`assert_matches_approved(image, name)` compares a rendered QImage with
tests/approved/<name>.png within a tolerance (fonts and antialiasing differ slightly
between machines). Set CMWALL_APPROVE=1 to write the current rendering as the new
approved image, after looking at it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

APPROVED_DIR = Path(__file__).parent / "approved"
RECEIVED_DIR = Path(__file__).parent / "received"


def image_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return buffer.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)[..., :3].copy()


def difference(a: QImage, b: QImage) -> float:
    """Share of pixels whose colour differs by more than 48 in some channel (0..1)."""
    if a.size() != b.size():
        return 1.0
    delta = np.abs(image_array(a).astype(np.int16) - image_array(b).astype(np.int16)).max(axis=2)
    return float((delta > 48).mean())


def assert_matches_approved(image: QImage, name: str, tolerance: float = 0.03) -> None:
    approved_path = APPROVED_DIR / f"{name}.png"
    if os.environ.get("CMWALL_APPROVE") == "1":
        APPROVED_DIR.mkdir(exist_ok=True)
        assert image.save(str(approved_path)), f"cannot write {approved_path}"
        return
    assert approved_path.exists(), f"no approved image {approved_path}; render it, look at it, then run with CMWALL_APPROVE=1"
    approved = QImage(str(approved_path))
    diff = difference(image, approved)
    if diff > tolerance:
        RECEIVED_DIR.mkdir(exist_ok=True)
        image.save(str(RECEIVED_DIR / f"{name}.png"))
        raise AssertionError(
            f"{name}: {diff:.1%} of pixels differ from {approved_path} (tolerance {tolerance:.0%}); "
            f"see {RECEIVED_DIR / (name + '.png')}"
        )
