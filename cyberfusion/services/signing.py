"""Ed25519 signatures on the channel, and sealing of secrets kept in the database.

Each organisation has one active Ed25519 key pair, made on its first send. The public half
is stored in clear; the private half (and every webhook secret) is sealed with AES-256-GCM
under a key derived by HKDF-SHA256 from `signing_key_secret` (or `<data_dir>/.signing_key`).
No API returns a private key. A message's signature covers `domain.channel.signed_document`:
its ids, parties, kind, time, body, details and each attachment's name, type, size, SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cyberfusion.services.context import Context
from cyberfusion.store.repositories.keys import StoredKey
from cyberfusion.store.tx import Tx

_INFO = b"cyberfusion sealing key v1"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of checking one signature, as the UI shows it."""

    ok: bool
    key_id: str
    signer_org_id: str
    reason: str


def _sealing_key(ctx: Context) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return hkdf.derive(ctx.settings.sealing_secret())


def seal(ctx: Context, secret: bytes, purpose: str) -> str:
    """AES-256-GCM ciphertext of `secret` (nonce first), bound to `purpose`, as base64."""
    nonce = os.urandom(12)
    sealed = AESGCM(_sealing_key(ctx)).encrypt(nonce, secret, purpose.encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(ctx: Context, text: str, purpose: str) -> bytes:
    """The secret sealed by `seal`; ValueError if the key or the purpose is wrong."""
    raw = base64.b64decode(text)
    try:
        return AESGCM(_sealing_key(ctx)).decrypt(raw[:12], raw[12:], purpose.encode())
    except InvalidTag:
        raise ValueError("cannot unseal: wrong signing_key_secret or tampered data") from None


def fingerprint(public_raw: bytes) -> str:
    """A key's id: the first 32 hex digits of the SHA-256 of its raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:32]


def ensure_key(tx: Tx, ctx: Context, org_id: str) -> StoredKey:
    """The organisation's active key, made now if it has none (race-safe)."""
    found = tx.keys.active(org_id)
    if found is not None:
        return found
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(serialization.Encoding.Raw,
                                        serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
    key_id = fingerprint(raw_public)
    return tx.keys.add_if_none(StoredKey(
        key_id=key_id, org_id=org_id, public_key=base64.b64encode(raw_public).decode(),
        private_key=seal(ctx, raw_private, f"ed25519:{key_id}"), created_at=ctx.now(),
        retired_at=None))


def sign(ctx: Context, key: StoredKey, document: bytes) -> str:
    """Base64 Ed25519 signature of `document` with the stored key."""
    raw = unseal(ctx, key.private_key, f"ed25519:{key.key_id}")
    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(raw).sign(document)).decode()


def verify(key: StoredKey | None, expected_org_id: str, document: bytes,
           signature: str) -> Verdict:
    """Check a signature against the stored public key of the sending organisation."""
    if key is None:
        return Verdict(False, "", expected_org_id, "unknown signing key")
    if key.org_id != expected_org_id:
        return Verdict(False, key.key_id, key.org_id, "signed with another organisation's key")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        public.verify(base64.b64decode(signature), document)
    except (InvalidSignature, ValueError):
        return Verdict(False, key.key_id, key.org_id, "signature does not match the content")
    return Verdict(True, key.key_id, key.org_id, "Ed25519 signature verified")
