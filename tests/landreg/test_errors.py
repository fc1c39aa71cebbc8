"""Every landreg error and warning is defined in one module, ``landreg.errors``, where a reader looks."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import landreg
from landreg import errors


def _modules():
    for info in pkgutil.walk_packages(landreg.__path__, "landreg."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def test_every_error_class_is_defined_in_landreg_errors():
    found = {
        obj
        for module in _modules()
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if obj.__module__.startswith("landreg") and issubclass(obj, (errors.LandregError, errors.LandregWarning))
    }
    assert len(found) > 30
    assert sorted(c.__qualname__ for c in found if c.__module__ != "landreg.errors") == []


def test_sub_package_names_are_the_same_classes():
    from landreg.prices.errors import MixedPriceBasisError
    from landreg.registry.cql import FilterError
    from landreg.scoring.errors import UnknownProfileError
    from landreg.tokens import AuthorizationError

    assert MixedPriceBasisError is errors.MixedPriceBasisError and FilterError is errors.FilterError
    assert UnknownProfileError is errors.UnknownProfileError and AuthorizationError is errors.AuthorizationError
    assert issubclass(errors.AuthorizationError, PermissionError) and issubclass(errors.FilterError, ValueError)
