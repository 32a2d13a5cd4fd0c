"""Routes of the tenancy pages (namespace ``tenancy``): a workspace's members and API keys, under
``/w/<slug>/`` as every workspace page."""

from django.urls import path

from tenancy.views import keys, members

app_name = "tenancy"
W = "w/<slug:workspace_slug>/"

urlpatterns = [
    path(W + "keys/", keys.key_list, name="key_list"),
    path(W + "keys/<str:prefix>/revoke/", keys.key_revoke, name="key_revoke"),
    path(W + "members/", members.member_list, name="member_list"),
    path(W + "members/<int:user_id>/role/", members.member_role, name="member_role"),
    path(W + "members/<int:user_id>/remove/", members.member_remove, name="member_remove"),
]
