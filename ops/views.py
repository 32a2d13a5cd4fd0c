"""The bare DRF view ``bench/api_load.py`` compares the API against; routed only when
``CONNECTOR_HUB_BENCH_HELLO=true``."""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class HelloView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def get(self, request):
        return Response({"hello": "world"})
