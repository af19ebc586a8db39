"""Schemathesis hooks of `cargo xtask conformance`: strategies for the
string formats our specs define beyond JSON Schema's own."""

from hypothesis import strategies as st

import schemathesis

# `format: e164` (openapi/NOTES.md): `+`, then 8 to 15 digits, the first not 0.
schemathesis.openapi.format("e164", st.from_regex(r"\A\+[1-9][0-9]{7,14}\Z"))
