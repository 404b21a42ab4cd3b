from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from portal.models import Authority, ClassGroup, Membership, School


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "job_title", "is_active"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "stage", "staff_see_all_families"]
    list_filter = ["authority", "stage"]
    search_fields = ["name", "authority__name"]
    list_select_related = ["authority"]
    inlines = [MembershipInline]


@admin.register(ClassGroup)
class ClassGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "year_group", "school"]
    list_filter = ["school", "year_group"]
    search_fields = ["name", "school__name"]
    list_select_related = ["school"]
    filter_horizontal = ["staff"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "job_title", "is_active"]
    list_filter = ["role", "is_active", "school__authority", "school"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "school__name",
        "job_title",
    ]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user", "school"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["school"]
    fields = ["school", "role", "job_title", "is_active"]
    verbose_name = "role at a school"
    verbose_name_plural = "roles at schools"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with each person's roles at schools on the same page."""

    inlines = [UserMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "memberships__role", "memberships__school"]
    search_fields = ["username", "first_name", "last_name", "email"]


admin.site.site_header = "Parent Compass administration"
admin.site.site_title = "Parent Compass administration"
admin.site.index_title = "Schools, staff and roles"
