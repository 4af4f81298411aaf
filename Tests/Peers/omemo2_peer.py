#!/usr/bin/env python3
"""An OMEMO 2 or OMEMO 0.3 session peer for Tern's interop tests: one device of an independent
implementation (python-x3dh, python-doubleratchet and python-twomemo or python-oldmemo, the libraries
under slixmpp-omemo) that Swift tests drive at the session level, without XMPP
(Tests/OMEMOInteropTests/OMEMOPeer.swift).

It uses twomemo's OMEMO 2 building blocks as its backend does (StateImpl for X3DH with info
"OMEMO X3DH" and Ed25519 identity keys, DoubleRatchetImpl with RootChainKDFImpl,
MessageChainKDFImpl, MESSAGE_CHAIN_CONSTANT and AEADImpl) and twomemo's protobuf classes for the
wire, but none of its storage or XMPP layers. With --oldmemo it uses oldmemo's classes of the same
names instead (OMEMO 0.3, libsignal's parameters: info "WhisperText", "WhisperRatchet" and
"WhisperMessageKeys", 0x05-prefixed keys, 8-byte MACs) and oldmemo's wire: a key exchange is a
version byte 0x33 and a PreKeySignalMessage, a message a version byte, a SignalMessage and its MAC.
It has one session at a time.

Its identity key is an Ed25519 seed, or with --scalar-identity a Curve25519 private scalar (the
other way XEP-0384 §4.1 allows, as libsignal-based libraries hold it: the Ed25519 public key is
derived from the scalar and signatures are made with it, XEdDSA-style).

    omemo2_peer.py [--scalar-identity] [--oldmemo]

It reads commands as JSON lines on stdin and answers each with exactly one JSON line on stdout:
{"event": "done", "id": ...} with the command's results, or {"event": "error", "id": ..., "text":
...}. Bytes are base64; plaintexts are UTF-8 text. Logs go to stderr.

    bundle {prekeys?}                 our bundle's <bundle xmlns='urn:xmpp:omemo:2'/> as twomemo
                                      writes it (or <bundle xmlns='eu.siacs.conversations.axolotl'/>
                                      as oldmemo does): {xml} (with a new set of one-time prekeys,
                                      default 3)
    accept {key_exchange}             a serialised OMEMOKeyExchange (PreKeySignalMessage) naming one
                                      of our prekeys:
                                      builds the session passively and decrypts its message:
                                      {plaintext}
    initiate {bundle, pk_id, plaintext}
                                      X3DH against a <bundle/> (XML text, read and checked against
                                      the XEP's schema by twomemo) with its prekey pk_id, and the
                                      first message: {key_exchange}
    encrypt {plaintext}               {message}: a serialised OMEMOAuthenticatedMessage (SignalMessage
                                      and MAC)
    decrypt {message}                 {plaintext}
    seal {jid, device, plaintext?, bundle?, pk_id?}
                                      a whole <encrypted/> element to one device (our device id 1),
                                      as XML text: the payload by the backend's own encrypt_plaintext
                                      (base64 plaintext; without one, encrypt_empty: an empty message),
                                      its key material by the backend's encrypt_key_material with our
                                      session (with bundle and pk_id, a new one as in initiate), wrapped
                                      in a key exchange until the session is answered: {xml}
    open {xml, jid}                   an <encrypted/> element (OMEMO 2: checked against twomemo's
                                      schema) to our device 1 (of account jid): its key (a key exchange
                                      builds the session as accept does, any other goes through the
                                      backend's decrypt_key_material), then the payload by its own
                                      decrypt_plaintext: {plaintext} in base64, or {empty: true}

The message tags of 0.3 cover sender ‖ recipient identity keys whoever initiated, as libsignal and
oldmemo's backend have it: the associated data's halves are swapped for a responder's sending and an
initiator's receiving.
    quit                              done, then exit (so does EOF on stdin)
"""

import asyncio
import base64
import json
import secrets
import sys
import traceback
import xml.etree.ElementTree as ET

import oldmemo.etree
import oldmemo.oldmemo
import oldmemo.oldmemo_pb2
import twomemo.etree
import twomemo.twomemo
import twomemo.twomemo_pb2
import x3dh
import xeddsa
from doubleratchet.recommended import diffie_hellman_ratchet_curve25519
from doubleratchet.types import EncryptedMessage, Header
from omemo.session import Initiation
from x3dh.identity_key_pair import IdentityKeyPairPriv

