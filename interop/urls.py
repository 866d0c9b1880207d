from django.urls import path

from interop import views

urlpatterns = [
    path("notes/<int:pk>/fhir/", views.NoteDocumentView.as_view(), name="note-fhir"),
    path("fhir/Questionnaire", views.QuestionnaireListView.as_view(), name="fhir-questionnaires"),
    path(
        "fhir/Questionnaire/<str:qid>",
        views.QuestionnaireDetailView.as_view(),
        name="fhir-questionnaire",
    ),
]
