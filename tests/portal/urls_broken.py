"""The portal's URLs plus one view that fails, to see what a crash shows."""

from django.urls import path

from portal.urls import handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("secret internal detail: SELECT * FROM families_child")


urlpatterns = [*portal_urlpatterns, path("broken/", broken)]