SIGNED_PRE_KEY_ID = 1
MAX_SKIP = 1000


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text, validate=True)


def curve25519_private_key():
    """A fresh X25519 private key, clamped as RFC 7748 §5 has it (xeddsa signs only with those)."""
    key = bytearray(secrets.token_bytes(32))
    key[0] &= 248
    key[31] = (key[31] & 127) | 64
    return bytes(key)


class TwomemoWire:
    """OMEMO 2: twomemo's classes, OMEMOKeyExchange and OMEMOAuthenticatedMessage protobufs, raw keys."""

    backend, etree, impl = twomemo.twomemo, twomemo.etree, twomemo.twomemo.Twomemo
    namespace, key_length, swaps_ad = "urn:xmpp:omemo:2", 32, False

    @staticmethod
    def encrypted_message(authenticated):
        """A doubleratchet EncryptedMessage from a serialised OMEMOAuthenticatedMessage."""
        proto = twomemo.twomemo_pb2
        message = proto.OMEMOMessage.FromString(proto.OMEMOAuthenticatedMessage.FromString(authenticated).message)
        return EncryptedMessage(Header(message.dh_pub, message.pn, message.n), authenticated)

    @staticmethod
    def parse_key_exchange(serialized):
        """(pk_id, spk_id, identity key in Ed25519 form, ephemeral key, authenticated message)."""
        exchange = twomemo.twomemo_pb2.OMEMOKeyExchange.FromString(serialized)
        return exchange.pk_id, exchange.spk_id, exchange.ik, exchange.ek, exchange.message.SerializeToString()

    @staticmethod
    def key_exchange(pk_id, spk_id, header, authenticated):
        proto = twomemo.twomemo_pb2
        return proto.OMEMOKeyExchange(
            pk_id=pk_id, spk_id=spk_id, ik=header.identity_key, ek=header.ephemeral_key,
            message=proto.OMEMOAuthenticatedMessage.FromString(authenticated)).SerializeToString()


class OldmemoWire:
    """OMEMO 0.3: oldmemo's classes; 0x33 ‖ PreKeySignalMessage, 0x33 ‖ SignalMessage ‖ 8-byte MAC, and
    0x05-prefixed Curve25519 keys (the identity key's Ed25519 sign bit does not matter to a session)."""

    backend, etree, impl = oldmemo.oldmemo, oldmemo.etree, oldmemo.oldmemo.Oldmemo
    namespace, key_length, swaps_ad = "eu.siacs.conversations.axolotl", 16, True

    @staticmethod
    def encrypted_message(authenticated):
        versioned = oldmemo.oldmemo.OMEMOAuthenticatedMessage.FromString(authenticated).message
        if versioned[:1] != b"\x33":
            raise ValueError("not a version 3 SignalMessage")
        message = oldmemo.oldmemo_pb2.OMEMOMessage.FromString(versioned[1:])
        ratchet_key = oldmemo.oldmemo.StateImpl.parse_public_key(message.dh_pub)
        return EncryptedMessage(Header(ratchet_key, message.pn, message.n), authenticated)

    @staticmethod
    def parse_key_exchange(serialized):
        if serialized[:1] != b"\x33":
            raise ValueError("not a version 3 PreKeySignalMessage")
        exchange = oldmemo.oldmemo_pb2.OMEMOKeyExchange.FromString(serialized[1:])
        parse = oldmemo.oldmemo.StateImpl.parse_public_key
        identity = xeddsa.curve25519_pub_to_ed25519_pub(parse(exchange.ik), False)
        return exchange.pk_id, exchange.spk_id, identity, parse(exchange.ek), exchange.message

    @staticmethod
    def key_exchange(pk_id, spk_id, header, authenticated):
        serialize = oldmemo.oldmemo.StateImpl.serialize_public_key
        return b"\x33" + oldmemo.oldmemo_pb2.OMEMOKeyExchange(
            pk_id=pk_id, spk_id=spk_id, ik=serialize(xeddsa.ed25519_pub_to_curve25519_pub(header.identity_key)),
            ek=serialize(header.ephemeral_key), message=authenticated).SerializeToString()


