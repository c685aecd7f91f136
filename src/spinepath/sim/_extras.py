"""The error raised when an optional extra is not installed, naming the extra to install.

Imported first by :mod:`spinepath.sim`, it checks the ``sim`` extra's packages, so that a
missing numpy or pandas says which extra to install rather than failing deep in an import."""

from __future__ import annotations

__all__ = ["MissingExtra"]


class MissingExtra(ImportError):
    """``what`` needs the ``extra`` extra (``pip install 'spinepath[extra]'``); ``missing``
    names the package that could not be imported."""

    def __init__(self, what: str, extra: str, missing: str) -> None:
        super().__init__(
            f"{what} needs the {extra!r} extra, which is not installed "
            f"(no module named {missing!r}): pip install 'spinepath[{extra}]'",
            name=missing,
        )
        self.extra = extra
        self.missing = missing


try:
    import numpy as _numpy
    import pandas as _pandas
except ImportError as _error:
    raise MissingExtra("spinepath.sim", "sim", _error.name or "numpy") from None
del _numpy, _pandas
