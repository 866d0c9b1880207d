from django.urls import path

from notes import views

app_name = "notes"

urlpatterns = [
    path("", views.note_list, name="list"),
    path("new/", views.note_new, name="new"),
    path("<int:pk>/", views.note_detail, name="detail"),
    path("<int:pk>/edit/", views.note_edit, name="edit"),
    path("<int:pk>/finalize/", views.note_finalize, name="finalize"),
    path("<int:pk>/amend/", views.note_amend, name="amend"),
    path("<int:pk>/handout.pdf", views.note_handout, name="handout"),
]
