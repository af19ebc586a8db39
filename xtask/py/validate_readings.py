"""Validates synthetic response bodies against the published bundles, under
strict OpenAPI 3.0.3 semantics (openapi-schema-validator's OAS30Validator) and
under OpenAPI 3.1 (OAS31Validator).

Usage: validate_readings.py INSTANCES.json BUNDLE_3_0.json BUNDLE_3_1.json

INSTANCES.json is a list of {"operation", "path", "method", "status", "shape",
"body"}; the bundles' operation at the same path and method is checked. Exits non-zero, listing every
failure, when any body is rejected by either reading.
"""
import json
import sys

from openapi_schema_validator import OAS30Validator, OAS31Validator


def response_schema(bundle, path, method, status):
    """The schema of our operation at the published document's path and method."""
    op = bundle["paths"].get(path, {}).get(method)
    if not op or status not in op["responses"]:
        return None
    response = op["responses"][status]
    if "$ref" in response:
        response = bundle["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response.get("content", {}).get("application/json", {}).get("schema")


def main():
    instances = json.load(open(sys.argv[1]))
    readings = [
        ("3.0.3", json.load(open(sys.argv[2])), OAS30Validator),
        ("3.1", json.load(open(sys.argv[3])), OAS31Validator),
    ]
    failures, checked = [], 0
    for reading, bundle, cls in readings:
        for inst in instances:
            schema = response_schema(bundle, inst["path"], inst["method"], inst["status"])
            if schema is None:
                failures.append(f"{reading}: {inst['operation']} {inst['status']}: no such response")
                continue
            # Local references resolve against the root, which carries the components.
            root = {"allOf": [schema], "components": bundle["components"]}
            errors = sorted(cls(root).iter_errors(inst["body"]), key=lambda e: list(e.path))
            checked += 1
            for e in errors[:3]:
                path = "/".join(str(p) for p in e.path)
                failures.append(
                    f"{reading}: {inst['operation']} {inst['status']} ({inst['shape']}) at /{path}: {e.message[:200]}"
                )
    for f in failures:
        print(f)
    if failures:
        sys.exit(f"{len(failures)} rejection(s) among {checked} checks")
    print(f"readings: {checked} bodies valid under strict 3.0.3 and 3.1")


main()
