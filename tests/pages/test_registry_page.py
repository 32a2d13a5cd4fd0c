"""The registry page: everyone signed in reads it; only staff register, publish and retire."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import ConnectorDefinition, DefinitionStatus
from tests.registry.packages import make_zip, package_files

pytestmark = pytest.mark.database


@pytest.fixture
def staff(make_user):
    return make_user("operator", is_staff=True)


def test_definitions_are_grouped_by_status(login, viewer, make_definition):
    make_definition(connector_id="alpha", name="Alpha")
    make_definition(connector_id="beta", name="Beta", status=DefinitionStatus.DRAFT)
    response = login(viewer).get(reverse("registry:registry"))
    groups = {g["status"]: [d.name for d in g["definitions"]] for g in response.context["groups"]}
    assert groups == {"Live": ["Alpha"], "Draft": ["Beta"], "InValidation": [], "Retired": []}
    html = response.content.decode()
    assert "Register a version" not in html and "Publish" not in html
    assert "no installed reader: alpha" in html


def test_filtering_by_category_and_text(login, viewer, make_definition):
    make_definition(connector_id="alpha", name="Alpha", category="Web")
    make_definition(connector_id="beta", name="Beta", category="Database", description="tables")
    client = login(viewer)
    by_category = client.get(reverse("registry:registry"), {"category": "Web"})
    assert by_category.context["total"] == 1
    by_text = client.get(reverse("registry:registry"), {"q": "TABLES"})
    assert [d.name for g in by_text.context["groups"] for d in g["definitions"]] == ["Beta"]


def test_staff_register_a_distribution_file(login, staff, catalog):
    archive = make_zip(package_files(version="2.0.0"))
    response = login(staff).post(
        reverse("registry:registry_upload"),
        {"file": SimpleUploadedFile("pg.zip", archive), "draft": "on"},
        follow=True,
    )
    assert "Registered postgres-connector-2.0.0 (Draft)." in response.content.decode()
    draft = ConnectorDefinition.objects.get(registry_id="postgres-connector-2.0.0")
    assert draft.status == DefinitionStatus.DRAFT and draft.created_by == "user:operator"

    login(staff).post(reverse("registry:definition_promote", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == DefinitionStatus.LIVE
    assert (
        catalog["postgres-connector"]
        .__class__.objects.get(registry_id="postgres-connector-1.1.0")
        .status
        == DefinitionStatus.RETIRED
    )

    login(staff).post(reverse("registry:definition_retire", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == DefinitionStatus.RETIRED


def test_a_refused_file_is_an_inline_error_and_nothing_is_stored(login, staff):
    before = ConnectorDefinition.objects.count()
    response = login(staff).post(
        reverse("registry:registry_upload"),
        {"file": SimpleUploadedFile("junk.zip", b"not a zip at all")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_file_error"' in html and 'role="alert"' in html
    assert ConnectorDefinition.objects.count() == before


def test_publishing_a_retired_version_is_refused_in_words(login, staff, make_definition):
    retired = make_definition(status=DefinitionStatus.RETIRED)
    response = login(staff).post(
        reverse("registry:definition_promote", args=[retired.pk]), follow=True
    )
    assert "cannot be published again" in response.content.decode()


def test_non_staff_cannot_write_the_registry(login, owner, make_definition):
    draft = make_definition(status=DefinitionStatus.DRAFT)
    client = login(owner)
    archive = make_zip(package_files(version="3.0.0"))
    assert (
        client.post(
            reverse("registry:registry_upload"), {"file": SimpleUploadedFile("p.zip", archive)}
        ).status_code
        == 403
    )
    assert client.post(reverse("registry:definition_promote", args=[draft.pk])).status_code == 403
    assert client.post(reverse("registry:definition_retire", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == DefinitionStatus.DRAFT
    assert not ConnectorDefinition.objects.filter(version="3.0.0").exists()


def test_icons_are_served_as_sandboxed_images(login, viewer, catalog, make_definition):
    client = login(viewer)
    response = client.get(reverse("registry:definition_icon", args=[catalog["RSS"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"<svg")
    outside = make_definition(connector_id="remote", icon="https://example.com/icon.svg")
    assert client.get(reverse("registry:definition_icon", args=[outside.pk])).status_code == 404
    html = client.get(reverse("registry:registry")).content.decode()
    assert "https://example.com/icon.svg" not in html  # never loaded from another origin
