from innovation_portal import navigation


def navigation_entries(request):
    """The menu for the current user, built from what the apps registered."""
    return {"nav_entries": navigation.entries_for(request.user)}
