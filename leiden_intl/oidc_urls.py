from django.urls import path

from . import oidc

app_name = "oidc"
urlpatterns = [
    path("authenticate/", oidc.authenticate, name="authenticate"),
    path("callback/", oidc.callback, name="callback"),
]