class Device:
    """Our identity, signed prekey and one-time prekeys, and the one session."""

    def __init__(self, scalar_identity, wire):
        identity = IdentityKeyPairPriv(curve25519_private_key()) if scalar_identity else None
        self.wire = wire
        state = wire.backend.StateImpl
        self.state = state.create(x3dh.IdentityKeyFormat.ED_25519, x3dh.HashFunction.SHA_256, state.INFO, identity)
        self.pre_key_ids = {}
        self.ratchet = None
        self.associated_data = None
        self.active = False
        self.pending = None

    def ratchet_arguments(self):
        """The Double Ratchet parameters the backend passes, in the library's order."""
        backend = self.wire.backend
        return (
            diffie_hellman_ratchet_curve25519.DiffieHellmanRatchet,
            backend.RootChainKDFImpl,
            backend.MessageChainKDFImpl,
            backend.DoubleRatchetImpl.MESSAGE_CHAIN_CONSTANT,
            MAX_SKIP,
            MAX_SKIP,
            backend.AEADImpl,
        )

    async def bundle(self, command):
        self.state.generate_pre_keys(int(command.get("prekeys", 3)))
        for key in sorted(self.state.bundle.pre_keys):
            self.pre_key_ids.setdefault(key, len(self.pre_key_ids) + 1)
        bundle = self.state.bundle
        ids = {key: self.pre_key_ids[key] for key in bundle.pre_keys}
        bundle = self.wire.backend.BundleImpl("peer@localhost", 1, bundle, SIGNED_PRE_KEY_ID, ids)
        return {"xml": ET.tostring(self.wire.etree.serialize_bundle(bundle), encoding="unicode")}

    async def accept(self, command):
        plaintext = await self.accept_key_exchange(unb64(command["key_exchange"]))
        return {"plaintext": plaintext.decode("utf-8")}

    async def accept_key_exchange(self, serialized):
        pk_id, spk_id, identity, ephemeral, message = self.wire.parse_key_exchange(serialized)
        if spk_id != SIGNED_PRE_KEY_ID:
            raise ValueError(f"unknown signed prekey {spk_id}")
        pre_key = next((key for key, id in self.pre_key_ids.items() if id == pk_id), None)
        if pre_key is None:
            raise ValueError(f"unknown prekey {pk_id}")
        header = x3dh.Header(identity, ephemeral, self.state.bundle.signed_pre_key, pre_key)
        secret, associated_data, signed_pre_key = await self.state.get_shared_secret_passive(header)
        self.ratchet, plaintext = await self.wire.backend.DoubleRatchetImpl.decrypt_initial_message(
            *self.ratchet_arguments(), secret, signed_pre_key.priv, self.wire.encrypted_message(message),
            associated_data)
        self.associated_data, self.active, self.pending = associated_data, False, None
        self.state.delete_pre_key(pre_key)
        return plaintext

    async def initiate(self, command):
        exchange = await self.initiate_session(command["bundle"], command["pk_id"], command["plaintext"].encode("utf-8"))
        return {"key_exchange": b64(exchange)}

    async def initiate_session(self, bundle_xml, pk_id, plaintext):
        """X3DH against a bundle and the first message; the serialised key exchange."""
        theirs = self.wire.etree.parse_bundle(ET.fromstring(bundle_xml), "tern@localhost", 1)
        pre_key = next(key for key, id in theirs.pre_key_ids.items() if id == int(pk_id))
        bundle = theirs.bundle._replace(pre_keys=frozenset([pre_key]))
        secret, associated_data, header = await self.state.get_shared_secret_active(bundle)
        self.ratchet, message = await self.wire.backend.DoubleRatchetImpl.encrypt_initial_message(
            *self.ratchet_arguments(), secret, bundle.signed_pre_key, plaintext, associated_data)
        self.associated_data, self.active = associated_data, True
        self.pending = (theirs.pre_key_ids[pre_key], theirs.signed_pre_key_id, header)
        return self.wire.key_exchange(*self.pending, message.ciphertext)

    def tag_associated_data(self, sending):
        """The AD a tag covers: X3DH's, with its halves swapped in 0.3 when the sender is the responder."""
        data = self.associated_data
        if self.wire.swaps_ad and sending != self.active:
            half = len(data) // 2
            data = data[half:] + data[:half]
        return data

    async def encrypt(self, command):
        plaintext = command["plaintext"].encode("utf-8")
        message = await self.session().encrypt_message(plaintext, self.tag_associated_data(True))
        return {"message": b64(message.ciphertext)}

    async def decrypt(self, command):
        message = self.wire.encrypted_message(unb64(command["message"]))
        plaintext = await self.session().decrypt_message(message, self.tag_associated_data(False))
        self.pending = None
        return {"plaintext": plaintext.decode("utf-8")}

    async def seal(self, command):
        if "plaintext" in command:
            content, key = await self.wire.impl.encrypt_plaintext(None, unb64(command["plaintext"]))
        else:
            content, key = await self.wire.impl.encrypt_empty(None)
        material = key.key + key.auth_tag
        if "bundle" in command:
            data = await self.initiate_session(command["bundle"], command["pk_id"], material)
        else:
            encrypted = await self.wire.impl.encrypt_key_material(None, self.backend_session(), key)
            data = encrypted.serialize()
            if self.pending is not None:
                data = self.wire.key_exchange(*self.pending, data)
        ns = "{" + self.wire.namespace + "}"
        encrypted = ET.Element(ns + "encrypted")
        header = ET.SubElement(encrypted, ns + "header", sid="1")
        flag = "kex" if self.wire is TwomemoWire else "prekey"
        parent = header
        if self.wire is TwomemoWire:
            parent = ET.SubElement(header, ns + "keys", jid=command["jid"])
        key_element = ET.SubElement(parent, ns + "key", rid=str(command["device"]))
        if self.pending is not None:
            key_element.set(flag, "true")
        key_element.text = b64(data)
        if self.wire is OldmemoWire:
            ET.SubElement(header, ns + "iv").text = b64(content.initialization_vector)
        if not content.empty:
            ET.SubElement(encrypted, ns + "payload").text = b64(content.ciphertext)
        return {"xml": ET.tostring(encrypted, encoding="unicode")}

    async def open(self, command):
        element = ET.fromstring(command["xml"])
        self.wire.etree.MESSAGE_SCHEMA.validate(element)
        ns = "{" + self.wire.namespace + "}"
        header = element.find(ns + "header")
        keys = header.findall(f"{ns}keys[@jid='{command['jid']}']/{ns}key" if self.wire is TwomemoWire else ns + "key")
        key = next((key for key in keys if key.get("rid") == "1"), None)
        if key is None:
            raise ValueError("no key for device 1")
        data = unb64(key.text)
        backend, length = self.wire.backend, self.wire.key_length
        if key.get("kex" if self.wire is TwomemoWire else "prekey") in ("true", "1"):
            material = await self.accept_key_exchange(data)
            key = backend.PlainKeyMaterialImpl(material[:length], material[length:])
        else:
            encrypted = backend.EncryptedKeyMaterialImpl.parse(data, command["jid"], 1)
            key = await self.wire.impl.decrypt_key_material(None, self.backend_session(), encrypted)
            self.pending = None
        payload = element.find(ns + "payload")
        if payload is None:
            return {"empty": True}
        if self.wire is TwomemoWire:
            content = backend.ContentImpl(unb64(payload.text))
        else:
            content = backend.ContentImpl(unb64(payload.text), unb64(header.find(ns + "iv").text))
        return {"plaintext": b64(await self.wire.impl.decrypt_plaintext(None, content, key))}

    def backend_session(self):
        """Our session as the backend's SessionImpl, for its own encrypt_key_material and
        decrypt_key_material (which put 0.3's identity keys in libsignal's order themselves)."""
        initiation = Initiation.ACTIVE if self.active else Initiation.PASSIVE
        return self.wire.backend.SessionImpl("tern@localhost", 1, initiation, None, self.associated_data, self.session())

    def session(self):
        if self.ratchet is None:
            raise ValueError("no session")
        return self.ratchet


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


async def main():
    arguments = sys.argv[1:]
    device = Device("--scalar-identity" in arguments, OldmemoWire if "--oldmemo" in arguments else TwomemoWire)
    commands = {
        "bundle": device.bundle, "accept": device.accept, "initiate": device.initiate,
        "encrypt": device.encrypt, "decrypt": device.decrypt, "seal": device.seal, "open": device.open,
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
