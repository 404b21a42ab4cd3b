"""The subject access copy a parent keeps opens with the school's letterhead and ends with how
to reach the school; details the school has not filled in are left off."""

from django.urls import reverse

from portal.lib.staff import staff_name


def _print(client, parent) -> str:
    return client.get(reverse("privacy:subject-access-print", args=[parent.pk])).text


def test_the_printable_copy_has_the_letterhead_and_how_to_reach_the_school(
    login, cast, left_family
):
    cast.school.phone = "0131 496 0000"
    cast.school.email = "office@riverside.sch.uk"
    cast.school.postal_address = "12 High Street\nRiverside"
    cast.school.save()
    text = _print(login(cast.headteacher), left_family.mum)
    assert text.index('data-testid="letterhead"') < text.index("holds about you")
    end = text[text.index("How to reach us") :]
    assert f"{staff_name(cast.headteacher)}, Headteacher" in end
    assert "0131 496 0000" in end and "office@riverside.sch.uk" in end
    assert "12 High Street<br>Riverside" in end


def test_the_printable_copy_leaves_off_what_the_school_has_not_filled_in(login, cast, left_family):
    text = _print(login(cast.headteacher), left_family.mum)
    end = text[text.index("How to reach us") :]
    assert "Phone</dt>" not in end and "E-mail</dt>" not in end and "Address</dt>" not in end
    assert "The school's letterhead is incomplete" in text
