#!/usr/bin/python3
"""Validates formdig contract JSON against a JSON Schema (draft 2020-12).

    tools/validate_json.py SCHEMA FILE|-

FILE holds one JSON document, or several as JSON Lines (one per line);
- reads standard input. Prints every violation as
"FILE[:line N]: /json/pointer: message" and exits 0 when all documents are
valid, 1 when one is not (or the input is not JSON), 2 on a usage error.
Uses Debian's python3-jsonschema; NaN and Infinity are rejected (not JSON).
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover
    sys.stderr.write("validate_json: python3-jsonschema is not installed\n")
    sys.exit(2)


def _reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def _loads(text):
    return json.loads(text, parse_constant=_reject_constant)


def _pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "(root)"


def _documents(text):
    """[(line or None, document)]: one document, else JSON Lines."""
    try:
        return [(None, _loads(text))]
    except ValueError as whole_error:
        docs = []
        lines = text.split("\n")
        if sum(1 for l in lines if l.strip()) < 2:
            raise whole_error
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                docs.append((n, _loads(line)))
            except ValueError as e:
                raise ValueError("line %d: %s" % (n, e))
        return docs


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: validate_json.py SCHEMA FILE|-\n")
        return 2
    schema_path, path = argv[1], argv[2]
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = _loads(f.read())
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write("validate_json: %s: bad schema: %s\n" % (schema_path, e))
        return 2
    name = "(stdin)" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
        text = data.decode("utf-8")
        docs = _documents(text)
    except OSError as e:
        sys.stderr.write("validate_json: %s: %s\n" % (name, e))
        return 1
    except (UnicodeDecodeError, ValueError) as e:
        print("%s: not valid JSON: %s" % (name, e))
        return 1
    validator = Draft202012Validator(schema)
    bad = 0
    for line, doc in docs:
        where = name if line is None else "%s:line %d" % (name, line)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            bad += 1
            print("%s: %s: %s" % (where, _pointer(e.absolute_path), e.message))
    if bad:
        print("%s: %d violation(s)" % (name, bad))
        return 1
    print("%s: valid (%d document%s)" % (name, len(docs), "" if len(docs) == 1 else "s"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
