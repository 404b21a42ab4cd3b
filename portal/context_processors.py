from portal import access, shell


def current_school(request):
    """The current school, the user's other schools and the role navigation, for the header."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "current_school": getattr(request, "school", None),
        "current_membership": getattr(request, "membership", None),
        # The header's "Switch school" link: only for someone with more than one place to work.
        "may_switch_school": len(access.places(request.user)) > 1,
        "is_administrator": access.is_administrator(request.user),
        "nav_items": shell.nav_items_for(request),
    }
