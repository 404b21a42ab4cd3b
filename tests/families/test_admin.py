"""Django admin for families: who may see it, lists that stay cheap, and the CSV import page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from families.models import Child, ChildParent, Family, ImportRun
from tests import factories

CHANGELISTS = [
    "admin:families_family_changelist",
    "admin:families_schoolfamily_changelist",
    "admin:families_child_changelist",
    "admin:families_parentcarer_changelist",
    "admin:families_childparent_changelist",
    "admin:families_contact_changelist",
]
CSV = (
    "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
    "parent_first_name,parent_last_name,relationship\n"
    "P1,Isla,Reid,2018-03-14,F1,M1,Anna,Reid,Mother\n"
    "P2,Tom,Reid,2020-01-02,F1,M1,Anna,Reid,Mother\n"
)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def _upload(content=CSV, name="export.csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize("name", CHANGELISTS)
def test_superuser_sees_every_family_list(login, superuser, fam, name):
    assert login(superuser).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_administrators_group_gets_no_sight_of_family_records(login, cast, fam, name):
    assert login(cast.admin).get(reverse(name)).status_code == 403


def test_administrators_index_does_not_list_families(login, cast):
    body = login(cast.admin).get(reverse("admin:index")).content.decode()
    assert "Families" not in body
    assert "Schools" in body


@pytest.mark.parametrize("user", ["teacher", "pastoral", "headteacher", "authority_officer"])
def test_school_staff_cannot_use_family_admin(login, cast, fam, user):
    response = login(getattr(cast, user)).get(reverse("admin:families_family_changelist"))
    assert response.status_code in (302, 403)
    assert "Robin" not in response.content.decode()


def test_family_page_shows_children_and_parents_inline(login, superuser, fam):
    url = reverse("admin:families_family_change", args=[fam.family.pk])
    body = login(superuser).get(url).content.decode()
    assert "Robin" in body and "Morven" in body and "Duncan" in body


def test_child_search_finds_by_parent_family_name(login, superuser, fam):
    url = reverse("admin:families_child_changelist")
    body = login(superuser).get(url, {"q": "Robin"}).content.decode()
    assert fam.child.last_name in body


def _more_families(cast, n):
    for i in range(n):
        child = factories.ChildFactory(school=cast.school, first_name=f"Kid{i}")
        factories.ChildParentFactory(child=child)
        factories.SchoolFamilyFactory(school=cast.school, family=child.family)
        factories.ContactFactory(school=cast.school, family=child.family)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_family_lists_do_not_grow_queries_with_rows(
    login, superuser, cast, name, django_assert_max_num_queries
):
    client = login(superuser)
    _more_families(cast, 2)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse(name))
    _more_families(cast, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


# The import page -------------------------------------------------------------------------


def test_changelists_link_to_the_import_page(login, superuser):
    client = login(superuser)
    for model in ("child", "schoolfamily"):
        body = client.get(reverse(f"admin:families_{model}_changelist")).content.decode()
        assert reverse(f"admin:families_{model}_import") in body


def test_import_page_shows_the_form_and_the_columns(login, superuser):
    body = login(superuser).get(reverse("admin:families_child_import")).content.decode()
    assert 'name="file"' in body and "pupil_id" in body and "<caption>" in body


def test_dry_run_preview_lists_what_would_change_and_saves_nothing(login, superuser, cast):
    # The upload is checked by a background task (run at once by the tests' task backend) and
    # the user is sent to the run's page, which shows the dry run's report.
    response = login(superuser).post(
        reverse("admin:families_child_import"),
        {"school": cast.school.pk, "file": _upload()},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dry run of 2 row(s)" in body and "Confirm and import" in body
    assert not Child.objects.exists()


def test_confirming_the_preview_imports_into_the_chosen_school(login, superuser, cast):
    client = login(superuser)
    url = reverse("admin:families_child_import")
    preview = client.post(url, {"school": cast.school.pk, "file": _upload()})
    run = ImportRun.objects.get()
    assert preview.url == reverse("admin:families_importrun_detail", kwargs={"pk": run.pk})
    confirm = reverse("admin:families_importrun_confirm", kwargs={"pk": run.pk})
    response = client.post(confirm, follow=True)
    assert response.status_code == 200
    assert "Imported 2 row(s)" in response.content.decode()
    assert set(Child.objects.values_list("school", flat=True)) == {cast.school.pk}
    assert Family.objects.count() == 1


def test_a_confirmation_without_a_checked_file_saves_nothing(login, superuser, cast):
    # The old signed-token confirmation is gone: posting one is an upload without a file.
    data = {"school": cast.school.pk, "all_or_nothing": "False", "token": "forged", "confirm": "1"}
    response = login(superuser).post(reverse("admin:families_child_import"), data)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Child.objects.exists() and not ImportRun.objects.exists()


def test_bad_rows_are_listed_with_line_numbers_in_the_preview(login, superuser, cast):
    content = CSV.replace("2020-01-02", "not a day")
    response = login(superuser).post(
        reverse("admin:families_child_import"),
        {"school": cast.school.pk, "file": _upload(content), "all_or_nothing": "on"},
        follow=True,
    )
    body = response.content.decode()
    assert '<th scope="row">3</th>' in body and "not a date" in body
    assert "nothing will be imported" in body and "Confirm and import" not in body


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Caf\xe9,x\n".encode("latin-1"), "not UTF-8"),
        (b"name,age\nIsla,8\n", "missing these columns"),
        (b"PK\x03\x04zipzip", "spreadsheet workbook"),
    ],
)
def test_malformed_upload_gets_a_message_beside_the_file(login, superuser, cast, raw, message):
    response = login(superuser).post(
        reverse("admin:families_child_import"), {"school": cast.school.pk, "file": _upload(raw)}
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not Family.objects.exists() and not ChildParent.objects.exists()


def test_administrators_group_cannot_import(login, cast):
    url = reverse("admin:families_child_import")
    assert login(cast.admin).get(url).status_code == 403


def test_import_page_sends_anonymous_users_to_login(client, db):
    response = client.get(reverse("admin:families_child_import"))
    assert response.status_code == 302 and "login" in response.url


def test_import_page_refuses_other_methods(login, superuser):
    assert login(superuser).put(reverse("admin:families_child_import")).status_code == 405


def test_family_data_needs_a_permission_granted_on_purpose(login, cast, fam):
    from django.contrib.auth.models import Permission

    pastoral_admin = cast.pastoral
    pastoral_admin.is_staff = True
    pastoral_admin.save()
    client = login(pastoral_admin)
    contact = factories.ContactFactory(school=cast.school, family=fam.family, staff=cast.pastoral)
    # Their school role lets them edit the contact in the portal, but not in admin.
    url = reverse("admin:families_contact_change", args=[contact.pk])
    assert client.get(url).status_code == 403
    pastoral_admin.user_permissions.add(Permission.objects.get(codename="view_family"))
    assert client.get(reverse("admin:families_family_changelist")).status_code == 200


def test_preview_offers_no_confirm_when_no_row_can_be_imported(login, superuser, cast):
    content = CSV.replace("2018-03-14", "soon").replace("2020-01-02", "later")
    response = login(superuser).post(
        reverse("admin:families_child_import"),
        {"school": cast.school.pk, "file": _upload(content)},
        follow=True,
    )
    body = response.content.decode()
    assert "No row can be imported" in body and "Confirm and import" not in body
