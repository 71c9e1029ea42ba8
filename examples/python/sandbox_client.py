#!/usr/bin/env python3
"""A client of the kyc sandbox that knows nothing of this project's Rust code.

It speaks only HTTP, the way a bank's own test suite (in any language) would: given a host for
each provider, it puts the paths from the providers' documents under it itself:

* IDnow AutoIdent: ``POST /api/v1/{company}/login``, ``POST
  /api/v1/{company}/identifications/{transactionNumber}/start``, ``GET
  /api/v1/{company}/identifications/{transactionNumber}``;
* POSTIDENT SCR-Ident: ``POST /api/scr/v1/{clientId}/cases``, ``GET
  /api/scr/v1/{clientId}/cases/{caseId}`` (HTTP Basic auth).

Between creating and reading, it plays the user through the sandbox's control API
(``/__control/...``), which the real providers do not have.

Start the sandbox with each provider at the root of its own port, then run this script:

    kyc sandbox --idnow-port 8081 --postident-port 8082
    python3 examples/python/sandbox_client.py --idnow http://127.0.0.1:8081 \\
        --postident http://127.0.0.1:8082

Python 3.8 or newer, standard library only. Exits 0 when both flows end as expected, 1 with a
message otherwise.
"""

import argparse
import base64
import json
import sys
import time
import urllib.error
import urllib.request


class Failure(Exception):
    """A step did not answer as the provider's documents say it should."""


def call(method, url, body=None, headers=None):
    """Sends one request and returns (status, parsed JSON body or None)."""
    data = None
    all_headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except urllib.error.URLError as error:
        raise Failure(f"{method} {url}: no answer ({error.reason})") from None
    try:
        parsed = json.loads(raw) if raw.strip() else None
    except ValueError:
        parsed = None
    return status, parsed


def expect(status, wanted, what, body):
    if status not in wanted:
        raise Failure(f"{what}: HTTP {status}, expected {wanted}: {body}")


def idnow_flow(host, company, api_key):
    """Login, create an ident, let the simulated user succeed, read the result."""
    api = f"{host}/api/v1/{company}"
    transaction = f"py-{int(time.time() * 1000)}"

    status, body = call("POST", f"{api}/login", {"apiKey": api_key})
    expect(status, (200,), "IDnow login", body)
    token = {"X-API-LOGIN-TOKEN": body["authToken"]}
    print(f"idnow: logged in as {company}")

    person = {"firstname": "Erika", "lastname": "Mustermann", "birthday": "1964-08-12"}
    status, body = call("POST", f"{api}/identifications/{transaction}/start", person, token)
    expect(status, (200, 201), "IDnow create ident", body)
    print(f"idnow: created ident {body.get('id')} for transaction number {transaction}")

    control = f"{host}/__control/companies/{company}/identifications/{transaction}/result"
    status, body = call("POST", control, {"result": "SUCCESS"})
    expect(status, (200, 202), "sandbox control: user succeeds", body)
    print("idnow: the simulated user identified successfully")

    status, body = call("GET", f"{api}/identifications/{transaction}", headers=token)
    expect(status, (200,), "IDnow get ident", body)
    result = (body or {}).get("identificationprocess", {}).get("result")
    if result != "SUCCESS":
        raise Failure(f"IDnow ident {transaction}: result {result!r}, expected 'SUCCESS'")
    print(f"idnow: ident {transaction} result SUCCESS")


def postident_flow(host, client_id, username, password):
    """Create a case, let the simulated user succeed with AutoID, read the case."""
    api = f"{host}/api/scr/v1/{client_id}"
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    auth = {"Authorization": f"Basic {credentials}"}
    reference = f"py{int(time.time()) % 100000000}"

    case = {
        "processData": {
            "targetCountry": "DEU",
            "preferredLanguage": "DE_DE",
            "referenceId": reference,
        },
        "contactDataProvided": {
            "firstName": "Erika",
            "lastName": "Mustermann",
            "email": "erika@example.org",
        },
    }
    status, body = call("POST", f"{api}/cases", case, auth)
    expect(status, (200, 201), "POSTIDENT create case", body)
    case_id = body["caseId"]
    print(f"postident: created case {case_id}, user URL {body['webStart']['caseURL']}")

    control = f"{host}/__control/cases/{case_id}/outcome"
    status, body = call("POST", control, {"method": "autoid", "outcome": "success"})
    expect(status, (200, 202), "sandbox control: user succeeds", body)
    print("postident: the simulated user identified successfully")

    status, body = call("GET", f"{api}/cases/{case_id}", headers=auth)
    expect(status, (200,), "POSTIDENT get case", body)
    state = (body or {}).get("caseStatus", {}).get("status")
    if state != "closed":
        raise Failure(f"POSTIDENT case {case_id}: status {state!r}, expected 'closed'")
    print(f"postident: case {case_id} closed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idnow", help="IDnow host, e.g. http://127.0.0.1:8081")
    parser.add_argument("--postident", help="POSTIDENT host, e.g. http://127.0.0.1:8082")
    parser.add_argument("--company", default="sandboxco")
    parser.add_argument("--api-key", default="sandbox-api-key")
    parser.add_argument("--client-id", default="SANDBOX01")
    parser.add_argument("--username", default="sandbox")
    parser.add_argument("--password", default="sandbox-password")
    args = parser.parse_args()
    if not args.idnow and not args.postident:
        parser.error("give --idnow HOST, --postident HOST or both")
    try:
        if args.idnow:
            idnow_flow(args.idnow.rstrip("/"), args.company, args.api_key)
        if args.postident:
            postident_flow(
                args.postident.rstrip("/"), args.client_id, args.username, args.password
            )
    except Failure as failure:
        print(f"failed: {failure}", file=sys.stderr)
        return 1
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
