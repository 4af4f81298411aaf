#!/usr/bin/env python3
"""A group-chat peer for Tern's integration tests: an independent XMPP client (slixmpp) that
Swift tests drive as another room occupant (Sources/TestSupport/RoomPeer.swift).

It logs in with STARTTLS, trusting only the test server's certificate (--ca-file) and checking it
against the account's domain, then reads commands as JSON lines on stdin and prints events as
JSON lines on stdout, one per line, flushed at once. Logs go to stderr.

    muc_peer.py --jid bob@localhost --password S --host 127.0.0.1 --port 5222 --ca-file cert.pem

Every command may carry an "id" and a "timeout" (seconds, default 10). Its outcome is exactly
one reply, within the timeout: {"event": "done", "id": ...} (with extra fields for some
commands) or {"event": "error", "id": ..., "text": ...}. Commands:

    join {room, nick, password?, maxhistory?, unlock?}
                                                done after our own presence; a room we created
                                                (status 201) is unlocked with the instant-room form
                                                unless unlock is false
    leave {room}                                done after our own unavailable presence
    say {room, body, origin_id?}                done when the room reflects it: {stanza_id, stanza_id_by}
    say_many {room, count, prefix}              "prefix 1" .. "prefix N", sent at once; done when all
                                                are reflected
    pm {room, nick, body}                       a private message to an occupant
    chat {to, body}                             a 1:1 message
    nick {room, nick}                           done when the room confirms the new nick
    subject {room, text}                        done when the room reflects it
    kick {room, nick, reason?}                  role none
    ban {room, jid, reason?}                    affiliation outcast
    role {room, nick, role, reason?}
    affiliation {room, jid, affiliation, reason?}
    invite {room, jid, reason?, password?, mediated}   mediated (XEP-0045) or direct (XEP-0249)
    configure {room, fields: {var: value}}      owner form: fetch, change these fields, submit
    mam {archive, max?}                         query a whole archive (RSM pages of 100): an
                                                "archived" event each, then done {count, complete}
    disco_info {jid}                            done {features: [...], identities: [[category, type, name]]}
    bookmark {room, storage, autojoin?, name?, nick?}
                                                adds or replaces our account's bookmark of a room:
                                                storage "pep" publishes it (XEP-0402, with its
                                                publish-options), "private" rewrites XEP-0048
                                                private storage (read, change, write)
    unbookmark {room, storage}                  removes it (XEP-0402 retract with notify, or private storage)
    bookmarks {storage}                         done {bookmarks: [{room, name?, autojoin, nick?}]}
    react {to, message_id, reactions, type?}    XEP-0444 (slixmpp's xep_0444): our whole set of reactions to
                                                the message (a room's stanza-id in a room)
    retract {to, message_id, type?}             XEP-0424 (slixmpp's xep_0424), with its fallback body
    reply {to, reply_to, reply_id, body, quote?, quoted_nick?, type?}
                                                XEP-0461 (slixmpp's xep_0461), quoting `quote` as fallback
    raw {xml}                                   send a stanza as written (for hostile-input tests)
    quit                                        done, then disconnect and exit (so does EOF on stdin)

Events: connected {jid}; joined {room, nick, codes, created, instant_room}; presence {room,
nick, type, role, affiliation, jid?, codes, occupant_id?, new_nick?, reason?, actor?};
message {type, from, room?, nick?, body, id, origin_id?, stanza_id?, stanza_id_by?, stanza_ids,
occupant_id?, delay?, delay_from?, reactions_to?, reactions?, retracts?, reply_id?, reply_to?} (also
for a message without body that carries reactions); subject {room, nick, text}; invitation {room, from, reason,
password?, mediated}; decline {room, from, reason}; archived {archive, queryid, result_id, from, nick?, body, id, origin_id?,
occupant_id?, delay?, subject?}; message_error {from, id, condition}; disconnected {reason}.
"""
import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import uuid
import xml.etree.ElementTree as ET

