"""Admin pages of one school's settings: a school's administrator sees and sets only their own
schools' (School.administrators); superusers see every school's."""

from portal import access
from portal.models import School


def administered_schools(user):
    """The schools `user` manages in admin, as a queryset."""
    if access.may_administer_all(user):
        return School.objects.all()
    return School.objects.filter(pk__in=access.administered_school_ids(user))


class SchoolScopedAdminMixin:
    """Lists only rows of the user's schools, and offers only those schools to choose."""

    school_field = "school"

    def get_queryset(self, request):
        schools = administered_schools(request.user)
        return super().get_queryset(request).filter(**{f"{self.school_field}__in": schools})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.school_field:
            kwargs["queryset"] = administered_schools(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
