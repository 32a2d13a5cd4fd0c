"""The audit trail page of a workspace, for its owners: filterable like ``GET /v1/audit`` (the
same FilterSet), newest first, paged by id. Details were masked when each entry was recorded."""

from audit.filters import AuditEntryFilter
from audit.object_links import link_objects
from audit.selectors import entries_of
from config.pages.base import MANAGE, page, workspace_page
from config.pages.paging import keyset_page

FILTERS = ("action", "object_type", "object_id", "actor", "at_after", "at_before")


@workspace_page(MANAGE)
def entry_list(request):
    filterset = AuditEntryFilter(request.GET or None, queryset=entries_of(request.workspace))
    rows, pager = keyset_page(filterset.qs, request)
    link_objects(request.workspace, rows)
    return page(
        request,
        "audit/list.html",
        {
            "section": "audit",
            "entries": rows,
            "pager": pager,
            "filter": filterset,
            "filtered": any(request.GET.get(key) for key in FILTERS),
        },
    )
