"""Making many instances of a frozen dataclass quickly, for the explanation's lines.

A frozen dataclass's generated ``__init__`` sets every field through
``object.__setattr__``, about ten times the cost of a plain assignment. An
explanation has one line per ranked KPI (thousands) in its tree and again in its
KPI list, made on the sync thread every poll that changes the month, so that cost
was a third of an explanation. `frozen_make` fills the instance's ``__dict__``
directly: the same object the ``__init__`` would make, for classes without
``__post_init__``, ``__slots__`` or field defaults left out (every field is given;
tests compare the results with instances made by ``__init__``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def frozen_make(cls: type[T], **fields: Any) -> T:
    """An instance of the frozen dataclass `cls` with every one of its fields given."""
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def check_makeable(cls: type[Any]) -> None:
    """Raise TypeError when `frozen_make` would not make what `cls`'s ``__init__`` makes."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__} is not a plain frozen dataclass")
    if not all(f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{cls.__name__} has fields its __init__ does not take")
