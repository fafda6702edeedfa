"""The one entry point for JavaScript (Pyodide): JSON text in, JSON text out.

Requests: {"op": "score", "profile": {...}, "date": "YYYY-MM-DD"?}, {"op": "fields"},
{"op": "schema"}, {"op": "plan", "profile": {...}, "start": "YYYY-MM"?}, and for parity
{"op": "cases"} and {"op": "plan_cases"}.
Replies: {"ok": true, ...} or {"ok": false, "error": {"field", "message_zh", "message_en"}}.
Bad input never raises here: it becomes an error reply. The request is read by
`jsoninput.loads`, the same strict reader as the command line's (depth, size, duplicate keys,
long integers); any exception that still escapes the engine becomes an "internal error" reply
rather than an exception in JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from . import jsoninput
from .errors import ScoringError


def _request_error(message_zh: str, message_en: str) -> dict:
    error = {"field": None, "message_zh": message_zh, "message_en": message_en}
    return {"ok": False, "error": error}


def _dispatch(request: dict) -> dict:
    # Imported here so loading the bridge stays cheap and cycles cannot form.
    import scoring

    op = request.get("op")
    if op == "score":
        result = scoring.score(request.get("profile"), request.get("date"))
        return {"ok": True, "result": result.to_dict()}
    if op == "fields":
        return {"ok": True, "fields": scoring.field_descriptions()}
    if op == "schema":
        return {"ok": True, "schema": scoring.profile_json_schema()}
    if op == "plan":
        return {"ok": True, "plan": scoring.plan(request.get("profile"), request.get("start"))}
    if op == "cases":
        from .cases import run_all

        return {"ok": True, "cases": run_all()}
    if op == "plan_cases":
        from .cases import run_all_plans

        return {"ok": True, "plans": run_all_plans()}
    return _request_error(f"未知操作 {str(op)[:40]!r}", f"unknown op {str(op)[:40]!r}")


def handle(request_json: str) -> str:
    """Answer one JSON request with one JSON reply."""
    try:
        request: Any = jsoninput.loads(request_json)
        if not isinstance(request, dict):
            reply = _request_error("请求应为 JSON 对象", "the request must be a JSON object")
        else:
            reply = _dispatch(request)
    except ScoringError as error:
        reply = {"ok": False, "error": error.to_dict()}
    except Exception as error:  # the contract: never raise into JavaScript
        name = type(error).__name__
        reply = _request_error(f"内部错误（{name}），请刷新页面后重试", f"internal error: {name}")
    return json.dumps(reply, ensure_ascii=False, sort_keys=True)
