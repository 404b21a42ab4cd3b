"""Django admin for schools, staff accounts, groups and roles.

Superusers manage everything. A member of the Administrators group who is not a superuser
(docs/administration.md):
- sees and changes only the schools they are linked to (School.administrators), those schools'
  classes and memberships, and the accounts of people with a role there (or with no role yet);
- never gives more rights than they hold: superuser and staff status are read-only to them, and
  only groups and permissions they hold themselves can be given; an account or group holding
  more than they do cannot be changed, and an account with a family-seeing role cannot have its
  password, username or e-mail address changed by them (that would let them sign in as it);
- gives family-seeing roles that wait for a headteacher of the school (or a superuser) to
  confirm them (portal/services.py).
Every change of role, group, permission or status is written to the staff access trail.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from portal import access, services
from portal.lib.admin_scope import administered_schools
from portal.models import Authority, ClassGroup, Membership, Role, School, StaffAccessChange


def _all(request) -> bool:
    return access.may_administer_all(request.user)


def _schools(request):
    return administered_schools(request.user)


def _users(request):
    """Accounts this administrator may see: anyone with a role at one of their schools, their
    own, and accounts with no role anywhere that are neither staff nor superusers."""
    if _all(request):
        return User.objects.all()
    schools = access.administered_school_ids(request.user)
    return User.objects.filter(
        Q(pk__in=Membership.objects.filter(school_id__in=schools).values("user_id"))
        | Q(pk=request.user.pk)
        | (~Q(pk__in=Membership.objects.values("user_id")) & Q(is_staff=False, is_superuser=False))
    )


def _held_permissions(user):
    """The Permission rows `user` holds, directly or through a group."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def _givable_groups(request):
    """Groups carrying no permission the administrator lacks."""
    if _all(request):
        return Group.objects.all()
    held = _held_permissions(request.user).values("pk")
    return Group.objects.exclude(permissions__in=Permission.objects.exclude(pk__in=held))


def _givable_permissions(request):
    qs = Permission.objects.all() if _all(request) else _held_permissions(request.user)
    return qs.select_related("content_type")


class _OwnSchoolsFilter(admin.RelatedFieldListFilter):
    """A school filter listing only the schools this administrator manages."""

    def field_choices(self, field, request, model_admin):
        return [(school.pk, str(school)) for school in _schools(request)]


def _perm_key(perm) -> str:
    return f"{perm.content_type.app_label}.{perm.codename}"


def _perm_words(perms) -> str:
    return "; ".join(sorted(f"{p.name} ({p.content_type.app_label})" for p in perms)) or "none"


def _yes_no(value) -> str:
    return "yes" if value else "no"


def _save_memberships(request, formset) -> None:
    """Saves a formset of memberships through the service that asks for confirmation and
    writes the trail (the inline rows on a school's and on an account's page)."""
    instances = formset.save(commit=False)
    for membership in formset.deleted_objects:
        services.membership_delete_by_administrator(membership=membership, by=request.user)
    for membership in instances:
        before = Membership.objects.filter(pk=membership.pk).first() if membership.pk else None
        services.membership_save_by_administrator(
            membership=membership, before=before, by=request.user
        )
    formset.save_m2m()


