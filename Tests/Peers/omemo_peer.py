#!/usr/bin/env python3
"""An OMEMO peer for Tern's integration tests: an independent XMPP client (slixmpp with the
slixmpp-omemo plugin and its python-omemo backends twomemo and oldmemo) that Swift tests drive as
the other party of encrypted chats (Sources/TestSupport/OMEMOXMPPPeer.swift).

    omemo_peer.py --versions 2|0.3|both [--debug]

--versions picks the OMEMO versions its one device speaks: OMEMO 2 (urn:xmpp:omemo:2, the
payload an XEP-0420 envelope as XEP-0384's SCE profile says) and/or OMEMO 0.3
(eu.siacs.conversations.axolotl, the body alone). With both, OMEMO 2 is preferred for a device
that has both. Its keys, sessions and trust live in memory (python-omemo's Storage over a dict):
every run is a new device. Trust is blind trust before verification (BTBV): a new device of a
JID without manual decisions is trusted blindly; `trust` and `distrust` decide manually.

It reads commands as JSON lines on stdin and prints events as JSON lines on stdout, one per line,
flushed at once; logs go to stderr. Every command may carry an "id" and a "timeout" (seconds,
default 10); its outcome is exactly one reply within that timeout: {"event": "done", "id": ...}
with the command's results, or {"event": "error", "id": ..., "text": ...}. Commands:

    connect {jid, password, host, port, ca_file}
                                  logs in over STARTTLS, trusting only ca_file and checking it
                                  against the JID's domain, then publishes the device list and
                                  bundle of each version: done {jid, device_id, fingerprint}
    own_device                    done {device_id, fingerprint, identity_key, namespaces}
    devices {jid}                 downloads jid's device lists (of our versions) and answers what
                                  the session manager knows: done {devices: [{device_id, namespaces,
                                  active, fingerprint, trust, label}]}
    trust {jid, device_id}        manual trust (TRUSTED) of that device's identity key
    distrust {jid, device_id}     manual distrust (DISTRUSTED)
    join {room, nick, members?}   joins; a room we create (201) is configured non-anonymous and
                                  members-only and `members` (bare JIDs) made members: done {nick,
                                  created, occupants: {nick: jid}}
    send {to, body}               encrypts body for every device of `to` (a bare JID) or of every
                                  other occupant of `to` (a joined room) and our own other devices,
                                  refreshing their device lists first: done {message_id, namespaces,
                                  errors} (a room's also {stanza_id} once it reflects the message)
    expect_message {from, nick?}  the oldest message received from `from` (a bare JID, or a room's
                                  JID and optionally an occupant's nick) not yet returned, waiting
                                  for one if none: done {from, type, message_id, body, namespace,
                                  sender_jid, sender_device_id, trust, failure, fallback_body,
                                  oob_url}: body is the decrypted text (or the plain body of an
                                  unencrypted message, namespace null), failure why it could not be
                                  decrypted, oob_url the URL of a plaintext OOB element (XEP-0066)
    quit                          done, then disconnect and exit (so does EOF on stdin)

Events: connected {jid, device_id}; message {the expect_message fields} for each message with a
body or an OMEMO element, decrypted in arrival order (empty OMEMO messages, which only manage
sessions, emit empty_message {from, namespace, sender_device_id} instead); presence {room, nick,
jid, type}; disconnected {reason}; error {text} when the connection fails.
"""
import argparse
import asyncio
import base64
import json
import logging
import os
import secrets
import ssl
import sys
import uuid
import xml.etree.ElementTree as ET

import oldmemo
import oldmemo.etree
import oldmemo.oldmemo
import twomemo
import twomemo.etree
import twomemo.twomemo
from omemo.session_manager import SessionManager
from omemo.storage import Just, Nothing, Storage
from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.plugins.base import register_plugin
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from slixmpp_omemo import TrustLevel, XEP_0384
from slixmpp_omemo.xep_0384 import _make_session_manager

