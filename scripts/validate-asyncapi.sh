#!/usr/bin/env bash
# Validates docs/asyncapi.yaml against the AsyncAPI 3.0.0 JSON Schema (from the npm package @asyncapi/specs)
# and every message example against its own payload and header schemas. Needs npm and python3 with jsonschema
# and yaml (Debian: apt-get install python3-jsonschema python3-yaml). The test suite checks references and
# coverage offline (AsyncApiDocumentTest); this adds the schema. Usage: scripts/validate-asyncapi.sh [file]
set -euo pipefail
doc="$(realpath "${1:-$(dirname "$0")/../docs/asyncapi.yaml}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @asyncapi/specs@6.11.1 >/dev/null && tar xzf asyncapi-specs-6.11.1.tgz)
python3 - "$work/package/schemas/3.0.0-without-\$id.json" "$doc" <<'PY'
import json, sys, yaml, jsonschema
schema, doc = json.load(open(sys.argv[1])), yaml.safe_load(open(sys.argv[2]))
problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
for name, message in doc.get('components', {}).get('messages', {}).items():
    for example in message.get('examples', []):
        for part in ('payload', 'headers'):
            if part in example and part in message:
                root = dict(doc, **{'$ref': f'#/components/messages/{name}/{part}'})
                problems += [f"example {name}/{example.get('name')} {part}: {e.message[:300]}"
                             for e in jsonschema.Draft7Validator(root).iter_errors(example[part])]
print('\n'.join(problems) or f"{sys.argv[2]}: valid AsyncAPI {doc['asyncapi']}, examples match their schemas")
sys.exit(1 if problems else 0)
PY
