"""Annotations that ``help()`` and Sphinx show as types, not as quoted strings.

Modules written with ``from __future__ import annotations`` keep every
annotation as a string, so ``help(W2V.fit)`` would show ``-> 'W2V'``. The
public classes evaluate theirs once the class exists.
"""

from __future__ import annotations

import inspect


def evaluate_annotations(cls: type) -> type:
    """Replace the string annotations of ``cls``'s public methods by the objects they name.

    A class decorator: names are looked up in each method's module, and the
    class's own name means the class. A method wrapped with
    ``functools.wraps`` shares its annotations with the wrapped function, so
    both show the evaluated ones.
    """
    for name, member in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        function = inspect.unwrap(getattr(member, "__func__", member))
        if not inspect.isfunction(function):
            continue
        resolved = inspect.get_annotations(function, eval_str=True,
                                            locals={cls.__name__: cls})
        function.__annotations__.clear()  # in place: a wrapper holds the same dict
        function.__annotations__.update(resolved)
    return cls