NS_TWOMEMO = twomemo.twomemo.NAMESPACE
NS_OLDMEMO = oldmemo.oldmemo.NAMESPACE
NS_SCE = "urn:xmpp:sce:1"
NS_OOB = "jabber:x:oob"
NS_EME = "urn:xmpp:eme:0"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = NS_MUC + "#user"
NS_MUC_ADMIN = NS_MUC + "#admin"
NS_MUC_OWNER = NS_MUC + "#owner"
NS_DATA = "jabber:x:data"
NS_SID = "urn:xmpp:sid:0"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
VERSIONS = {"2": [NS_TWOMEMO], "0.3": [NS_OLDMEMO], "both": [NS_TWOMEMO, NS_OLDMEMO]}
FALLBACK_BODY = "This message is OMEMO encrypted."

DEFAULT_TIMEOUT = 10.0
log = logging.getLogger("omemo_peer")


def emit(event, **fields):
    """Prints one event as a JSON line (None fields left out) and flushes it."""
    record = {"event": event}
    record.update({key: value for key, value in fields.items() if value is not None})
    try:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(1)


def q(namespace, name):
    """An ElementTree qualified name."""
    return "{%s}%s" % (namespace, name)


def stanza_error(xml):
    """The defined condition of a stanza's <error/>."""
    error = xml.find(q("jabber:client", "error"))
    conditions = [] if error is None else [c.tag.split("}")[1] for c in error if c.tag.startswith("{%s}" % NS_STANZAS)]
    return next((name for name in conditions if name != "text"), "unknown error")


def fingerprint(identity_key):
    """The XEP's fingerprint of an Ed25519 identity key: its Curve25519 form in groups of eight hex digits."""
    return " ".join(SessionManager.format_identity_key(identity_key))


class CommandError(Exception):
    """A command that failed; its text is the error reply's."""


class MemoryStorage(Storage):
    """python-omemo's key/value storage over a dict: the device lives as long as the process."""

    def __init__(self):
        super().__init__(disable_cache=True)
        self.values = {}

    async def _load(self, key):
        return Just(self.values[key]) if key in self.values else Nothing()

    async def _store(self, key, value):
        self.values[key] = value

    async def _delete(self, key):
        self.values.pop(key, None)


class OMEMOPlugin(XEP_0384):
    """slixmpp-omemo's XEP_0384 with in-memory storage, BTBV, and only the backends of this run's
    versions (the plugin itself always loads both)."""

    name = "xep_0384"
    default_config = {"fallback_message": FALLBACK_BODY, "namespaces": [NS_TWOMEMO, NS_OLDMEMO]}

    def plugin_init(self):
        super().plugin_init()
        self.memory = MemoryStorage()
        self.manager = None
        self.manager_task = None

    @property
    def storage(self):
        return self.memory

    @property
    def _btbv_enabled(self):
        return True

    async def _prompt_manual_trust(self, manually_trusted, identifier):
        # A JID with a manual decision: its new devices stay undecided, which encryption refuses.
        log.info("devices left undecided: %s", [(d.bare_jid, d.device_id) for d in manually_trusted])

    async def get_session_manager(self):
        if self.manager is None:
            if self.manager_task is None:
                self.manager_task = asyncio.ensure_future(self.create_manager())
            self.manager = await asyncio.shield(self.manager_task)
        return self.manager

    async def create_manager(self):
        backends = []
        if NS_TWOMEMO in self.namespaces:
            backends.append(twomemo.Twomemo(self.memory, 1000, None))
        if NS_OLDMEMO in self.namespaces:
            backends.append(oldmemo.Oldmemo(self.memory, 1000, None))
        manager = await _make_session_manager(self.xmpp, self).create(
            backends, self.memory, self.xmpp.boundjid.bare, initial_own_label=None,
            undecided_trust_level_name=TrustLevel.UNDECIDED.value)
        await manager.ensure_data_consistency()
        await manager.after_history_sync()
        self.xmpp.event("omemo_initialized")
        return manager

    async def _on_device_list_update(self, msg):
        # A PEP update of a version this run does not speak has no backend to go to.
        items = msg["pubsub_event"]["items"]
        namespace = NS_TWOMEMO if items["node"] == "urn:xmpp:omemo:2:devices" else NS_OLDMEMO
        if namespace in self.namespaces:
            await super()._on_device_list_update(msg)


