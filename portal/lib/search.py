"""Name searches arrive by POST and are remembered in the session, per school, so that no pupil's
or parent's name ever appears in a URL, a browser history or a server log line."""


def search_remember(request, key: str, term: str) -> None:
    """Keep `term` as this page's search at the current school; an empty term clears it."""
    # A NUL byte cannot reach PostgreSQL (it answers with an error, the user with a 500).
    term = term.replace("\x00", "")
    if term:
        request.session[key] = {"school": request.school.pk, "q": term}
    else:
        request.session.pop(key, None)


def search_recall(request, key: str) -> str:
    """The search remembered for this page at the current school, or ""."""
    saved = request.session.get(key) or {}
    term = saved.get("q", "") if saved.get("school") == request.school.pk else ""
    return term.replace("\x00", "")
