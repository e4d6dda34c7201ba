"""Segment labels on a regular grid of blocks, the spatial features of many engine tests."""
import numpy as np


def grid_labels(height: int, width: int, rows: int, cols: int) -> np.ndarray:
    """Labels 1..rows*cols on a regular grid of ``rows`` x ``cols`` blocks, row by row, int64."""
    r = np.minimum(np.arange(height) * rows // height, rows - 1)
    c = np.minimum(np.arange(width) * cols // width, cols - 1)
    return (r[:, None] * cols + c[None, :] + 1).astype(np.int64)