register_plugin(OMEMOPlugin)


class Peer(ClientXMPP):
    def __init__(self, jid, password, ca_file, namespaces):
        super().__init__(jid, password)
        self.namespaces = namespaces
        for plugin in ["xep_0030", "xep_0004", "xep_0045", "xep_0060", "xep_0199", "xep_0334", "xep_0359"]:
            self.register_plugin(plugin)
        self.register_plugin("xep_0384", {"namespaces": namespaces})
        self.enable_direct_tls = False
        self.enable_plaintext = False
        self.ssl_context = ssl.create_default_context(cafile=ca_file)
        self.ssl_context.check_hostname = True
        self.ssl_context.verify_mode = ssl.CERT_REQUIRED
        self.started = asyncio.Event()
        self.initialized = asyncio.Event()
        self.failure = None
        self.quitting = False
        self.rooms = {}  # room bare JID -> {"nick": our nick, "occupants": {nick: real bare JID}}
        self.waiters = {}  # (kind, key) -> future: "self-presence" (room), "reflection" ((room, id))
        self.received = []  # decrypted messages, oldest first, not yet returned by expect_message
        self.arrived = asyncio.Condition()
        self.incoming = asyncio.Queue()  # stanzas to decrypt, one at a time, in arrival order
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("omemo_initialized", lambda _: self.initialized.set())
        self.add_event_handler("failed_all_auth", lambda _: self.fail("authentication failed"))
        self.add_event_handler("connection_failed", lambda error: self.fail("connection failed: %s" % error))
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("presence", self.on_presence)
        self.register_handler(Callback("peer messages", MatchXPath("{jabber:client}message"), self.on_message))
        self.decryptor = asyncio.ensure_future(self.decrypt_incoming())

    @property
    def omemo(self):
        return self.plugin["xep_0384"]

    # Connection

    async def on_session_start(self, _):
        if self.transport.get_extra_info("ssl_object") is None:
            self.fail("the stream is not encrypted")
            return
        self.send_presence()
        self.started.set()

    def fail(self, text):
        self.failure = text
        self.started.set()

    def on_disconnected(self, reason):
        if not self.quitting:
            emit("disconnected", reason=str(reason))

    # Waiting for what a handler sees

    def expect(self, kind, key):
        future = asyncio.get_running_loop().create_future()
        self.waiters[(kind, key)] = future
        return future

    def resolve(self, kind, key, value=None, error=None):
        future = self.waiters.pop((kind, key), None)
        if future is not None and not future.done():
            if error is not None:
                future.set_exception(CommandError(error))
            else:
                future.set_result(value)

    # Incoming

    def on_presence(self, presence):
        xml = presence.xml
        sender = presence["from"]
        room = sender.bare
        if room not in self.rooms:
            return
        if presence["type"] == "error":
            self.resolve("self-presence", room, error="%s refused: %s" % (sender, stanza_error(xml)))
            return
        x = xml.find(q(NS_MUC_USER, "x"))
        if x is None:
            return
        item = x.find(q(NS_MUC_USER, "item"))
        real = JID(item.get("jid")).bare if item is not None and item.get("jid") else None
        codes = [int(s.get("code")) for s in x.findall(q(NS_MUC_USER, "status")) if s.get("code")]
        occupants = self.rooms[room]["occupants"]
        kind = "unavailable" if presence["type"] == "unavailable" else "available"
        if kind == "available" and real is not None:
            occupants[sender.resource] = real
        elif kind == "unavailable":
            occupants.pop(sender.resource, None)
        emit("presence", room=room, nick=sender.resource, jid=real, type=kind)
        if 110 in codes:
            self.rooms[room]["nick"] = sender.resource
            self.resolve("self-presence", room, codes)

    def on_message(self, message):
        xml = message.xml
        sender = message["from"]
        if message["type"] == "error":
            self.resolve("reflection", (sender.bare, message["id"]), error="refused: %s" % stanza_error(xml))
            return
        room = self.rooms.get(sender.bare)
        if room is not None and message["type"] == "groupchat" and sender.resource == room["nick"]:
            stanza_id = next((s.get("id") for s in xml.findall(q(NS_SID, "stanza-id")) if s.get("by") == sender.bare),
                             None)
            self.resolve("reflection", (sender.bare, message["id"]), stanza_id)
            return
        encrypted = [e for e in (xml.find(q(NS_TWOMEMO, "encrypted")), xml.find(q(NS_OLDMEMO, "encrypted")))
                     if e is not None]
        if encrypted or xml.find(q("jabber:client", "body")) is not None:
            self.incoming.put_nowait(message)

    async def decrypt_incoming(self):
        """Decrypts the messages in arrival order (a ratchet needs them so) and buffers them."""
        while True:
            message = await self.incoming.get()
            try:
                fields = await self.decrypt(message)
            except Exception as error:  # pylint: disable=broad-exception-caught
                log.exception("decrypting %s", message["id"])
                fields = self.message_fields(message, failure="%s: %s" % (type(error).__name__, error))
            if fields is None:
                continue
            emit("message", **fields)
            async with self.arrived:
                self.received.append(fields)
                self.arrived.notify_all()

    def message_fields(self, message, **extra):
        sender = message["from"]
        room = self.rooms.get(sender.bare)
        body = message.xml.find(q("jabber:client", "body"))
        oob = message.xml.find("%s/%s" % (q(NS_OOB, "x"), q(NS_OOB, "url")))
        fields = {
            "from": str(sender), "type": message["type"], "message_id": message["id"],
            "room": sender.bare if room is not None else None, "nick": sender.resource if room is not None else None,
            "fallback_body": body.text or "" if body is not None else None,
            "body": None, "namespace": None, "sender_jid": None, "sender_device_id": None, "trust": None,
            "failure": None, "oob_url": oob.text or "" if oob is not None else None,
        }
        fields.update(extra)
        return fields

    async def decrypt(self, message):
        """The fields of an incoming message: decrypted (None for an empty OMEMO message), or plain."""
        xml = message.xml
        sender = message["from"]
        room = self.rooms.get(sender.bare)
        two, old = xml.find(q(NS_TWOMEMO, "encrypted")), xml.find(q(NS_OLDMEMO, "encrypted"))
        if two is None and old is None:
            return self.message_fields(message, body=message["body"])
        if room is not None:
            sender_jid = room["occupants"].get(sender.resource)
            if sender_jid is None:
                return self.message_fields(message, failure="no real JID known for %s" % sender)
        else:
            sender_jid = sender.bare
        manager = await self.omemo.get_session_manager()
        if two is not None and NS_TWOMEMO in self.namespaces:
            parsed = twomemo.etree.parse_message(two, sender_jid)
        elif old is not None and NS_OLDMEMO in self.namespaces:
            parsed = await oldmemo.etree.parse_message(old, sender_jid, self.boundjid.bare, manager)
        else:
            spoken = [ns for ns, e in ((NS_TWOMEMO, two), (NS_OLDMEMO, old)) if e is not None]
            return self.message_fields(message, failure="encrypted with %s only, which this peer does not speak"
                                       % ", ".join(spoken))
        plaintext, device, _ = await manager.decrypt(parsed)
        if plaintext is None:
            emit("empty_message", namespace=parsed.namespace, sender_device_id=device.device_id,
                 **{"from": str(sender)})
            return None
        fields = self.message_fields(message, namespace=parsed.namespace, sender_jid=sender_jid,
                                     sender_device_id=device.device_id, trust=device.trust_level_name)
        if parsed.namespace == NS_OLDMEMO:
            fields["body"] = plaintext.decode("utf-8")
        else:
            body, failure = open_envelope(plaintext, sender_jid, sender.bare if room is not None else None)
            fields.update(body=body, failure=failure)
        return fields

    # Commands

    async def run_command(self, command):
        name = command.get("command")
        handler = getattr(self, "cmd_" + str(name), None)
        if handler is None:
            raise CommandError("unknown command %r" % name)
        if name != "connect" and not self.initialized.is_set():
            raise CommandError("%s before connect" % name)
        return await handler(command)

    async def cmd_own_device(self, _):
        manager = await self.omemo.get_session_manager()
        own, _ = await manager.get_own_device_information()
        return {"device_id": own.device_id, "fingerprint": fingerprint(own.identity_key),
                "identity_key": base64.b64encode(own.identity_key).decode(), "namespaces": sorted(own.namespaces)}

    async def cmd_devices(self, c):
        jid = JID(c["jid"]).bare
        await self.refresh_devices([jid])
        manager = await self.omemo.get_session_manager()
        devices = sorted(await manager.get_device_information(jid), key=lambda d: d.device_id)
        return {"devices": [{
            "device_id": d.device_id, "namespaces": sorted(d.namespaces), "active": dict(d.active),
            "fingerprint": fingerprint(d.identity_key), "trust": d.trust_level_name, "label": d.label,
        } for d in devices]}

    async def cmd_trust(self, c):
        return await self.set_trust(c, TrustLevel.TRUSTED)

    async def cmd_distrust(self, c):
        return await self.set_trust(c, TrustLevel.DISTRUSTED)

    async def set_trust(self, c, level):
        jid, device_id = JID(c["jid"]).bare, int(c["device_id"])
        manager = await self.omemo.get_session_manager()
        device = next((d for d in await manager.get_device_information(jid) if d.device_id == device_id), None)
        if device is None:
            await self.refresh_devices([jid])
            device = next((d for d in await manager.get_device_information(jid) if d.device_id == device_id), None)
        if device is None:
            raise CommandError("no device %d of %s" % (device_id, jid))
        await manager.set_trust(jid, device.identity_key, level.value)
        return {"trust": level.value}

    async def cmd_join(self, c):
        room, nick = JID(c["room"]).bare, c["nick"]
        self.rooms.setdefault(room, {"nick": nick, "occupants": {}})
        joined = self.expect("self-presence", room)
        presence = self.make_presence(pto="%s/%s" % (room, nick))
        ET.SubElement(ET.SubElement(presence.xml, q(NS_MUC, "x")), q(NS_MUC, "history"), maxstanzas="0")
        presence.send()
        codes = await joined
        created = 201 in codes
        if created:
            await self.configure_private_room(room, c.get("members") or [])
        return {"nick": self.rooms[room]["nick"], "created": created, "occupants": self.rooms[room]["occupants"]}

    async def configure_private_room(self, room, members):
        """Makes a room we created non-anonymous and members-only (the rooms OMEMO works in), and
        `members` its members."""
        iq = self.make_iq_get(ito=room)
        ET.SubElement(iq.xml, q(NS_MUC_OWNER, "query"))
        form = (await self.send_iq(iq)).xml.find("%s/%s" % (q(NS_MUC_OWNER, "query"), q(NS_DATA, "x")))
        if form is None:
            raise CommandError("%s sent no configuration form" % room)
        wanted = {"muc#roomconfig_whois": "anyone", "muc#roomconfig_membersonly": "1",
                  "muc#roomconfig_persistentroom": "1"}
        submit = self.make_iq_set(ito=room)
        x = ET.SubElement(ET.SubElement(submit.xml, q(NS_MUC_OWNER, "query")), q(NS_DATA, "x"), type="submit")
        for field in form.findall(q(NS_DATA, "field")):
            var = field.get("var")
            if var is None or field.get("type") == "fixed":
                continue
            values = [wanted[var]] if var in wanted else [v.text or "" for v in field.findall(q(NS_DATA, "value"))]
            copy = ET.SubElement(x, q(NS_DATA, "field"), var=var)
            for value in values:
                ET.SubElement(copy, q(NS_DATA, "value")).text = value
        await self.send_iq(submit)
        for member in members:
            # One item per request: Prosody 0.12 reads only the first item of an admin query.
            iq = self.make_iq_set(ito=room)
            query = ET.SubElement(iq.xml, q(NS_MUC_ADMIN, "query"))
            ET.SubElement(query, q(NS_MUC_ADMIN, "item"), jid=JID(member).bare, affiliation="member")
            await self.send_iq(iq)

    async def cmd_send(self, c):
        to = JID(c["to"]).bare
        room = self.rooms.get(to)
        recipients = sorted(set(room["occupants"].values()) - {self.boundjid.bare}) if room is not None else [to]
        if not recipients:
            raise CommandError("nobody else is in %s" % to)
        await self.refresh_devices(recipients)
        manager = await self.omemo.get_session_manager()
        plaintexts = {NS_TWOMEMO: make_envelope(c["body"], self.boundjid.bare, to),
                      NS_OLDMEMO: c["body"].encode("utf-8")}
        messages, errors = await manager.encrypt(
            frozenset(recipients), {ns: plaintexts[ns] for ns in self.namespaces},
            backend_priority_order=self.namespaces)
        stanza = self.make_message(mto=to, mtype="groupchat" if room is not None else "chat", mbody=FALLBACK_BODY)
        stanza["id"] = uuid.uuid4().hex[:12]
        stanza.enable("store")
        for message in messages:
            serialize = twomemo.etree.serialize_message if message.namespace == NS_TWOMEMO else \
                oldmemo.etree.serialize_message
            stanza.append(serialize(message))
        namespaces = sorted(message.namespace for message in messages)
        ET.SubElement(stanza.xml, q(NS_EME, "encryption"), namespace=namespaces[0], name="OMEMO")
        reflected = self.expect("reflection", (to, stanza["id"])) if room is not None else None
        stanza.send()
        reply = {"message_id": stanza["id"], "namespaces": namespaces, "errors": sorted(str(e) for e in errors)}
        if reflected is not None:
            reply["stanza_id"] = await reflected
        return reply

    async def cmd_expect_message(self, c):
        wanted, nick = JID(c["from"]).bare, c.get("nick")

        def match(fields):
            sender = JID(fields["from"])
            return sender.bare == wanted and (nick is None or sender.resource == nick)

        async with self.arrived:
            await self.arrived.wait_for(lambda: any(match(fields) for fields in self.received))
            fields = next(fields for fields in self.received if match(fields))
            self.received.remove(fields)
        return fields

    # Helpers

    async def refresh_devices(self, jids):
        """Downloads the device lists of these JIDs (of our versions), so that a send or a trust
        decision sees their newest devices; a JID without a list of one version has none there."""
        manager = await self.omemo.get_session_manager()
        for jid in jids:
            for namespace in self.namespaces:
                try:
                    await manager.refresh_device_list(namespace, jid)
                except Exception as error:  # pylint: disable=broad-exception-caught
                    log.info("no %s device list of %s: %s", namespace, jid, error)

    async def send_iq(self, iq):
        try:
            return await iq.send(timeout=DEFAULT_TIMEOUT)
        except IqError as error:
            raise CommandError("%s answered %s" % (iq["to"], stanza_error(error.iq.xml)))
        except IqTimeout:
            raise CommandError("%s did not answer" % iq["to"])


