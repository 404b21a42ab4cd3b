app_name = "compass"

urlpatterns: list = []
