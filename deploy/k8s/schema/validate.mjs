// Validates every Kubernetes resource of a multi-document YAML stream (stdin, e.g. the output of
// `kubectl kustomize`) against its JSON schema: the Kubernetes 1.27 OpenAPI schemas of kubernetes-models and
// the Prometheus operator's CRD schemas, compiled by Ajv. Prints one problem per line,
// "Kind/name: /json/pointer message", and nothing for a valid stream; exits 0 either way, 2 when the input
// is unreadable. A resource whose apiVersion/kind has no schema here is a problem too, so that nothing
// escapes validation. Run by src/test/java/io/lwm2mgw/deploy/SchemaValidator.java.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODULES = {
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

// one module per kind, not the whole group/version: loading fewer compiled schemas is most of the run time
function moduleOf(apiVersion, kind) {
  return `${MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`}/${kind}`;
}

function describe(error) {
  const params = error.params ?? {};
  const detail = params.allowedValues ? ` (${params.allowedValues.join(", ")})` : "";
  return `${error.instancePath || "/"} ${error.message}${detail}`;
}

const problems = [];
let documents;
try {
  documents = parseAllDocuments(readFileSync(0, "utf8"));
} catch (e) {
  console.error(`unreadable input: ${e.message}`);
  process.exit(2);
}
for (const document of documents) {
  if (document.errors.length > 0) {
    console.error(`unreadable YAML: ${document.errors[0].message}`);
    process.exit(2);
  }
  const resource = document.toJS();
  if (resource === null || resource === undefined) {
    continue;
  }
  const id = `${resource.kind ?? "?"}/${resource.metadata?.name ?? "?"}`;
  let model;
  try {
    model = /^[A-Za-z0-9]+$/.test(resource.kind ?? "")
      ? (await import(moduleOf(resource.apiVersion, resource.kind)))[resource.kind] : undefined;
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    problems.push(`${id}: no schema for ${resource.apiVersion}/${resource.kind}`);
    continue;
  }
  if (resource.kind === "Secret" && resource.data && typeof resource.data === "object") {
    // kustomize wraps long base64 values in lines; the API server's decoder skips line breaks, the schema's
    // byte format does not
    for (const [key, value] of Object.entries(resource.data)) {
      if (typeof value === "string") {
        resource.data[key] = value.replace(/[\r\n]/g, "");
      }
    }
  }
  try {
    new model(resource).validate();
  } catch (e) {
    const errors = e.errors ?? e.details;
    if (!Array.isArray(errors)) {
      throw e;
    }
    // a value checked against several branches (int-or-string, quantity) fails each: one line per value
    const byPath = new Map();
    for (const error of errors) {
      const messages = byPath.get(error.instancePath) ?? [];
      messages.push(describe(error).slice((error.instancePath || "/").length + 1));
      byPath.set(error.instancePath, messages);
    }
    for (const [path, messages] of byPath) {
      problems.push(`${id}: ${path || "/"} ${[...new Set(messages)].join("; ")}`);
    }
  }
}
for (const problem of problems) {
  console.log(problem);
}