def make_envelope(body, sender, to):
    """XEP-0384's SCE profile of an XEP-0420 envelope: the body, random padding, from and to."""
    envelope = ET.Element(q(NS_SCE, "envelope"))
    ET.SubElement(ET.SubElement(envelope, q(NS_SCE, "content")), q("jabber:client", "body")).text = body
    ET.SubElement(envelope, q(NS_SCE, "rpad")).text = secrets.token_urlsafe(secrets.randbelow(150) + 1)
    ET.SubElement(envelope, q(NS_SCE, "from"), jid=sender)
    ET.SubElement(envelope, q(NS_SCE, "to"), jid=to)
    return ET.tostring(envelope, encoding="utf-8")


def open_envelope(plaintext, sender, room):
    """The body of a decrypted XEP-0420 envelope and why it is refused, if it is: an envelope that
    is not XML, names another sender, or a room message whose envelope is not addressed to the room."""
    try:
        envelope = ET.fromstring(plaintext)
    except ET.ParseError as error:
        return None, "the envelope is not XML: %s" % error
    if envelope.tag != q(NS_SCE, "envelope"):
        return None, "the payload is %s, not an SCE envelope" % envelope.tag
    affix_from = envelope.find(q(NS_SCE, "from"))
    if affix_from is not None and JID(affix_from.get("jid", "")).bare != sender:
        return None, "the envelope is from %s, the stanza from %s" % (affix_from.get("jid"), sender)
    affix_to = envelope.find(q(NS_SCE, "to"))
    if room is not None and (affix_to is None or JID(affix_to.get("jid", "")).bare != room):
        return None, "a room message whose envelope is not addressed to %s" % room
    body = envelope.find("%s/%s" % (q(NS_SCE, "content"), q("jabber:client", "body")))
    return (body.text or "" if body is not None else None), None