from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = NS_MUC + "#user"
NS_MUC_ADMIN = NS_MUC + "#admin"
NS_MUC_OWNER = NS_MUC + "#owner"
NS_SID = "urn:xmpp:sid:0"
NS_OCCUPANT_ID = "urn:xmpp:occupant-id:0"
NS_DELAY = "urn:xmpp:delay"
NS_CONFERENCE = "jabber:x:conference"
NS_MAM = "urn:xmpp:mam:2"
NS_RSM = "http://jabber.org/protocol/rsm"
NS_FORWARD = "urn:xmpp:forward:0"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_BOOKMARKS = "urn:xmpp:bookmarks:1"
NS_PRIVATE = "jabber:iq:private"
NS_STORAGE_BOOKMARKS = "storage:bookmarks"
NS_REACTIONS = "urn:xmpp:reactions:0"
NS_RETRACT = "urn:xmpp:message-retract:1"
NS_REPLY = "urn:xmpp:reply:0"
# XEP-0402 §3.3: the node configuration every bookmark publish asks for.
BOOKMARK_PUBLISH_OPTIONS = [
    ("pubsub#persist_items", "true"), ("pubsub#max_items", "max"),
    ("pubsub#send_last_published_item", "never"), ("pubsub#access_model", "whitelist"),
]

DEFAULT_TIMEOUT = 10.0
log = logging.getLogger("muc_peer")


def emit(event, **fields):
    """Prints one event as a JSON line (None fields left out) and flushes it."""
    record = {"event": event}
    record.update({key: value for key, value in fields.items() if value is not None})
    try:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Whoever drove us is gone: so are we, at once.
        os._exit(1)


def q(namespace, name):
    """An ElementTree qualified name."""
    return "{%s}%s" % (namespace, name)


def stanza_error(xml):
    """The defined condition of a stanza's <error/>, with its text if any."""
    error = xml.find(q("jabber:client", "error"))
    if error is None:
        return "unknown error"
    conditions = [child.tag.split("}")[1] for child in error if child.tag.startswith("{%s}" % NS_STANZAS)]
    condition = next((name for name in conditions if name != "text"), "?")
    text = error.find(q(NS_STANZAS, "text"))
    return condition + (": " + text.text if text is not None and text.text else "")


class CommandError(Exception):
    """A command that failed; its text is the error reply's."""


