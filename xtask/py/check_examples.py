"""Validates every `example` in an OpenAPI 3.0 spec against its schema.

Covers examples on schemas (at any depth), on properties, on parameters and on
media types. Uses openapi-schema-validator's OAS 3.0 validator, which knows
`nullable`, and resolves `$ref`s against the document itself.

Usage: check_examples.py SPEC.yaml [SPEC.yaml ...]; exits 1 on any invalid example.
"""
import sys

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


def walk_examples(node, path, schema_ctx=None):
    """Yields (path, example, schema) for each example found."""
    if isinstance(node, dict):
        if "example" in node:
            if "schema" in node:  # parameter or media type
                yield path + "/example", node["example"], node["schema"]
            elif any(k in node for k in ("type", "properties", "oneOf", "allOf", "anyOf", "items", "$ref")):
                yield path + "/example", node["example"], node
        for key, value in node.items():
            if key == "example":
                continue
            yield from walk_examples(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_examples(value, f"{path}/{i}")


def check(spec_path):
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    registry = Registry().with_resource("urn:spec", resource)
    failures = 0
    count = 0
    for where, example, schema in walk_examples(spec, "#"):
        count += 1
        # Resolve refs relative to the whole document.
        wrapped = dict(schema)
        if "$ref" in wrapped:
            wrapped = {"$ref": "urn:spec" + wrapped["$ref"]}
        else:
            wrapped = rewrite_refs(wrapped)
        validator = OAS30Validator(wrapped, registry=registry)
        errors = sorted(validator.iter_errors(example), key=lambda e: list(e.path))
        for err in errors:
            failures += 1
            loc = "/".join(str(p) for p in err.path)
            print(f"{spec_path}: {where}: {loc or '(root)'}: {err.message}")
    print(f"{spec_path}: {count} examples checked, {failures} invalid")
    return failures


def rewrite_refs(node):
    if isinstance(node, dict):
        return {k: ("urn:spec" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else rewrite_refs(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


if __name__ == "__main__":
    total = sum(check(p) for p in sys.argv[1:])
    sys.exit(1 if total else 0)
