#!/usr/bin/env python3
"""Regenerates the committed seeds under fuzz/seeds/ that cannot simply be copied from the
adapters' fixtures: JWE bodies encrypted to the fixed test key (postident_jwe), webhook requests
in the `webhook_request` text format, and configuration files (config_toml).

Needs python3 with the `cryptography` package. The seeds are committed, so this only has to run
when the fixtures change: `python3 fuzz/make-seeds.py`. `fuzz/seed-corpora.sh` then copies
fixtures and seeds into fuzz/corpus/<target>/.
"""
import base64
import glob
import json
import os
import shutil

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
IDNOW = os.path.join(ROOT, "crates/kyc-idnow/tests/fixtures")
POSTIDENT = os.path.join(ROOT, "crates/kyc-postident/tests/fixtures")
SEEDS = os.path.join(FUZZ, "seeds")
KEY_PEM = open(os.path.join(FUZZ, "keys/test-only-rsa-3072.pkcs8.pem")).read()
USER, PASSWORD = "hook", "hook-secret"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwe(payload, enc="A256GCM"):
    """Compact JWE, RSA-OAEP-256 + AES-GCM, to the test key (what POSTIDENT sends)."""
    key = serialization.load_pem_private_key(KEY_PEM.encode(), password=None)
    size = {"A128GCM": 16, "A192GCM": 24, "A256GCM": 32}[enc]
    cek, iv = os.urandom(size), os.urandom(12)
    header = b64url(json.dumps({"alg": "RSA-OAEP-256", "enc": enc}).encode())
    wrapped = key.public_key().encrypt(
        cek,
        padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    sealed = AESGCM(cek).encrypt(iv, payload, header.encode())
    ct, tag = sealed[:-16], sealed[-16:]
    return ".".join([header, b64url(wrapped), b64url(iv), b64url(ct), b64url(tag)]).encode()


def fresh(target):
    path = os.path.join(SEEDS, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


# postident_jwe: every case fixture encrypted (three enc values), a list of all, an empty body,
# and the same payloads in plaintext mode (`P` + JSON).
out = fresh("postident_jwe")
cases = sorted(glob.glob(os.path.join(POSTIDENT, "constructed-*.json"))
               + glob.glob(os.path.join(POSTIDENT, "guide-7.4.*.json")))
for i, path in enumerate(cases):
    payload = open(path, "rb").read()
    name = os.path.basename(path)[:-5]
    write(out, f"{name}.jwe", jwe(payload, ["A256GCM", "A128GCM", "A192GCM"][i % 3]))
    write(out, f"{name}.plain", b"P" + payload)
listing = b"[" + b",".join(open(p, "rb").read() for p in cases) + b"]"
write(out, "list-all.jwe", jwe(listing))
write(out, "empty-object.jwe", jwe(b"{}"))

# webhook_request: IDnow bodies from IDnow's network with the right credentials, POSTIDENT
# bodies from a documented POSTIDENT address, and refused variants.
out = fresh("webhook_request")
auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def request(peer, headers, body):
    head = peer + "\n" + "".join(f"{k}: {v}\n" for k, v in headers)
    return head.encode() + b"\n" + body


good = [("Authorization", auth), ("Content-Type", "application/json")]
for path in sorted(glob.glob(os.path.join(IDNOW, "sample_*.json"))
                   + glob.glob(os.path.join(IDNOW, "webhook_*.json"))
                   + glob.glob(os.path.join(IDNOW, "solaris_webhook_*.json"))):
    body = json.load(open(path))
    if isinstance(body, dict) and isinstance(body.get("identifications"), list) \
            and len(body["identifications"]) == 1:
        body = body["identifications"][0]
    name = os.path.basename(path)[:-5]
    write(out, f"idnow-{name}", request("213.95.145.7", good, json.dumps(body).encode()))
postident_bodies = {
    "guide-5": open(os.path.join(POSTIDENT, "guide-5-webhook.json"), "rb").read(),
    "case-and-reference": b'{"caseId":"YR9W91GEZK24","referenceId":"order-4711"}',
    "case-only": b'{"caseId":"YR9W91GEZK24"}',
}
for name, body in postident_bodies.items():
    write(out, f"postident-{name}", request("165.72.200.13", good, body))
sample = open(os.path.join(POSTIDENT, "guide-5-webhook.json"), "rb").read()
write(out, "refused-wrong-password", request(
    "165.72.200.13",
    [("Authorization", "Basic " + base64.b64encode(b"hook:wrong").decode())], sample))
write(out, "refused-wrong-peer", request("10.0.0.1", good, sample))
write(out, "refused-no-peer", request("", good, sample))
write(out, "ipv6-peer", request("2001:db8::1", good + [("Authorization", "Bearer x")], sample))

# config_toml: the shapes of docs/configuration.md and the kyc config tests.
out = fresh("config_toml")
configs = {
    "idnow-environment": 'provider = "idnow"\n[idnow]\nenvironment = "test-de"\n'
                         'company_id = "x"\napi_key = "k"\n',
    "idnow-sandbox-webhook": 'provider = "idnow"\n[idnow]\nbase_url = "http://127.0.0.1:9/idnow"\n'
                             'company_id = "sandboxco"\napi_key = "sandbox-api-key"\n'
                             '[idnow.webhook]\nusername = "idnow"\npassword = "hook-secret"\n'
                             'allowed_ips = ["213.95.145.0/27", "::1"]\n',
    "idnow-env-secret": 'provider = "idnow"\n[idnow]\nenvironment = "live-ch"\n'
                        'company_id = "x"\napi_key = { env = "KYC_FUZZ_UNSET" }\n'
                        '[http]\nconnect_timeout_ms = 100\nrequest_timeout_ms = 1000\n'
                        'max_retries = 0\nretry_base_delay_ms = 1\n',
    "postident-plain": 'provider = "postident"\n[postident]\nenvironment = "integration"\n'
                       'client_id = "C"\nusername = "u"\npassword = "p"\nencryption = false\n'
                       '[postident.webhook]\nallowed_ips = "default"\n',
    "postident-encrypted": 'provider = "postident"\n[postident]\n'
                           'base_url = "http://127.0.0.1:9/postident/api"\nclient_id = "SANDBOX01"\n'
                           'username = "sandbox"\npassword = "sandbox-password"\n'
                           'encryption = true\nprivate_key = """\n' + KEY_PEM + '"""\n'
                           'data_password = "sandbox-data-password"\n',
    "postident-file-secret": 'provider = "postident"\n[postident]\nenvironment = "production"\n'
                             'client_id = "C"\nusername = "u"\npassword = { file = "/nonexistent" }\n'
                             'encryption = false\n',
    "env-overrides": 'provider = "idnow"\n[idnow]\nenvironment = "test-de"\ncompany_id = "x"\n'
                     '\n#ENV\nKYC_PROVIDER=postident\nKYC_POSTIDENT__ENVIRONMENT=integration\n'
                     'KYC_POSTIDENT__CLIENT_ID=C\nKYC_POSTIDENT__USERNAME=u\n'
                     'KYC_POSTIDENT__PASSWORD=p\nKYC_POSTIDENT__ENCRYPTION=false\n'
                     'KYC_HTTP__MAX_RETRIES=3\n',
}
for name, text in configs.items():
    write(out, name + ".toml", text.encode())
print("seeds written to", SEEDS)