class Peer(ClientXMPP):
    def __init__(self, jid, password, ca_file):
        super().__init__(jid, password)
        for plugin in [
            "xep_0030", "xep_0004", "xep_0045", "xep_0199", "xep_0249", "xep_0359", "xep_0424", "xep_0428",
            "xep_0444", "xep_0461",
        ]:
            self.register_plugin(plugin)
        # STARTTLS only, verified against the account's domain with the test certificate alone.
        self.enable_direct_tls = False
        self.enable_plaintext = False
        self.ssl_context = ssl.create_default_context(cafile=ca_file)
        self.ssl_context.check_hostname = True
        self.ssl_context.verify_mode = ssl.CERT_REQUIRED
        self.started = asyncio.Event()
        self.nicks = {}  # room bare JID -> our nick there
        # Futures that handlers resolve: (kind, key) -> future, where kind is "self-available" or
        # "self-unavailable" (key: the room), "reflection" (key: (room, message id)) or "subject".
        self.waiters = {}
        self.mam_queries = {}  # queryid -> archive JID whose results we accept
        self.mam_counts = {}  # queryid -> results accepted so far
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_all_auth", lambda _: self.fail("authentication failed"))
        self.add_event_handler("connection_failed", lambda error: self.fail("connection failed: %s" % error))
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("presence", self.on_presence)
        # Every message, not only those with a body (slixmpp's "message" event): subjects, MAM
        # results and invitations may have none.
        self.register_handler(Callback("peer messages", MatchXPath("{jabber:client}message"), self.on_message))
        self.quitting = False

    # Connection

    async def on_session_start(self, _):
        if self.transport.get_extra_info("ssl_object") is None:
            self.fail("the stream is not encrypted")
            return
        self.send_presence()
        emit("connected", jid=str(self.boundjid))
        self.started.set()

    def fail(self, text):
        emit("error", text=text)
        self.quitting = True
        self.loop.call_soon(sys.exit, 1)

    def on_disconnected(self, reason):
        if not self.quitting:
            emit("disconnected", reason=str(reason))
            self.quitting = True
            self.loop.call_soon(sys.exit, 1)

    # Waiting for what a handler sees

    def expect(self, kind, key):
        future = self.loop.create_future()
        self.waiters[(kind, key)] = future
        return future

    def resolve(self, kind, key, value=None, error=None):
        future = self.waiters.pop((kind, key), None)
        if future is not None and not future.done():
            if error is not None:
                future.set_exception(CommandError(error))
            else:
                future.set_result(value)

    # Incoming presence

    def on_presence(self, presence):
        xml = presence.xml
        sender = presence["from"]
        room = sender.bare
        if presence["type"] == "error":
            # A refused join or nick change: whoever waits on this room's self-presence hears why.
            error = "%s refused: %s" % (sender, stanza_error(xml))
            self.resolve("self-available", room, error=error)
            self.resolve("self-unavailable", room, error=error)
            return
        x = xml.find(q(NS_MUC_USER, "x"))
        if x is None:
            return
        item = x.find(q(NS_MUC_USER, "item"))
        item = item if item is not None else ET.Element("item")
        codes = sorted(int(status.get("code")) for status in x.findall(q(NS_MUC_USER, "status")) if status.get("code"))
        occupant = xml.find(q(NS_OCCUPANT_ID, "occupant-id"))
        reason = item.find(q(NS_MUC_USER, "reason"))
        actor = item.find(q(NS_MUC_USER, "actor"))
        kind = "unavailable" if presence["type"] == "unavailable" else "available"
        emit(
            "presence", room=room, nick=sender.resource, type=kind, role=item.get("role"),
            affiliation=item.get("affiliation"), jid=item.get("jid"), codes=codes,
            occupant_id=occupant.get("id") if occupant is not None else None,
            new_nick=item.get("nick") if 303 in codes else None,
            reason=reason.text if reason is not None else None,
            actor=(actor.get("nick") or actor.get("jid")) if actor is not None else None)
        if 110 in codes:
            if kind == "available":
                self.nicks[room] = sender.resource
            elif 303 not in codes:
                self.nicks.pop(room, None)
            self.resolve("self-" + kind, room, (sender.resource, codes))

    # Incoming messages

    def on_message(self, message):
        xml = message.xml
        sender = message["from"]
        result = xml.find(q(NS_MAM, "result"))
        if result is not None:
            self.on_archived(sender, result)
            return
        if message["type"] == "error":
            error = stanza_error(xml)
            emit("message_error", **{"from": str(sender), "id": message["id"], "condition": error})
            self.resolve("reflection", (sender.bare, message["id"]), error="%s refused it: %s" % (sender, error))
            self.resolve("subject", sender.bare, error="%s refused it: %s" % (sender, error))
            return
        if self.on_invitation(sender, xml):
            return
        body = xml.find(q("jabber:client", "body"))
        subject = xml.find(q("jabber:client", "subject"))
        groupchat = message["type"] == "groupchat"
        if groupchat and subject is not None and body is None:
            text = subject.text or ""
            emit("subject", room=sender.bare, nick=sender.resource, text=text)
            if sender.resource == self.nicks.get(sender.bare):
                self.resolve("subject", sender.bare, text)
            return
        if body is None and xml.find(q(NS_REACTIONS, "reactions")) is None:
            return
        fields = message_fields(xml, sender, room_message=groupchat or xml.find(q(NS_MUC_USER, "x")) is not None)
        emit("message", **fields)
        if groupchat and sender.resource == self.nicks.get(sender.bare):
            self.resolve("reflection", (sender.bare, message["id"]), fields)

    def on_invitation(self, sender, xml):
        """Emits a mediated (XEP-0045) or direct (XEP-0249) invitation, or a decline a room relays
        (XEP-0045 §7.8.2); True if it was one."""
        decline = xml.find(q(NS_MUC_USER, "x") + "/" + q(NS_MUC_USER, "decline"))
        if decline is not None:
            reason = decline.find(q(NS_MUC_USER, "reason"))
            emit("decline", room=sender.bare, reason=reason.text if reason is not None else "",
                 **{"from": decline.get("from")})
            return True
        invite = xml.find(q(NS_MUC_USER, "x") + "/" + q(NS_MUC_USER, "invite"))
        if invite is not None:
            reason = invite.find(q(NS_MUC_USER, "reason"))
            password = xml.find(q(NS_MUC_USER, "x") + "/" + q(NS_MUC_USER, "password"))
            emit("invitation", room=sender.bare, mediated=True, reason=reason.text if reason is not None else "",
                 password=password.text if password is not None else None, **{"from": invite.get("from")})
            return True
        direct = xml.find(q(NS_CONFERENCE, "x"))
        if direct is not None:
            emit("invitation", room=direct.get("jid"), mediated=False, reason=direct.get("reason") or "",
                 password=direct.get("password"), **{"from": str(sender)})
            return True
        return False

    def on_archived(self, sender, result):
        """One MAM result: accepted only for a query we sent, from the archive we asked."""
        queryid = result.get("queryid")
        archive = self.mam_queries.get(queryid)
        if archive is None or (sender.bare or self.boundjid.bare) != archive:
            log.warning("ignoring a MAM result from %s for query %s", sender, queryid)
            return
        forwarded = result.find(q(NS_FORWARD, "forwarded"))
        inner = forwarded.find(q("jabber:client", "message")) if forwarded is not None else None
        if inner is None:
            return
        delay = forwarded.find(q(NS_DELAY, "delay"))
        original = JID(inner.get("from", ""))
        fields = message_fields(inner, original, room_message=inner.get("type") == "groupchat")
        fields["delay"] = delay.get("stamp") if delay is not None else None
        self.mam_counts[queryid] = self.mam_counts.get(queryid, 0) + 1
        emit("archived", archive=archive, queryid=queryid, result_id=result.get("id"), **fields)

    # Commands

    async def run_command(self, command):
        name = command.get("command") or command.get("cmd")
        handler = getattr(self, "cmd_" + str(name), None)
        if handler is None:
            raise CommandError("unknown command %r" % name)
        return await handler(command)

    async def cmd_join(self, c):
        room, nick = c["room"], c["nick"]
        join = self.make_presence(pto="%s/%s" % (room, nick))
        x = ET.SubElement(join.xml, q(NS_MUC, "x"))
        if c.get("password") is not None:
            ET.SubElement(x, q(NS_MUC, "password")).text = c["password"]
        if c.get("maxhistory") is not None:
            ET.SubElement(x, q(NS_MUC, "history"), maxstanzas=str(c["maxhistory"]))
        arrived = self.expect("self-available", room)
        join.send()
        nick, codes = await arrived
        created = 201 in codes
        if created and c.get("unlock", True):
            # A new room stays locked until its owner configures it: accept the defaults.
            iq = self.make_iq_set(ito=room)
            query = ET.SubElement(iq.xml, q(NS_MUC_OWNER, "query"))
            ET.SubElement(query, q(NS_DATA, "x"), type="submit")
            await self.send_iq(iq)
        instant = created and c.get("unlock", True)
        emit("joined", room=room, nick=nick, codes=codes, created=created, instant_room=instant)
        return {"nick": nick, "codes": codes, "created": created}

    async def cmd_leave(self, c):
        room = c["room"]
        nick = self.nicks.get(room)
        if nick is None:
            raise CommandError("not in %s" % room)
        gone = self.expect("self-unavailable", room)
        self.make_presence(pto="%s/%s" % (room, nick), ptype="unavailable").send()
        await gone
        return {}

    async def cmd_say(self, c):
        room = c["room"]
        message_id = c.get("origin_id") or self.new_id()
        reflected = self.expect("reflection", (room, message_id))
        self.send_groupchat(room, c["body"], message_id, c.get("origin_id"))
        fields = await reflected
        return {"stanza_id": fields.get("stanza_id"), "stanza_id_by": fields.get("stanza_id_by")}

    async def cmd_say_many(self, c):
        room, count, prefix = c["room"], int(c["count"]), c.get("prefix", "message")
        batch = self.new_id()
        reflections = []
        for number in range(1, count + 1):
            message_id = "%s-%d" % (batch, number)
            reflections.append(self.expect("reflection", (room, message_id)))
            self.send_groupchat(room, "%s %d" % (prefix, number), message_id, None)
        await asyncio.gather(*reflections)
        return {"count": count}

    async def cmd_pm(self, c):
        message = self.make_message(mto="%s/%s" % (c["room"], c["nick"]), mbody=c["body"], mtype="chat")
        message["id"] = c.get("message_id") or self.new_id()
        ET.SubElement(message.xml, q(NS_MUC_USER, "x"))
        message.send()
        return {"message_id": message["id"]}

    async def cmd_chat(self, c):
        message = self.make_message(mto=c["to"], mbody=c["body"], mtype="chat")
        message["id"] = c.get("message_id") or self.new_id()
        message.send()
        return {"message_id": message["id"]}

    async def cmd_nick(self, c):
        room, nick = c["room"], c["nick"]
        if room not in self.nicks:
            raise CommandError("not in %s" % room)
        # The room sends our old nick's unavailable (303) first, then the new nick's presence.
        arrived = self.expect("self-available", room)
        self.make_presence(pto="%s/%s" % (room, nick)).send()
        seen, _ = await arrived
        return {"nick": seen}

    async def cmd_subject(self, c):
        room = c["room"]
        reflected = self.expect("subject", room)
        message = self.make_message(mto=room, mtype="groupchat")
        ET.SubElement(message.xml, q("jabber:client", "subject")).text = c["text"]
        message.send()
        await reflected
        return {}

    async def cmd_kick(self, c):
        await self.admin(c["room"], {"nick": c["nick"], "role": "none"}, c.get("reason"))
        return {}

    async def cmd_ban(self, c):
        await self.admin(c["room"], {"jid": c["jid"], "affiliation": "outcast"}, c.get("reason"))
        return {}

    async def cmd_role(self, c):
        await self.admin(c["room"], {"nick": c["nick"], "role": c["role"]}, c.get("reason"))
        return {}

    async def cmd_affiliation(self, c):
        await self.admin(c["room"], {"jid": c["jid"], "affiliation": c["affiliation"]}, c.get("reason"))
        return {}

    async def cmd_invite(self, c):
        room, invitee, reason = c["room"], c["jid"], c.get("reason") or ""
        if c.get("mediated", True):
            message = self.make_message(mto=room)
            x = ET.SubElement(message.xml, q(NS_MUC_USER, "x"))
            invite = ET.SubElement(x, q(NS_MUC_USER, "invite"), to=invitee)
            if reason:
                ET.SubElement(invite, q(NS_MUC_USER, "reason")).text = reason
            if c.get("password") is not None:
                ET.SubElement(x, q(NS_MUC_USER, "password")).text = c["password"]
        else:
            message = self.make_message(mto=invitee)
            attributes = {"jid": room}
            if reason:
                attributes["reason"] = reason
            if c.get("password") is not None:
                attributes["password"] = c["password"]
            ET.SubElement(message.xml, q(NS_CONFERENCE, "x"), **attributes)
        message.send()
        return {}

    async def cmd_configure(self, c):
        room, changes = c["room"], c.get("fields", {})
        iq = self.make_iq_get(ito=room)
        ET.SubElement(iq.xml, q(NS_MUC_OWNER, "query"))
        form = (await self.send_iq(iq)).xml.find(q(NS_MUC_OWNER, "query") + "/" + q(NS_DATA, "x"))
        if form is None:
            raise CommandError("%s sent no configuration form" % room)
        # Submit every field the form has, with its current value unless we change it.
        submit = self.make_iq_set(ito=room)
        x = ET.SubElement(ET.SubElement(submit.xml, q(NS_MUC_OWNER, "query")), q(NS_DATA, "x"), type="submit")
        known = set()
        for field in form.findall(q(NS_DATA, "field")):
            var = field.get("var")
            if not var or field.get("type") == "fixed":
                continue
            known.add(var)
            values = [value.text or "" for value in field.findall(q(NS_DATA, "value"))]
            if var in changes:
                values = form_values(changes[var])
            out = ET.SubElement(x, q(NS_DATA, "field"), var=var)
            for value in values:
                ET.SubElement(out, q(NS_DATA, "value")).text = value
        unknown = sorted(set(changes) - known)
        if unknown:
            raise CommandError("the form of %s has no field %s (it has %s)" % (room, unknown, sorted(known)))
        await self.send_iq(submit)
        return {}

    async def cmd_mam(self, c):
        archive, limit = c.get("archive") or c.get("room"), c.get("max")
        count, after, complete = 0, None, False
        while limit is None or count < int(limit):
            queryid = self.new_id()
            self.mam_queries[queryid] = archive
            iq = self.make_iq_set(ito=archive)
            query = ET.SubElement(iq.xml, q(NS_MAM, "query"), queryid=queryid)
            rsm = ET.SubElement(query, q(NS_RSM, "set"))
            page = 100 if limit is None else min(100, int(limit) - count)
            ET.SubElement(rsm, q(NS_RSM, "max")).text = str(page)
            if after is not None:
                ET.SubElement(rsm, q(NS_RSM, "after")).text = after
            try:
                fin = (await self.send_iq(iq)).xml.find(q(NS_MAM, "fin"))
            finally:
                self.mam_queries.pop(queryid, None)
            if fin is None:
                raise CommandError("%s answered the query without <fin/>" % archive)
            last = fin.find(q(NS_RSM, "set") + "/" + q(NS_RSM, "last"))
            complete = fin.get("complete") in ("true", "1")
            page_count = self.mam_counts.pop(queryid, 0)
            count += page_count
            if complete or last is None or page_count == 0:
                break
            after = last.text
        return {"count": count, "complete": complete}

    async def cmd_disco_info(self, c):
        info = await self.plugin["xep_0030"].get_info(jid=c["jid"], cached=False, timeout=DEFAULT_TIMEOUT)
        return {
            "features": sorted(info["disco_info"]["features"]),
            # slixmpp's tuples are (category, type, lang, name).
            "identities": [[identity[0], identity[1], identity[3]] for identity in info["disco_info"]["identities"]],
        }

    async def cmd_bookmark(self, c):
        room = c["room"]
        if c["storage"] == "pep":
            iq = self.make_iq_set()
            pubsub = ET.SubElement(iq.xml, q(NS_PUBSUB, "pubsub"))
            publish = ET.SubElement(pubsub, q(NS_PUBSUB, "publish"), node=NS_BOOKMARKS)
            item = ET.SubElement(publish, q(NS_PUBSUB, "item"), id=room)
            item.append(bookmark_element(NS_BOOKMARKS, c))
            form = ET.SubElement(ET.SubElement(pubsub, q(NS_PUBSUB, "publish-options")), q(NS_DATA, "x"), type="submit")
            form_type = ET.SubElement(form, q(NS_DATA, "field"), var="FORM_TYPE", type="hidden")
            ET.SubElement(form_type, q(NS_DATA, "value")).text = NS_PUBSUB + "#publish-options"
            for var, value in BOOKMARK_PUBLISH_OPTIONS:
                ET.SubElement(ET.SubElement(form, q(NS_DATA, "field"), var=var), q(NS_DATA, "value")).text = value
            await self.send_iq(iq)
        else:
            storage = await self.private_bookmarks()
            for old in [e for e in storage if e.tag == q(NS_STORAGE_BOOKMARKS, "conference") and e.get("jid") == room]:
                storage.remove(old)
            conference = bookmark_element(NS_STORAGE_BOOKMARKS, c)
            conference.set("jid", room)
            storage.append(conference)
            await self.store_private(storage)
        return {}

    async def cmd_unbookmark(self, c):
        room = c["room"]
        if c["storage"] == "pep":
            iq = self.make_iq_set()
            retract = ET.SubElement(ET.SubElement(iq.xml, q(NS_PUBSUB, "pubsub")), q(NS_PUBSUB, "retract"),
                                    node=NS_BOOKMARKS, notify="true")
            ET.SubElement(retract, q(NS_PUBSUB, "item"), id=room)
            await self.send_iq(iq)
        else:
            storage = await self.private_bookmarks()
            for old in [e for e in storage if e.tag == q(NS_STORAGE_BOOKMARKS, "conference") and e.get("jid") == room]:
                storage.remove(old)
            await self.store_private(storage)
        return {}

    async def cmd_bookmarks(self, c):
        found = []
        if c["storage"] == "pep":
            iq = self.make_iq_get()
            ET.SubElement(ET.SubElement(iq.xml, q(NS_PUBSUB, "pubsub")), q(NS_PUBSUB, "items"), node=NS_BOOKMARKS)
            try:
                items = (await iq.send(timeout=DEFAULT_TIMEOUT)).xml.findall(
                    "%s/%s/%s" % (q(NS_PUBSUB, "pubsub"), q(NS_PUBSUB, "items"), q(NS_PUBSUB, "item")))
            except IqError as error:
                if "item-not-found" not in stanza_error(error.iq.xml):
                    raise CommandError("the bookmarks node answered %s" % stanza_error(error.iq.xml))
                items = []
            for item in items:
                conference = item.find(q(NS_BOOKMARKS, "conference"))
                if conference is not None:
                    found.append(bookmark_fields(item.get("id"), conference, NS_BOOKMARKS))
        else:
            for conference in (await self.private_bookmarks()).findall(q(NS_STORAGE_BOOKMARKS, "conference")):
                found.append(bookmark_fields(conference.get("jid"), conference, NS_STORAGE_BOOKMARKS))
        return {"bookmarks": found}

    async def private_bookmarks(self):
        """Our XEP-0048 storage element from private storage (a new, empty one if there is none)."""
        iq = self.make_iq_get()
        ET.SubElement(ET.SubElement(iq.xml, q(NS_PRIVATE, "query")), q(NS_STORAGE_BOOKMARKS, "storage"))
        storage = (await self.send_iq(iq)).xml.find("%s/%s" % (q(NS_PRIVATE, "query"), q(NS_STORAGE_BOOKMARKS, "storage")))
        return storage if storage is not None else ET.Element(q(NS_STORAGE_BOOKMARKS, "storage"))

    async def store_private(self, storage):
        iq = self.make_iq_set()
        ET.SubElement(iq.xml, q(NS_PRIVATE, "query")).append(storage)
        await self.send_iq(iq)

    async def cmd_react(self, c):
        message = self.make_message(mto=c["to"], mtype=c.get("type", "chat"))
        self.plugin["xep_0444"].set_reactions(message, c["message_id"], c["reactions"])
        message.enable("store")
        message.send()
        return {}

    async def cmd_retract(self, c):
        self.plugin["xep_0424"].send_retraction(JID(c["to"]), c["message_id"], mtype=c.get("type", "chat"))
        return {}

    async def cmd_reply(self, c):
        message = self.plugin["xep_0461"].make_reply(
            c["reply_to"], c["reply_id"], c.get("quote"), c.get("quoted_nick"), mto=c["to"], mbody=c["body"],
            mtype=c.get("type", "chat"))
        message["id"] = self.new_id()
        message.send()
        return {"message_id": message["id"]}

    async def cmd_raw(self, c):
        self.send_raw(c["xml"])
        return {}

    # Helpers

    def new_id(self):
        return uuid.uuid4().hex[:12]

    def send_groupchat(self, room, body, message_id, origin_id):
        message = self.make_message(mto=room, mbody=body, mtype="groupchat")
        message["id"] = message_id
        if origin_id is not None:
            ET.SubElement(message.xml, q(NS_SID, "origin-id"), id=origin_id)
        message.send()

    async def admin(self, room, attributes, reason):
        """A muc#admin item set (role or affiliation change), waiting for the result."""
        iq = self.make_iq_set(ito=room)
        item = ET.SubElement(ET.SubElement(iq.xml, q(NS_MUC_ADMIN, "query")), q(NS_MUC_ADMIN, "item"), **attributes)
        if reason:
            ET.SubElement(item, q(NS_MUC_ADMIN, "reason")).text = reason
        await self.send_iq(iq)

    async def send_iq(self, iq):
        try:
            return await iq.send(timeout=DEFAULT_TIMEOUT)
        except IqError as error:
            raise CommandError("%s answered %s" % (iq["to"], stanza_error(error.iq.xml)))
        except IqTimeout:
            raise CommandError("%s did not answer" % iq["to"])


