"""A JSON parser that turns every malformed body into a 400, never a 500."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # Deeply nested arrays exhaust the decoder's recursion, which DRF does not catch.
            raise ParseError("JSON parse error: nested too deeply.") from exc
