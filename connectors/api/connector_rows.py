"""How the connector viewsets read what they show: plain rows (``selectors.connector_rows``),
one query for a page or a connector, whatever the number of rows. A single connector is read by
a ``CompiledRead``: the ORM builds and compiles its query once per viewset and thread."""

from django.http import Http404

from config.api.base import WorkspaceScopedMixin, scoped_to
from connectors import selectors
from connectors.rows import CompiledRead
from connectors.selectors import CollectionPath, as_uuid


class ConnectorRowsMixin:
    #: Whether the family shows each connector's collections.
    row_collections = False

    def read_rows(self, queryset) -> list[dict]:
        """Read the rows of a (sliced) queryset; ``KeysetPagination`` reads its pages with it."""
        rows = selectors.connector_rows(queryset, collections=self.row_collections)
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
        if type(self).get_queryset is not WorkspaceScopedMixin.get_queryset:
            # A viewset that reads otherwise than the compiled read below keeps its own query.
            queryset = self.get_queryset().filter(**lookup)
            row = selectors.connector_row(queryset, collections=self.row_collections)
        else:
            values = {"workspace_id": self.workspace.pk, **lookup}
            if self._unchecked_path is not None:
                path = self.path_collection()
                values.update(space_id=path.space_id, collection_id=path.collection_id)
            row = self._compiled_row().first(**values)
        self.found_through_path(row)
        return row

    @classmethod
    def _compiled_row(cls) -> CompiledRead:
        """``get_queryset().filter(**lookup)``'s first row, compiled once per viewset."""
        read = cls.__dict__.get("_compiled_row_read")
        if read is None:

            def build(workspace_id, space_id=None, collection_id=None, **lookup):
                path = None
                if space_id is not None:
                    path = CollectionPath(workspace_id, space_id, collection_id)
                queryset = scoped_to(cls.queryset.all(), cls.workspace_field, workspace_id, path)
                return queryset.filter(**lookup)[:1]

            read = CompiledRead(selectors.connector_columns(collections=cls.row_collections), build)
            cls._compiled_row_read = read
        return read