def message_fields(xml, sender, room_message):
    """The event fields of a message element: ids, occupant id, delay."""
    room = sender.bare if room_message else None
    stanza_ids = [{"id": s.get("id"), "by": s.get("by")} for s in xml.findall(q(NS_SID, "stanza-id"))]
    # The stanza-id that counts is the one the archive (the room, or our own server) added.
    chosen = next((s for s in stanza_ids if room is not None and s["by"] == room), None)
    chosen = chosen or (stanza_ids[0] if stanza_ids else {})
    origin = xml.find(q(NS_SID, "origin-id"))
    occupant = xml.find(q(NS_OCCUPANT_ID, "occupant-id"))
    delay = xml.find(q(NS_DELAY, "delay"))
    body = xml.find(q("jabber:client", "body"))
    subject = xml.find(q("jabber:client", "subject"))
    return {
        "type": xml.get("type", "normal"), "from": str(sender), "room": room,
        "nick": sender.resource if room_message else None, "body": body.text or "" if body is not None else None,
        "subject": subject.text or "" if subject is not None else None,
        "id": xml.get("id"), "origin_id": origin.get("id") if origin is not None else None,
        "stanza_id": chosen.get("id"), "stanza_id_by": chosen.get("by"), "stanza_ids": stanza_ids,
        "occupant_id": occupant.get("id") if occupant is not None else None,
        "delay": delay.get("stamp") if delay is not None else None,
        "delay_from": delay.get("from") if delay is not None else None,
        **action_fields(xml),
    }


