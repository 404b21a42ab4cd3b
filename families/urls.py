app_name = "families"

urlpatterns: list = []
