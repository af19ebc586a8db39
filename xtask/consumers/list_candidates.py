"""Uses the client openapi-python-client generated from openapi/dist/heymilo-v2.json
to page through every candidate of a posting on heymilo-mock.

Usage: list_candidates.py BASE_URL API_KEY POSTING_ID EXPECTED_COUNT
"""
import sys

from heymilo_v2 import Client
from heymilo_v2.api.candidates import list_candidates
from heymilo_v2.models import ListResponseCandidateResponse

base_url, key, posting_id, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = Client(base_url=base_url, headers={"X-API-KEY": key})
seen, cursor, pages = [], None, 0
while True:
    kwargs = {"limit": 10}
    if cursor:
        kwargs["starting_after"] = cursor
    page = list_candidates.sync(posting_id, client=client, **kwargs)
    if not isinstance(page, ListResponseCandidateResponse):
        sys.exit(f"unexpected answer: {page!r}")
    pages += 1
    seen.extend(c.interview_id for c in page.data)
    if not page.pagination.has_more:
        break
    cursor = page.data[-1].interview_id
if len(seen) != expected or len(set(seen)) != expected:
    sys.exit(f"listed {len(seen)} candidates ({len(set(seen))} distinct), expected {expected}")
print(f"python client: {len(seen)} candidates in {pages} pages")
