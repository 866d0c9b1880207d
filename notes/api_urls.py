from rest_framework.routers import SimpleRouter

from notes.api import NoteViewSet

router = SimpleRouter()
# An optional slash, so the contract's paths work as written: notes/1/note.txt and
# notes/1/finalize/ (the constructor only takes True/False).
router.trailing_slash = "/?"
router.register("notes", NoteViewSet, basename="note")
urlpatterns = router.urls
