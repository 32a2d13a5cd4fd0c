"""The yardsticks ``bench/api_load.py`` compares the API against; routed only when
``CONNECTOR_HUB_BENCH_HELLO=true``.

- ``HelloView``: a bare DRF view (no authentication, no database).
- ``AuthenticatedHelloView``: the same API-key authentication, workspace resolution and
  permission check as every API family, and one row read from the database: what any endpoint
  of the API pays before its own work.
"""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.base import WorkspaceScopedMixin
from tenancy.models import Space


class HelloView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def get(self, request):
        return Response({"hello": "world"})


class AuthenticatedHelloView(WorkspaceScopedMixin, APIView):
    schema = None

    def get(self, request):
        row = (
            Space.objects.filter(workspace=self.workspace)
            .order_by("created_at", "id")
            .values("id", "name")
            .first()
        )
        return Response({"workspace": self.workspace.slug, "row": row})
