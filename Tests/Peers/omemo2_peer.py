#!/usr/bin/env python3
"""An OMEMO 2 session peer for Tern's interop tests: one device of an independent implementation
(python-x3dh, python-doubleratchet and python-twomemo, the libraries under slixmpp-omemo) that Swift
tests drive at the session level, without XMPP (Tests/OMEMOInteropTests/OMEMOPeer.swift).

It uses twomemo's OMEMO 2 building blocks as its backend does (StateImpl for X3DH with info
"OMEMO X3DH" and Ed25519 identity keys, DoubleRatchetImpl with RootChainKDFImpl,
MessageChainKDFImpl, MESSAGE_CHAIN_CONSTANT and AEADImpl) and twomemo's protobuf classes for the
wire, but none of its storage or XMPP layers. It has one session at a time.

Its identity key is an Ed25519 seed, or with --scalar-identity a Curve25519 private scalar (the
other way XEP-0384 §4.1 allows, as libsignal-based libraries hold it: the Ed25519 public key is
derived from the scalar and signatures are made with it, XEdDSA-style).

    omemo2_peer.py [--scalar-identity]

It reads commands as JSON lines on stdin and answers each with exactly one JSON line on stdout:
{"event": "done", "id": ...} with the command's results, or {"event": "error", "id": ..., "text":
...}. Bytes are base64; plaintexts are UTF-8 text. Logs go to stderr.

    bundle {prekeys?}                 our bundle's <bundle xmlns='urn:xmpp:omemo:2'/> as twomemo
                                      writes it: {xml} (with a new set of one-time prekeys,
                                      default 3)
    accept {key_exchange}             a serialised OMEMOKeyExchange naming one of our prekeys:
                                      builds the session passively and decrypts its message:
                                      {plaintext}
    initiate {bundle, pk_id, plaintext}
                                      X3DH against a <bundle/> (XML text, read and checked against
                                      the XEP's schema by twomemo) with its prekey pk_id, and the
                                      first message: {key_exchange}
    encrypt {plaintext}               {message}: a serialised OMEMOAuthenticatedMessage
    decrypt {message}                 {plaintext}
    quit                              done, then exit (so does EOF on stdin)
"""

import asyncio
import base64
import json
import secrets
import sys
import traceback
import xml.etree.ElementTree as ET

import x3dh
from doubleratchet.recommended import diffie_hellman_ratchet_curve25519
from doubleratchet.types import EncryptedMessage, Header
from twomemo import etree
from twomemo.twomemo import (
    AEADImpl,
    BundleImpl,
    DoubleRatchetImpl,
    MessageChainKDFImpl,
    RootChainKDFImpl,
    StateImpl,
)
from twomemo.twomemo_pb2 import OMEMOAuthenticatedMessage, OMEMOKeyExchange, OMEMOMessage
from x3dh.identity_key_pair import IdentityKeyPairPriv

SIGNED_PRE_KEY_ID = 1
MAX_SKIP = 1000


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text, validate=True)


def ratchet_arguments():
    """The Double Ratchet parameters twomemo's backend passes, in the library's order."""
    return (
        diffie_hellman_ratchet_curve25519.DiffieHellmanRatchet,
        RootChainKDFImpl,
        MessageChainKDFImpl,
        DoubleRatchetImpl.MESSAGE_CHAIN_CONSTANT,
        MAX_SKIP,
        MAX_SKIP,
        AEADImpl,
    )


def curve25519_private_key():
    """A fresh X25519 private key, clamped as RFC 7748 §5 has it (xeddsa signs only with those)."""
    key = bytearray(secrets.token_bytes(32))
    key[0] &= 248
    key[31] = (key[31] & 127) | 64
    return bytes(key)


def encrypted_message(authenticated):
    """A doubleratchet EncryptedMessage from a serialised OMEMOAuthenticatedMessage."""
    message = OMEMOMessage.FromString(OMEMOAuthenticatedMessage.FromString(authenticated).message)
    return EncryptedMessage(Header(message.dh_pub, message.pn, message.n), authenticated)


