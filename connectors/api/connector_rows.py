"""How the connector viewsets read what they show: plain rows (``selectors.connector_rows``),
one query for a page or a connector (and one for their collections' ids where the family shows
them), whatever the number of rows."""

from django.http import Http404

from connectors import selectors
from connectors.selectors import as_uuid


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
        row = (
            selectors.connector_row(
                self.get_queryset().filter(pk=pk), collections=self.row_collections
            )
            if pk
            else None
        )
        if row is None:
            raise Http404
        self.found_through_path(row)
        return row
