from innovation_portal import navigation


def navigation_entries(request):
    """The menu for the current user, built from what the apps registered, and their unread count."""
    context = {"nav_entries": navigation.entries_for(request.user)}
    if request.user.is_authenticated:
        context["unread_notifications"] = request.user.notifications.filter(read_at__isnull=True).count()
    return context