class _SchoolScopedMemberships:
    """Memberships as an administrator may see and give them: at their own schools only, to
    accounts they manage; and whether each is confirmed, in words."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(school__in=_schools(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = _schools(request)
        elif db_field.name == "user":
            kwargs["queryset"] = _users(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="confirmed")
    def confirmation(self, obj):
        if obj.pk is None:
            return "—"
        if obj.confirmed_at is None:
            return "Awaiting confirmation" if obj.is_active else "No"
        return "Yes"


class _ScopedMembershipInline(_SchoolScopedMemberships, admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["confirmation"]


class MembershipInline(_ScopedMembershipInline):
    autocomplete_fields = ["user"]
    fields = ["user", "role", "job_title", "is_active", "confirmation"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return _all(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _all(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _all(request) and super().has_delete_permission(request, obj)


LETTERHEAD_FIELDS = ["postal_address", "phone", "email", "website"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "stage", "staff_see_all_families"]
    list_filter = ["authority", "stage"]
    search_fields = ["name", "authority__name"]
    list_select_related = ["authority"]
    inlines = [MembershipInline]
    filter_horizontal = ["administrators"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=_schools(request).values("pk"))

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f not in LETTERHEAD_FIELDS]
        return [
            (None, {"fields": fields}),
            (
                "Letterhead",
                {
                    "fields": LETTERHEAD_FIELDS,
                    "description": "How families reach the school: printed at the top and "
                    "foot of the meeting letter, the meeting summary (page and PDF) and the "
                    "subject access printout. A detail left blank is left off.",
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if _all(request):
            return []
        # Whether teachers see every family widens what a whole staff sees: a superuser's
        # decision (asked for by the headteacher), like a role that sees families.
        return [
            "authority",
            "administrators",
            "staff_see_all_families",
            "pastoral_lead",
            "designated_teacher",
        ]

    def save_model(self, request, obj, form, change):
        before = School.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        lead_was = before.pastoral_lead if before else None
        if lead_was != obj.pastoral_lead:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.ACCOUNT,
                what=f"Pastoral lead at {obj.name} (sees each family's audit page)",
                before=str(lead_was or "No one"),
                after=str(obj.pastoral_lead or "No one"),
                school=obj,
            )
        was = before.staff_see_all_families if before else False
        if was != obj.staff_see_all_families:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.ACCOUNT,
                what=f"Teachers and support staff at {obj.name} see every family",
                before=_yes_no(was),
                after=_yes_no(obj.staff_see_all_families),
                school=obj,
            )

    def has_add_permission(self, request):
        return _all(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return _all(request) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pastoral_lead":
            kwargs["queryset"] = User.objects.filter(
                memberships__is_active=True, memberships__role=Role.PASTORAL
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "administrators":
            kwargs["queryset"] = User.objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        school = form.instance
        before = set(school.administrators.all()) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(school.administrators.all())
        if before != after:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.ACCOUNT,
                what=f"Administrators of {school.name}",
                before=", ".join(sorted(map(services.person_name, before))) or "none",
                after=", ".join(sorted(map(services.person_name, after))) or "none",
                school=school,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            _save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(ClassGroup)
class ClassGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "year_group", "school"]
    list_filter = [("school", _OwnSchoolsFilter), "year_group"]
    search_fields = ["name", "school__name"]
    list_select_related = ["school"]
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(school__in=_schools(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = _schools(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = _users(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(_SchoolScopedMemberships, admin.ModelAdmin):
    list_display = ["user", "school", "role", "job_title", "is_active", "confirmation"]
    list_filter = ["role", "is_active", ("school", _OwnSchoolsFilter)]
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
    fields = ["user", "school", "role", "job_title", "is_active"]
    readonly_fields = ["requested_by", "requested_at", "confirmed_by", "confirmed_at"]
    actions = ["confirm_selected"]

    def get_fields(self, request, obj=None):
        return [*self.fields, *(self.readonly_fields if obj else [])]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not _all(request):
            actions.pop("confirm_selected", None)
        return actions

    @admin.action(description="Confirm the selected roles awaiting confirmation")
    def confirm_selected(self, request, queryset):
        if not _all(request):
            raise PermissionDenied
        confirmed = refused = 0
        for membership in queryset.awaiting_confirmation():
            try:
                services.membership_confirm(membership=membership, by=request.user)
                confirmed += 1
            except PermissionDenied:
                refused += 1
        messages.info(request, f"Confirmed {confirmed}.")
        if refused:
            messages.warning(
                request,
                f"{refused} not confirmed: nobody confirms a role they asked for or their own.",
            )

    def save_model(self, request, obj, form, change):
        before = Membership.objects.filter(pk=obj.pk).first() if change else None
        services.membership_save_by_administrator(membership=obj, before=before, by=request.user)

    def delete_model(self, request, obj):
        services.membership_delete_by_administrator(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "school"):
            services.membership_delete_by_administrator(membership=membership, by=request.user)


class UserMembershipInline(_ScopedMembershipInline):
    fk_name = "user"
    autocomplete_fields = ["school"]
    fields = ["school", "role", "job_title", "is_active", "confirmation"]
    verbose_name = "role at a school"
    verbose_name_plural = "roles at schools"


admin.site.unregister(User)
admin.site.unregister(Group)

_FLAGS = [
    ("is_active", "Active"),
    ("is_staff", "Staff status (may use Administration)"),
    ("is_superuser", "Superuser status"),
]


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with each person's roles at schools on the same page, scoped to an
    administrator's schools and never giving more rights than the administrator holds."""

    inlines = [UserMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = [
        "is_active",
        "is_staff",
        "groups",
        "memberships__role",
        ("memberships__school", _OwnSchoolsFilter),
    ]
    search_fields = ["username", "first_name", "last_name", "email"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=_users(request).values("pk"))

    def _may_change(self, request, obj) -> bool:
        return obj is None or _all(request) or access.holds_no_more_than(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if _all(request):
            return []
        fields = ["is_staff", "is_superuser", "last_login", "date_joined"]
        if obj is not None and not access.may_take_over(request.user, obj):
            fields += ["username", "email"]
        return fields

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = _givable_groups(request)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = _givable_permissions(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not (
            access.may_take_over(request.user, user) and self._may_change(request, user)
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).first() if change else None
        if before is not None and not _all(request):
            # Belt and braces: the form shows these read-only; nothing else may change them.
            obj.is_staff, obj.is_superuser = before.is_staff, before.is_superuser
        super().save_model(request, obj, form, change)
        for field, label in _FLAGS:
            was = getattr(before, field) if before else None
            now = getattr(obj, field)
            if (before is None and now and field != "is_active") or (
                before is not None and was != now
            ):
                services.staff_change_record(
                    actor=request.user,
                    kind=StaffAccessChange.Kind.ACCOUNT,
                    what=label,
                    before=_yes_no(was) if before else "new account",
                    after=_yes_no(now),
                    subject=obj,
                )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        groups_before = set(user.groups.values_list("name", flat=True))
        perms_before = set(user.user_permissions.select_related("content_type"))
        if not _all(request):
            self._check_grants(request, form, groups_before, perms_before)
        super().save_related(request, form, formsets, change)
        groups_after = set(user.groups.values_list("name", flat=True))
        perms_after = set(user.user_permissions.select_related("content_type"))
        if groups_before != groups_after:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.GROUPS,
                what="Groups",
                before=", ".join(sorted(groups_before)) or "none",
                after=", ".join(sorted(groups_after)) or "none",
                subject=user,
            )
        if perms_before != perms_after:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.PERMISSIONS,
                what="Permissions",
                before=_perm_words(perms_before),
                after=_perm_words(perms_after),
                subject=user,
            )

    def _check_grants(self, request, form, groups_before, perms_before) -> None:
        """Refuses (a second time, after the form's choices) a group or permission beyond the
        administrator's own."""
        data = form.cleaned_data
        held = access.stored_perms(request.user)
        for group in data.get("groups") or []:
            if group.name not in groups_before:
                carried = {
                    f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
                }
                if not carried <= held:
                    raise PermissionDenied
        for perm in data.get("user_permissions") or []:
            if (
                perm not in perms_before
                and f"{perm.content_type.app_label}.{perm.codename}" not in held
            ):
                raise PermissionDenied

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            _save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        self._record_removal(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._record_removal(request, user)
        super().delete_queryset(request, queryset)

    def _record_removal(self, request, user) -> None:
        """The account's roles go with it: each is in the trail, under its school."""
        for membership in user.memberships.select_related("school"):
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.MEMBERSHIP,
                what=f"Role at {membership.school.name}",
                before=services.membership_state(membership),
                after="removed with the account",
                subject=user,
                school=membership.school,
            )
        services.staff_change_record(
            actor=request.user,
            kind=StaffAccessChange.Kind.ACCOUNT,
            what="Account",
            before="exists",
            after="removed",
            subject=user,
        )


@admin.register(Group)
class RightsCheckedGroupAdmin(GroupAdmin):
    """Groups: an administrator who is not a superuser may change only groups carrying no more
    than they hold, and give a group only permissions they hold."""

    def _may_change(self, request, obj) -> bool:
        if obj is None or _all(request):
            return True
        return not obj.permissions.exclude(
            pk__in=_held_permissions(request.user).values("pk")
        ).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if not _all(request) and obj is not None and obj.name == access.ADMINISTRATORS_GROUP:
            return ["name"]
        return []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if _all(request):
            return form

        class NameChecked(form):
            def clean_name(self):
                name = self.cleaned_data["name"]
                if name == access.ADMINISTRATORS_GROUP:
                    raise ValidationError("Only a superuser can name a group this.")
                return name

        return NameChecked

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = _givable_permissions(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        group = form.instance
        before = set(group.permissions.select_related("content_type")) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(group.permissions.select_related("content_type"))
        if before != after:
            services.staff_change_record(
                actor=request.user,
                kind=StaffAccessChange.Kind.GROUP_PERMISSIONS,
                what=f"Permissions of the group {group.name}",
                before=_perm_words(before),
                after=_perm_words(after),
                group_name=group.name,
            )


@admin.register(StaffAccessChange)
class StaffAccessChangeAdmin(admin.ModelAdmin):
    """The trail of staff access changes: read by superusers here, headteachers in the portal."""

    list_display = ["at", "actor_name", "subject_name", "school", "what", "before", "after"]
    list_filter = ["kind", "school"]
    search_fields = ["actor_name", "subject_name", "group_name", "what"]
    list_select_related = ["school"]
    date_hierarchy = "at"
    actions = None

    def has_module_permission(self, request):
        return _all(request)

    def has_view_permission(self, request, obj=None):
        return _all(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "Parent Compass administration"
admin.site.site_title = "Parent Compass administration"
admin.site.index_title = "Schools, staff and roles"
