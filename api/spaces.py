"""Spaces and collections (003): ``/v1/spaces`` and ``/v1/spaces/{space_id}/collections``."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.idempotency import idempotent
from config.api.openapi import SPACE_ID
from config.api.pagination import KeysetPagination
from config.api.strict import StrictSerializer
from tenancy import services
from tenancy.filters import CollectionFilter, SpaceFilter
from tenancy.models import Collection, Space


class SpaceSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class CollectionSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    space_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


def _validated(serializer_class, request, *, partial=False) -> dict:
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _crud_schema(noun: str, serializer, parents: list, create_parents: list):
    detail = [*parents, openapi.path_id(f"{noun}_id", f"The {noun}'s id.")]
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s",
            parameters=create_parents,
            responses={200: serializer(many=True), **openapi.errors(404)},
        ),
        create=extend_schema(
            summary=f"Create a {noun}",
            parameters=[*create_parents, openapi.IDEMPOTENCY_KEY],
            request=serializer,
            responses={201: serializer, **openapi.errors(404, 409, 413, 415, 422)},
        ),
        retrieve=extend_schema(
            summary=f"Get a {noun}",
            parameters=detail,
            responses={200: serializer, **openapi.errors(404)},
        ),
        partial_update=extend_schema(
            summary=f"Edit a {noun}",
            parameters=detail,
            request=serializer,
            responses={200: serializer, **openapi.errors(404, 413, 415)},
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            parameters=detail,
            request=None,
            responses={204: None, **openapi.errors(404, 409)},
        ),
    )


@extend_schema(tags=[openapi.COLLECTIONS])
@_crud_schema("space", SpaceSerializer, [], [openapi.WORKSPACE])
class SpaceViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    """Deleting a space that still has collections is a 409."""

    workspace_from = "space"
    queryset = Space.objects.all()
    serializer_class = SpaceSerializer
    filterset_class = SpaceFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("created_at", "id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SpaceSerializer(page, many=True).data)

    @idempotent
    def create(self, request, *args, **kwargs):
        body = _validated(SpaceSerializer, request)
        space = services.space_create(actor=self.actor, workspace=self.workspace, **body)
        return Response(SpaceSerializer(space).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        return Response(SpaceSerializer(self.space).data)

    def partial_update(self, request, *args, **kwargs):
        body = _validated(SpaceSerializer, request, partial=True)
        space = services.space_update(actor=self.actor, space=self.space, **body)
        return Response(SpaceSerializer(space).data)

    def destroy(self, request, *args, **kwargs):
        services.space_delete(actor=self.actor, space=self.space)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[openapi.COLLECTIONS])
@_crud_schema("collection", CollectionSerializer, [SPACE_ID], [SPACE_ID])
class CollectionViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    """Deleting a collection dissociates its connectors; they stay in the workspace."""

    workspace_from = "space"
    workspace_field = "space__workspace"
    queryset = Collection.objects.all()
    serializer_class = CollectionSerializer
    filterset_class = CollectionFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("created_at", "id")

    def get_queryset(self):
        return super().get_queryset().filter(space=self.space)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CollectionSerializer(page, many=True).data)

    @idempotent
    def create(self, request, *args, **kwargs):
        body = _validated(CollectionSerializer, request)
        collection = services.collection_create(actor=self.actor, space=self.space, **body)
        return Response(CollectionSerializer(collection).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        return Response(CollectionSerializer(self.collection).data)

    def partial_update(self, request, *args, **kwargs):
        body = _validated(CollectionSerializer, request, partial=True)
        collection = services.collection_update(
            actor=self.actor, collection=self.collection, **body
        )
        return Response(CollectionSerializer(collection).data)

    def destroy(self, request, *args, **kwargs):
        services.collection_delete(actor=self.actor, collection=self.collection)
        return Response(status=status.HTTP_204_NO_CONTENT)


_crud = {"get": "list", "post": "create"}
_detail = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("v1/spaces", SpaceViewSet.as_view(_crud), name="space-list"),
    path("v1/spaces/<str:space_id>", SpaceViewSet.as_view(_detail), name="space-detail"),
    path(
        "v1/spaces/<str:space_id>/collections",
        CollectionViewSet.as_view(_crud),
        name="collection-list",
    ),
    path(
        "v1/spaces/<str:space_id>/collections/<str:collection_id>",
        CollectionViewSet.as_view(_detail),
        name="collection-detail",
    ),
]
