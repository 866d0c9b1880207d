"""JSON rendering with orjson: the differential body is ~30 kB and the standard encoder
cost more than the ranking itself (see bench/differential.py)."""

import json
from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer


class FastJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            # Lazy strings, decimals and other types orjson does not know, and strings it
            # cannot encode as UTF-8 (lone surrogates): DRF's encoder, ASCII-only so that
            # even a lone surrogate becomes a valid \u escape instead of a 500.
            return json.dumps(
                data, cls=self.encoder_class, ensure_ascii=True, allow_nan=False
            ).encode("ascii")
