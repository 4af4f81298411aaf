import Testing
import XMPPCore
import XMPPExtensions

/// Room administration and ownership, from XEP-0045 §8-§10's own examples.
@Suite struct MUCAdminTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }
    let coven = try! JID("coven@chat.shakespeare.lit")

    /// XEP-0045 Example 89: a moderator kicks an occupant, with a reason.
    @Test func kickingSetsTheRoleNoneByNick() throws {
        let kick = MUCAdmin.kick(
            nick: "pistol", reason: "Avaunt, you cullion!", room: try JID("harfleur@chat.shakespeare.lit"), id: "kick1")
        #expect(
            kick.matches(
                "<iq id='kick1' to='harfleur@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'><item nick='pistol' role='none'>"
                    + "<reason>Avaunt, you cullion!</reason></item></query></iq>"))
    }

    /// XEP-0045 Examples 94, 95 (voice), 98 (revoke), 137 (moderator).
    @Test func rolesAreChangedByNick() throws {
        #expect(
            MUCAdmin.setRole(.participant, nick: "thirdwitch", room: coven, id: "voice1").matches(
                "<iq id='voice1' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                    + "<item nick='thirdwitch' role='participant'/></query></iq>"))
        #expect(
            MUCAdmin.setRole(.participant, nick: "thirdwitch", reason: "A worthy witch indeed!", room: coven, id: "v")
                .matches(
                    "<iq id='v' to='coven@chat.shakespeare.lit' type='set'>"
                        + "<query xmlns='http://jabber.org/protocol/muc#admin'><item nick='thirdwitch' role='participant'>"
                        + "<reason>A worthy witch indeed!</reason></item></query></iq>"))
        #expect(
            MUCAdmin.setRole(.visitor, nick: "thirdwitch", room: coven, id: "voice2").matches(
                "<iq id='voice2' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                    + "<item nick='thirdwitch' role='visitor'/></query></iq>"))
        #expect(
            MUCAdmin.setRole(.moderator, nick: "thirdwitch", room: coven, id: "mod1").matches(
                "<iq id='mod1' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                    + "<item nick='thirdwitch' role='moderator'/></query></iq>"))
    }

    /// XEP-0045 Examples 110, 111 (ban), 120 (member), 172 (owner), 186 (admin), 124 (none): by
    /// bare JID, even when given a full one.
    @Test func affiliationsAreChangedByBareJID() throws {
        let southampton = try JID("southampton@chat.shakespeare.lit")
        #expect(
            MUCAdmin.ban(
                jid: try JID("earlofcambridge@shakespeare.lit/stabby"), reason: "Treason", room: southampton,
                id: "ban1"
            ).matches(
                "<iq id='ban1' to='southampton@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                    + "<item affiliation='outcast' jid='earlofcambridge@shakespeare.lit'><reason>Treason</reason>"
                    + "</item></query></iq>"))
        for affiliation in [MUCAffiliation.member, .admin, .owner, .none] {
            #expect(
                MUCAdmin.setAffiliation(affiliation, jid: try JID("hecate@shakespeare.lit"), room: coven, id: "a")
                    .matches(
                        "<iq id='a' to='coven@chat.shakespeare.lit' type='set'>"
                            + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                            + "<item affiliation='\(affiliation.rawValue)' jid='hecate@shakespeare.lit'/></query></iq>")
            )
        }
    }

    /// XEP-0045 Examples 103 (voice list), 116 (ban list), 129 (member list), 181 (owner list),
    /// 196 (admin list), 146 (moderator list): an IQ get with one item naming the list.
    @Test func listsAreRequestedByRoleOrAffiliation() throws {
        #expect(
            MUCAdmin.requestList(role: .participant, room: try JID("goodfolk@chat.shakespeare.lit"), id: "voice3")
                .matches(
                    "<iq id='voice3' to='goodfolk@chat.shakespeare.lit' type='get'>"
                        + "<query xmlns='http://jabber.org/protocol/muc#admin'><item role='participant'/></query></iq>")
        )
        for affiliation in [MUCAffiliation.outcast, .member, .owner, .admin] {
            #expect(
                MUCAdmin.requestList(affiliation: affiliation, room: coven, id: "l").matches(
                    "<iq id='l' to='coven@chat.shakespeare.lit' type='get'>"
                        + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                        + "<item affiliation='\(affiliation.rawValue)'/></query></iq>"))
        }
        #expect(
            MUCAdmin.requestList(role: .moderator, room: coven, id: "m").child("query")?.child("item")?[
                attribute: "role"] == "moderator")
    }

    /// XEP-0045 Example 104: the voice list, with nick, role, affiliation and real JID.
    @Test func aVoiceListIsReadItemByItem() throws {
        let items = try #require(
            MUCAdmin.items(
                stanza(
                    """
                    <iq from='goodfolk@chat.shakespeare.lit' id='voice3' to='bard@shakespeare.lit/globe' type='result'>
                      <query xmlns='http://jabber.org/protocol/muc#admin'>
                        <item affiliation='none' jid='polonius@hamlet/castle' nick='Polo' role='participant'/>
                        <item affiliation='none' jid='horatio@hamlet/castle' nick='horotoro' role='participant'/>
                        <item affiliation='member' jid='hecate@shakespeare.lit/broom' nick='Hecate' role='participant'/>
                      </query>
                    </iq>
                    """)))
        #expect(items.count == 3)
        #expect(
            items[2]
                == MUCAdmin.Item(
                    jid: try JID("hecate@shakespeare.lit/broom"), nick: "Hecate", role: .participant,
                    affiliation: .member))
        #expect(items.map(\.nick) == ["Polo", "horotoro", "Hecate"])
    }

    /// XEP-0045 Example 117: the ban list keeps each ban's reason.
    @Test func aBanListKeepsReasons() throws {
        let items = try #require(
            MUCAdmin.items(
                stanza(
                    """
                    <iq from='southampton@chat.shakespeare.lit' id='ban2' to='kinghenryv@shakespeare.lit/throne' type='result'>
                      <query xmlns='http://jabber.org/protocol/muc#admin'>
                        <item affiliation='outcast' jid='earlofcambridge@shakespeare.lit'>
                          <reason>Treason</reason>
                        </item>
                      </query>
                    </iq>
                    """)))
        #expect(
            items == [
                MUCAdmin.Item(jid: try JID("earlofcambridge@shakespeare.lit"), affiliation: .outcast, reason: "Treason")
            ])
    }

    /// XEP-0045 Example 131: a delta of the member list, read back as the same items.
    @Test func severalChangesGoInOneRequestAndRoundTrip() throws {
        let items = [
            MUCAdmin.Item(jid: try JID("hag66@shakespeare.lit"), affiliation: MUCAffiliation.none),
            MUCAdmin.Item(jid: try JID("hecate@shakespeare.lit"), affiliation: .member),
        ]
        let request = MUCAdmin.change(items, room: coven, id: "member4")
        #expect(
            request.matches(
                "<iq id='member4' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                    + "<item affiliation='none' jid='hag66@shakespeare.lit'/>"
                    + "<item affiliation='member' jid='hecate@shakespeare.lit'/></query></iq>"))
        var asResult = request
        asResult[attribute: "type"] = "result"
        #expect(MUCAdmin.items(asResult) == items)
    }

    @Test func malformedListsAreReadWithoutCrashing() throws {
        #expect(MUCAdmin.items(try stanza("<iq type='result' id='x'/>")) == nil, "Example 91: no query")
        #expect(
            MUCAdmin.items(
                try stanza(
                    "<iq type='error' id='x'><query xmlns='http://jabber.org/protocol/muc#admin'/>"
                        + "<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
                ))
                == nil, "Example 93: an error is no list")
        let odd = try #require(
            MUCAdmin.items(
                try stanza(
                    "<iq type='result' id='x'><query xmlns='http://jabber.org/protocol/muc#admin'>"
                        + "<item affiliation='king' role='jester' jid='@@'/><item/></query></iq>")))
        #expect(odd == [MUCAdmin.Item(), MUCAdmin.Item()], "unknown values and bad JIDs are left out")
    }

    /// XEP-0045 Example 155: an instant room is an empty submit form.
    @Test func anInstantRoomIsAnEmptySubmitForm() {
        #expect(
            MUCOwner.createInstantRoom(room: coven, id: "create1").matches(
                "<iq id='create1' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/>"
                    + "</query></iq>"))
        #expect(
            MUCOwner.cancelConfiguration(room: coven, id: "create2").matches(
                "<iq id='create2' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='cancel'/>"
                    + "</query></iq>"), "Example 162")
    }

    /// XEP-0045 Examples 156, 157 and 159: ask for the form, read it, send it back changed.
    @Test func theConfigurationFormIsRequestedReadAndSubmitted() throws {
        #expect(
            MUCOwner.requestConfiguration(room: coven, id: "create1").matches(
                "<iq id='create1' to='coven@chat.shakespeare.lit' type='get'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>"))
        let form = try #require(
            MUCOwner.configurationForm(
                stanza(
                    """
                    <iq from='coven@chat.shakespeare.lit' id='create1' to='crone1@shakespeare.lit/desktop' type='result'>
                      <query xmlns='http://jabber.org/protocol/muc#owner'>
                        <x xmlns='jabber:x:data' type='form'>
                          <title>Configuration for "coven" Room</title>
                          <field type='hidden' var='FORM_TYPE'>
                            <value>http://jabber.org/protocol/muc#roomconfig</value>
                          </field>
                          <field label='Natural-Language Room Name' type='text-single' var='muc#roomconfig_roomname'/>
                          <field label='Allow Occupants to Change Subject?' type='boolean' var='muc#roomconfig_changesubject'>
                            <value>0</value>
                          </field>
                          <field label='Who Can Send Private Messages?' type='list-single' var='muc#roomconfig_allowpm'>
                            <value>anyone</value>
                            <option label='Anyone'><value>anyone</value></option>
                            <option label='Anyone with Voice'><value>participants</value></option>
                            <option label='Moderators Only'><value>moderators</value></option>
                            <option label='Nobody'><value>none</value></option>
                          </field>
                        </x>
                      </query>
                    </iq>
                    """)))
        #expect(form.formType == Namespace.mucRoomConfig)
        #expect(form.title == "Configuration for \"coven\" Room")
        #expect(form["muc#roomconfig_allowpm"]?.options.count == 4)
        let edited = form.setting("muc#roomconfig_roomname", to: ["A Dark Cave"])
            .setting("muc#roomconfig_changesubject", to: ["1"])
        #expect(edited.validate() == [])
        let fields: String =
            "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value>"
            + "</field><field var='muc#roomconfig_roomname'><value>A Dark Cave</value></field>"
            + "<field var='muc#roomconfig_changesubject'><value>1</value></field>"
            + "<field var='muc#roomconfig_allowpm'><value>anyone</value></field>"
        let expected =
            "<iq id='create2' to='coven@chat.shakespeare.lit' type='set'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
            + "\(fields)</x></query></iq>"
        #expect(MUCOwner.submitConfiguration(edited.submission(), room: coven, id: "create2").matches(expected))
    }

    /// XEP-0045 Example 158 (no configuration possible), 164 (forbidden): no form.
    @Test func anAnswerWithoutAFormGivesNone() throws {
        #expect(
            MUCOwner.configurationForm(
                try stanza(
                    "<iq from='coven@chat.shakespeare.lit' id='create1' type='result'>"
                        + "<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>")) == nil)
        #expect(
            MUCOwner.configurationForm(
                try stanza(
                    "<iq from='coven@chat.shakespeare.lit' id='configures' type='error'>"
                        + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='form'/>"
                        + "</query><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></iq>")) == nil)
        #expect(
            MUCOwner.configurationForm(
                try stanza(
                    "<iq type='result' id='x'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                        + "<x xmlns='jabber:x:data'/></query></iq>")) == nil, "a form without a type")
    }

    /// XEP-0045 Example 201: destroying a room, with a reason and an alternate venue.
    @Test func destroyingARoomNamesTheAlternateVenue() throws {
        #expect(
            MUCOwner.destroy(
                room: try JID("heath@chat.shakespeare.lit"), reason: "Macbeth doth come.", alternateVenue: coven,
                id: "begone"
            ).matches(
                "<iq id='begone' to='heath@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='coven@chat.shakespeare.lit'>"
                    + "<reason>Macbeth doth come.</reason></destroy></query></iq>"))
        #expect(
            MUCOwner.destroy(room: coven, reason: "r", alternateVenue: coven, password: "p", id: "d").matches(
                "<iq id='d' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='coven@chat.shakespeare.lit'>"
                    + "<password>p</password><reason>r</reason></destroy></query></iq>"), "the schema's order")
        #expect(
            MUCOwner.destroy(room: coven, id: "d").matches(
                "<iq id='d' to='coven@chat.shakespeare.lit' type='set'>"
                    + "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query></iq>"))
    }

    /// The namespaces as XEP-0045 §15.1 registers them.
    @Test func theNamespacesAreTheXEPs() {
        #expect(Namespace.mucAdmin == "http://jabber.org/protocol/muc#admin")
        #expect(Namespace.mucOwner == "http://jabber.org/protocol/muc#owner")
        #expect(Namespace.mucRoomInfo == "http://jabber.org/protocol/muc#roominfo")
        #expect(Namespace.mucRoomConfig == "http://jabber.org/protocol/muc#roomconfig")
    }
}