class Driver:
    """Runs commands against the one client a connect command makes."""

    def __init__(self, namespaces):
        self.namespaces = namespaces
        self.peer = None

    async def run(self, command):
        if command.get("command") == "connect":
            return await self.connect(command)
        if self.peer is None:
            raise CommandError("%s before connect" % command.get("command"))
        return await self.peer.run_command(command)

    async def connect(self, c):
        if self.peer is not None:
            raise CommandError("already connected")
        self.peer = Peer(c["jid"], c["password"], c["ca_file"], self.namespaces)
        self.peer.connect(c.get("host", "127.0.0.1"), int(c.get("port", 5222)))
        await self.peer.started.wait()
        if self.peer.failure is not None:
            raise CommandError(self.peer.failure)
        await self.peer.initialized.wait()
        emit("connected", jid=str(self.peer.boundjid))
        own = await self.peer.cmd_own_device({})
        return {"jid": str(self.peer.boundjid), "device_id": own["device_id"], "fingerprint": own["fingerprint"]}


async def serve(driver):
    """Reads commands from stdin until quit or EOF; each runs concurrently, bounded by its timeout."""
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks = set()
    while True:
        line = (await reader.readline())
        if not line:
            break
        if not line.strip():
            continue
        try:
            command = json.loads(line)
        except ValueError as error:
            emit("error", text="not JSON: %s" % error)
            continue
        if command.get("command") == "quit":
            emit("done", id=command.get("id"))
            break
        task = asyncio.ensure_future(answer(driver, command))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    for task in tasks:
        task.cancel()
    if driver.peer is not None:
        driver.peer.quitting = True
        driver.peer.disconnect(wait=2)
        await asyncio.sleep(0.5)


