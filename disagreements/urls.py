from django.urls import path

from disagreements import views

app_name = "disagreements"

urlpatterns = [
    path("new/", views.disagreement_new, name="new"),
]