def action_fields(xml):
    """The event fields of what a message does to another: reactions, retraction, reply."""
    fields = {}
    reactions = xml.find(q(NS_REACTIONS, "reactions"))
    if reactions is not None:
        fields["reactions_to"] = reactions.get("id")
        fields["reactions"] = [r.text or "" for r in reactions.findall(q(NS_REACTIONS, "reaction"))]
    retract = xml.find(q(NS_RETRACT, "retract"))
    if retract is not None:
        fields["retracts"] = retract.get("id")
    reply = xml.find(q(NS_REPLY, "reply"))
    if reply is not None:
        fields["reply_id"] = reply.get("id")
        fields["reply_to"] = reply.get("to")
    return fields


def bookmark_element(namespace, c):
    """A <conference/> of XEP-0402 or XEP-0048 (without the latter's jid) from a command's fields."""
    attributes = {"autojoin": "true" if c.get("autojoin") else "false"}
    if c.get("name") is not None:
        attributes["name"] = c["name"]
    conference = ET.Element(q(namespace, "conference"), **attributes)
    if c.get("nick") is not None:
        ET.SubElement(conference, q(namespace, "nick")).text = c["nick"]
    return conference


def bookmark_fields(room, conference, namespace):
    """A bookmark as the bookmarks command lists it."""
    nick = conference.find(q(namespace, "nick"))
    return {"room": room, "name": conference.get("name"), "autojoin": conference.get("autojoin") in ("true", "1"),
            "nick": nick.text if nick is not None else None}


