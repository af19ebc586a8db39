"""Parses a list_candidates page whose every nullable field is null with the
client openapi-python-client generated from openapi/dist/heymilo-v2.json.

Usage: parse_null_page.py PAGE.json
"""
import json
import sys

from heymilo_v2.models import ListResponseCandidateResponse

body = json.load(open(sys.argv[1]))
page = ListResponseCandidateResponse.from_dict(body)
if len(page.data) != len(body["data"]):
    sys.exit(f"parsed {len(page.data)} candidates, the page has {len(body['data'])}")
candidate = page.data[0]
for key in ("workflow", "agent_summary", "metadata"):
    if body["data"][0].get(key) is not None:
        sys.exit(f"the page's {key} is not null: the check proves nothing")
    if getattr(candidate, key) is not None:
        sys.exit(f"{key}: null in the body, {getattr(candidate, key)!r} once parsed")
print("python client: parsed an all-null list_candidates page")
