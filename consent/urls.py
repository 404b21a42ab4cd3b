from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("family/<id:family_pk>/new/", views.consent_add, name="consent-add"),
    path("<id:pk>/withdraw/", views.consent_withdraw_view, name="consent-withdraw"),
]