def form_values(value):
    """A JSON value as data form values: booleans as 1/0, lists as several values."""
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


async def serve(peer):
    """Reads commands from stdin until quit or EOF; each runs concurrently, bounded by its timeout."""
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await peer.loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks = set()
    while True:
        line = await reader.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
        except ValueError as error:
            emit("error", text="not JSON: %s" % error)
            continue
        if command.get("command") == "quit":
            emit("done", id=command.get("id"))
            break
        task = asyncio.ensure_future(answer(peer, command))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    peer.quitting = True
    for task in tasks:
        task.cancel()
    peer.disconnect(wait=2)
    await asyncio.sleep(0.5)


async def answer(peer, command):
    """Runs one command and prints its one reply."""
    identifier = command.get("id")
    timeout = float(command.get("timeout", DEFAULT_TIMEOUT))
    try:
        extra = await asyncio.wait_for(peer.run_command(command), timeout)
        emit("done", id=identifier, **(extra or {}))
    except asyncio.TimeoutError:
        emit("error", id=identifier, text="%s timed out after %g s" % (command.get("command"), timeout))
    except CommandError as error:
        emit("error", id=identifier, text=str(error))
    except (KeyError, ValueError, TypeError) as error:
        emit("error", id=identifier, text="bad %s command: %r" % (command.get("command"), error))
    finally:
        # Forget whatever this command still waited for.
        for key, future in list(peer.waiters.items()):
            if future.done():
                peer.waiters.pop(key, None)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5222)
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--connect-timeout", type=float, default=15)
    parser.add_argument("--debug", action="store_true", help="log every stanza to stderr")
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if arguments.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    peer = Peer(arguments.jid, arguments.password, arguments.ca_file)
    peer.connect(arguments.host, arguments.port)
    try:
        await asyncio.wait_for(peer.started.wait(), arguments.connect_timeout)
    except asyncio.TimeoutError:
        emit("error", text="not connected after %g s" % arguments.connect_timeout)
        sys.exit(1)
    await serve(peer)


if __name__ == "__main__":
    asyncio.run(main())
