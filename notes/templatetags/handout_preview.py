"""`{% handout_preview note "en" %}`: the note page's preview of exactly what will print."""

from django import template

from notes.handout import note_handout_body_html
from notes.models import Note

register = template.Library()


@register.simple_tag
def handout_preview(note: Note, language: str = "en") -> str:
    """The handout body the PDF prints, rendered (and escaped) by the handout's own partial."""
    # render_to_string autoescapes every value and returns a SafeString, so the tag does
    # not escape the finished HTML a second time.
    return note_handout_body_html(note=note, language=language)
