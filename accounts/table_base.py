"""The base of the project's tables, as the type checker sees it.

Piccolo adds each table's ``id`` primary key while the class is created, so a type checker cannot
see it. Here it is declared as a column that reads as ``int`` on a row and as the column itself on
the class (``Idea.id == 3``). At run time ``Table`` is Piccolo's own class, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, overload

from piccolo.columns import Serial
from piccolo.table import Table as _PiccoloTable

if TYPE_CHECKING:

    class PrimaryKey(Serial):
        @overload
        def __get__(self, obj: _PiccoloTable, objtype: Any = None) -> int: ...
        @overload
        def __get__(self, obj: None, objtype: Any = None) -> Serial: ...
        def __get__(self, obj: Any, objtype: Any = None) -> Any: ...

    class Table(_PiccoloTable):
        id: ClassVar[PrimaryKey]

else:
    Table = _PiccoloTable

__all__ = ["Table"]