class Device:
    """Our identity, signed prekey and one-time prekeys, and the one session."""

    def __init__(self, scalar_identity):
        identity = IdentityKeyPairPriv(curve25519_private_key()) if scalar_identity else None
        self.state = StateImpl.create(
            x3dh.IdentityKeyFormat.ED_25519, x3dh.HashFunction.SHA_256, StateImpl.INFO, identity)
        self.pre_key_ids = {}
        self.ratchet = None
        self.associated_data = None

    async def bundle(self, command):
        self.state.generate_pre_keys(int(command.get("prekeys", 3)))
        for key in sorted(self.state.bundle.pre_keys):
            self.pre_key_ids.setdefault(key, len(self.pre_key_ids) + 1)
        bundle = self.state.bundle
        ids = {key: self.pre_key_ids[key] for key in bundle.pre_keys}
        element = etree.serialize_bundle(BundleImpl("peer@localhost", 1, bundle, SIGNED_PRE_KEY_ID, ids))
        return {"xml": ET.tostring(element, encoding="unicode")}

    async def accept(self, command):
        exchange = OMEMOKeyExchange.FromString(unb64(command["key_exchange"]))
        if exchange.spk_id != SIGNED_PRE_KEY_ID:
            raise ValueError(f"unknown signed prekey {exchange.spk_id}")
        pre_key = next((key for key, id in self.pre_key_ids.items() if id == exchange.pk_id), None)
        if pre_key is None:
            raise ValueError(f"unknown prekey {exchange.pk_id}")
        header = x3dh.Header(exchange.ik, exchange.ek, self.state.bundle.signed_pre_key, pre_key)
        secret, associated_data, signed_pre_key = await self.state.get_shared_secret_passive(header)
        self.ratchet, plaintext = await DoubleRatchetImpl.decrypt_initial_message(
            *ratchet_arguments(), secret, signed_pre_key.priv,
            encrypted_message(exchange.message.SerializeToString()), associated_data)
        self.associated_data = associated_data
        self.state.delete_pre_key(pre_key)
        return {"plaintext": plaintext.decode("utf-8")}

    async def initiate(self, command):
        theirs = etree.parse_bundle(ET.fromstring(command["bundle"]), "tern@localhost", 1)
        pre_key = next(key for key, id in theirs.pre_key_ids.items() if id == int(command["pk_id"]))
        bundle = theirs.bundle._replace(pre_keys=frozenset([pre_key]))
        secret, associated_data, header = await self.state.get_shared_secret_active(bundle)
        self.ratchet, message = await DoubleRatchetImpl.encrypt_initial_message(
            *ratchet_arguments(), secret, bundle.signed_pre_key, command["plaintext"].encode("utf-8"),
            associated_data)
        self.associated_data = associated_data
        exchange = OMEMOKeyExchange(
            pk_id=theirs.pre_key_ids[pre_key], spk_id=theirs.signed_pre_key_id, ik=header.identity_key,
            ek=header.ephemeral_key, message=OMEMOAuthenticatedMessage.FromString(message.ciphertext))
        return {"key_exchange": b64(exchange.SerializeToString())}

    async def encrypt(self, command):
        message = await self.session().encrypt_message(command["plaintext"].encode("utf-8"), self.associated_data)
        return {"message": b64(message.ciphertext)}

    async def decrypt(self, command):
        message = encrypted_message(unb64(command["message"]))
        plaintext = await self.session().decrypt_message(message, self.associated_data)
        return {"plaintext": plaintext.decode("utf-8")}

    def session(self):
        if self.ratchet is None:
            raise ValueError("no session")
        return self.ratchet


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


async def main():
    device = Device("--scalar-identity" in sys.argv[1:])
    commands = {
        "bundle": device.bundle, "accept": device.accept, "initiate": device.initiate,
        "encrypt": device.encrypt, "decrypt": device.decrypt,
    }
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        name, id = command.get("command"), command.get("id")
        if name == "quit":
            emit({"event": "done", "id": id})
            return
        try:
            if name not in commands:
                raise ValueError(f"unknown command {name!r}")
            result = await asyncio.wait_for(commands[name](command), float(command.get("timeout", 10)))
            emit({"event": "done", "id": id, **result})
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            emit({"event": "error", "id": id, "text": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    asyncio.run(main())
