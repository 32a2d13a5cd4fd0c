"""How the connector viewsets read what they show: plain rows (``selectors.connector_columns``),
one query for a page or a connector, whatever the number of rows. A connector, and a page of
connectors no filter of the request narrows, are read by a ``CompiledRead``: the ORM builds and
compiles their queries once per viewset, thread and page size."""

from collections.abc import Callable

from django.http import Http404

from config.api.base import WorkspaceScopedMixin, scoped_to
from config.api.filtering import names_a_filter
from config.api.pagination import KeysetRead, offset_page
from config.compiled_read import CompiledRead
from config.rows import Columns
from connectors import selectors
from tenancy.selectors import CollectionPath, as_uuid


class ConnectorRowsMixin:
    #: Whether the family shows each connector's collections.
    row_collections = False
    #: The columns the family shows (``selectors.connector_columns``); None: all of them.
    row_names: tuple[str, ...] | None = None

    def read_rows(self, queryset) -> list[dict]:
        """Read the rows of a (sliced) queryset; ``KeysetPagination`` reads its pages with it."""
        rows = self.row_columns().rows(queryset)
        self.found_through_path(rows)
        return rows

    def connector_row(self, connector_id) -> dict:
        """The connector of the request's scope with this id; 404 otherwise."""
        pk = as_uuid(connector_id)
        row = self.scoped_connector_row(pk=pk) if pk else None
        if row is None:
            raise Http404
        return row

    def scoped_connector_row(self, **lookup) -> dict | None:
        """The connector of the request's scope that ``lookup`` (``pk=`` or ``name=``) finds, as
        a row; None if there is none."""
        if not self._reads_compiled():
            queryset = self.get_queryset().filter(**lookup)
            row = self.row_columns().first(queryset)
        else:
            row = self._compiled("row", self._first_of).first(**self.scope_values(**lookup))
        self.found_through_path(row)
        return row

    def page_rows(self, **lookup) -> list[dict]:
        """A page (``KeysetPagination``) of the request's connectors that ``lookup`` selects,
        filtered as the request asks."""
        if self._reads_compiled() and not names_a_filter(self.request, self):
            read = self._compiled("page", self._page_of)
            rows = self.paginator.paginate_read(
                self.request, self, read, **self.scope_values(**lookup)
            )
            self.found_through_path(rows)
            return rows
        return self.paginate_queryset(self.filter_queryset(self.get_queryset()).filter(**lookup))

    def all_rows(self) -> list[dict]:
        """Every connector of the request's scope, in the viewset's order, filtered as the
        request asks."""
        if self._reads_compiled() and not names_a_filter(self.request, self):
            rows = self._compiled("all", self._all_of).rows(**self.scope_values())
            self.found_through_path(rows)
            return rows
        return self.read_rows(self.filter_queryset(self.get_queryset()))

    def offset_rows(self, params: dict) -> tuple[list[dict], int, int, int]:
        """``offset_page`` of the request's connectors, filtered as the request asks."""
        queryset = self.filter_queryset(self.get_queryset())
        first_page = None
        if self._reads_compiled() and not names_a_filter(self.request, self):
            read = self._compiled("first", self._first_rows_of)

            def first_page(rows: int) -> list[dict]:
                found = read.rows({"rows": rows}, **self.scope_values())
                self.found_through_path(found)
                return found

        return offset_page(queryset, params, read=self.read_rows, first_page=first_page)

    def _reads_compiled(self) -> bool:
        # A viewset that reads otherwise than ``_scoped`` below keeps its own queries.
        return type(self).get_queryset is WorkspaceScopedMixin.get_queryset

    @classmethod
    def _scoped(cls, workspace_id, space_id=None, collection_id=None, **lookup):
        """``get_queryset().filter(**lookup)``, from values alone."""
        path = None
        if space_id is not None:
            path = CollectionPath(workspace_id, space_id, collection_id)
        queryset = scoped_to(cls.queryset.all(), cls.workspace_field, workspace_id, path)
        return queryset.filter(**lookup)

    @classmethod
    def row_columns(cls):
        return selectors.connector_columns(collections=cls.row_collections, names=cls.row_names)

    @classmethod
    def _first_of(cls, columns: Columns) -> CompiledRead:
        return CompiledRead(columns, lambda **values: cls._scoped(**values)[:1])

    @classmethod
    def _page_of(cls, columns: Columns) -> CompiledRead:
        return KeysetRead(columns, cls.keyset_ordering, cls._scoped)

    @classmethod
    def _all_of(cls, columns: Columns) -> CompiledRead:
        return CompiledRead(columns, cls._scoped)

    @classmethod
    def _first_rows_of(cls, columns: Columns) -> CompiledRead:
        return CompiledRead(columns, lambda rows, **values: cls._scoped(**values)[:rows])

    @classmethod
    def _compiled(cls, name: str, make: Callable[[Columns], CompiledRead]) -> CompiledRead:
        """The viewset's compiled read ``name``, made once (by ``make``) of its columns."""
        attribute = f"_compiled_{name}_read"
        read = cls.__dict__.get(attribute)
        if read is None:
            read = make(cls.row_columns())
            setattr(cls, attribute, read)
        return read
