from innovation_portal import navigation


def navigation_entries(request):
    """The menu for the current user, built from what the apps registered (the unread count:
    notifications.unread)."""
    context = {"nav_entries": navigation.entries_for(request.user)}
    if request.user.is_authenticated:
        # The user menu names the roles; loading them here (one query, cached on the user)
        # also serves every permission check of the menu and the page.
        context["my_roles"] = request.user.role_assignments
    return context
