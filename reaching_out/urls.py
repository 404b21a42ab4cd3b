from django.urls import path

from reaching_out.views import outbox, public, writing

app_name = "reaching_out"

urlpatterns = [
    # Writing: to one family's adults, or good news for several families of a class.
    path("messages/family/<id:family_pk>/new/", writing.write, name="write"),
    path("messages/good-news/", writing.good_news, name="good-news"),
    # The outbox and one message.
    path("messages/", outbox.outbox, name="outbox"),
    path("messages/<id:pk>/", outbox.message_detail, name="message"),
    path("messages/<id:pk>/cancel/", outbox.message_cancel, name="message-cancel"),
    path("messages/<id:pk>/another-way/", outbox.message_another_way, name="another-way"),
    path("messages/<id:pk>/call-made/", outbox.call_made, name="call-made"),
    path("messages/stops/<id:pk>/restart/", outbox.stop_restart, name="stop-restart"),
    # Letters: printed as one PDF per batch, then marked posted.
    path("messages/letters/", outbox.letters, name="letters"),
    path("messages/letters/<id:pk>.pdf", outbox.batch_pdf, name="batch-pdf"),
    path("messages/letters/<id:pk>/posted/", outbox.batch_posted, name="batch-posted"),
    # Without an account: a parent's stop, and GOV.UK Notify's signed callbacks.
    path("m/stop/<str:token>/", public.stop, name="stop"),
    path("messages/notify/status/", public.notify_status, name="notify-status"),
    path("messages/notify/inbound/", public.notify_inbound, name="notify-inbound"),
]