async def answer(driver, command):
    """Runs one command and prints its one reply."""
    identifier = command.get("id")
    timeout = float(command.get("timeout", DEFAULT_TIMEOUT))
    try:
        extra = await asyncio.wait_for(driver.run(command), timeout)
        emit("done", id=identifier, **(extra or {}))
    except asyncio.TimeoutError:
        emit("error", id=identifier, text="%s timed out after %g s" % (command.get("command"), timeout))
    except CommandError as error:
        emit("error", id=identifier, text=str(error))
    except (KeyError, ValueError, TypeError) as error:
        emit("error", id=identifier, text="bad %s command: %r" % (command.get("command"), error))
    except Exception as error:  # pylint: disable=broad-exception-caught
        log.exception("%s failed", command.get("command"))
        emit("error", id=identifier, text="%s failed: %s: %s" % (command.get("command"), type(error).__name__, error))
    finally:
        if driver.peer is not None:
            for key, future in list(driver.peer.waiters.items()):
                if future.done():
                    driver.peer.waiters.pop(key, None)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", choices=sorted(VERSIONS), default="both")
    parser.add_argument("--debug", action="store_true", help="log every stanza to stderr")
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if arguments.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    await serve(Driver(VERSIONS[arguments.versions]))


if __name__ == "__main__":
    asyncio.run(main())
