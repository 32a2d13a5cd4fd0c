"""Schemathesis against the service's own OpenAPI schema, on a real server.

Every operation of every family gets at least 100 requests: valid ones from the fuzzing phase,
invalid ones that the coverage phase derives from every constraint of the schema. The stateful
phase follows the schema's links of the collection family (space -> collection -> connector ->
sync). Every answer must be a non-5xx that the schema documents: its status, content type,
headers and body. Path parameters are the seeded objects' ids most of the time, random values
otherwise, so that the deep code runs too. Throttling is off for the server
(``CONNECTOR_HUB_THROTTLE_ENABLED=false``). The server's request log proves that every operation
was called at least ``MAX_EXAMPLES`` times.
"""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from django.urls import Resolver404, resolve

from tests.fuzz.seed import seed
from tests.servers.web import web_server

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("CONNECTOR_HUB_FUZZ_EXAMPLES", "100"))
BINDING_PROBABILITY = float(os.environ.get("CONNECTOR_HUB_FUZZ_BINDING", "0.8"))
#: e.g. ``--include-path-regex=liveSource`` to fuzz a few operations while working on them.
EXTRA_ARGUMENTS = os.environ.get("CONNECTOR_HUB_FUZZ_ARGS", "").split()
CHECKS = (
    os.environ.get("CONNECTOR_HUB_FUZZ_CHECKS", "").split(",")
    if os.environ.get("CONNECTOR_HUB_FUZZ_CHECKS")
    else [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def _config(data, probability: float) -> str:
    """A schemathesis.toml binding path parameters to the seeded objects (``probability`` of
    the cases)."""
    bindings = {
        "workspaces": ("path.workspace_id", [data.workspace_slug, data.workspace_id]),
        "spaces": ("path.space_id", data.space_ids),
        "collections": ("path.collection_id", data.collection_ids),
        "connectors": ("path.connector_id", data.connector_ids),
        "live_sources": ("path.connectorId", data.connector_ids),
        "names": ("path.name", data.connector_names),
        "documents": ("path.document_id", data.document_ids),
        "webhooks": ("path.webhook_id", data.webhook_ids),
        "syncs": ("path.sync_id", data.sync_ids),
    }
    lines = []
    for name, (_, values) in bindings.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    # Fuzzing sends valid requests (each one reaches the code behind the validation); invalid
    # ones come from the coverage phase, which derives them from every constraint of the schema
    # (missing, wrong-typed, out-of-range and malformed values), and from hostile-input tests.
    lines += ["[phases.fuzzing.generation]", 'mode = "positive"', ""]
    lines.append("[parameters]")
    seen = set()
    for name, (parameter, _) in bindings.items():
        if parameter in seen:
            continue
        seen.add(parameter)
        lines.append(f'"{parameter}" = {{ dictionary = "{name}", probability = {probability} }}')
    # The registry's connector_id is a registry id, not a connector's uuid.
    lines += [
        "",
        "[dictionaries.registry]",
        f"values = {json.dumps(data.registry_ids)}",
        "",
        "[[operations]]",
        'include-operation-id = "registry_connectors_read"',
        "[operations.parameters]",
        '"path.connector_id" = { dictionary = "registry", probability = 0.8 }',
    ]
    return "\n".join(lines) + "\n"


def schemathesis(server, config: Path, key: str, report: Path, *arguments: str, seed: int = 11):
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/schema/",
        "--header",
        f"X-API-Key: {key}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "2",
        "--seed",
        str(seed),
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "too_slow,filter_too_much",
        "--report",
        "junit",
        "--report-dir",
        str(report),
        "--no-color",
        *arguments,
    ]
    # In the report folder: schemathesis keeps its cache in the working directory.
    run = subprocess.run(command, capture_output=True, text=True, timeout=1500, cwd=report.parent)
    output = run.stdout + run.stderr
    print(output)
    assert run.returncode == 0, output[-20000:] + "\n--- server log ---\n" + server.log_tail()


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_every_generated_request_as_its_schema_says(owner, catalog, tmp_path):
    data = seed(owner, catalog)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(data, BINDING_PROBABILITY))
    with web_server(tmp_path, CONNECTOR_HUB_THROTTLE_ENABLED="false") as server:
        phases = "--phases=examples,coverage,fuzzing,stateful"
        schemathesis(server, config, data.key, tmp_path / "report", phases, *EXTRA_ARGUMENTS)
        schema = httpx.get(f"{server.url}/api/schema/?format=json").json()
        cases = requests_per_operation(server.log_path.read_text(errors="replace"))
        if EXTRA_ARGUMENTS:
            return
        # Operations whose few real objects were soon deleted (DELETEs) get fewer distinct
        # cases: fuzz them again, with mostly random ids and a new seed each round, until each
        # had its share.
        config.write_text(_config(data, 0.2))
        for round_number in range(1, 4):
            thin = [op for op in operations_of(schema) if cases.get(op, 0) < MAX_EXAMPLES]
            if not thin:
                break
            ids = [f"--include-operation-id={operations_of(schema)[op]}" for op in thin]
            report = tmp_path / f"again-{round_number}"
            schemathesis(
                server, config, data.key, report, "--phases=fuzzing", *ids, seed=11 + round_number
            )
            cases = requests_per_operation(server.log_path.read_text(errors="replace"))
    print("requests per operation:", dict(cases))
    thin = {op: cases.get(op, 0) for op in operations_of(schema) if cases.get(op, 0) < MAX_EXAMPLES}
    assert not thin, f"operations with fewer than {MAX_EXAMPLES} requests: {thin}"


REQUEST_LINE = re.compile(r'"(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP/[\d.]+" \d{3}')


def _url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def requests_per_operation(server_log: str) -> Counter:
    """``(method, URL name)`` -> requests the server answered, from its request log."""
    return Counter(
        (method, name)
        for method, path in REQUEST_LINE.findall(server_log)
        if (name := _url_name(unquote(path)))
    )


def operations_of(schema: dict) -> dict[tuple[str, str], str]:
    """Every operation of the schema: ``(method, URL name)`` -> its operationId."""
    found = {}
    for template, methods in schema["paths"].items():
        name = _url_name(re.sub(r"\{[^}]+\}", "x", template))
        for method, operation in methods.items():
            if method != "parameters":
                found[(method.upper(), name)] = operation["operationId"]
    return found
