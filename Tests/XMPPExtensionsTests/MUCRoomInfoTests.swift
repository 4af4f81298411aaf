import Testing
import XMPPCore
import XMPPExtensions

/// A room's disco#info and a service's rooms, from XEP-0045 §6's own examples.
@Suite struct MUCRoomInfoTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0045 Example 10: Room Returns Extended Disco Info Result.
    static let extendedInfo = """
        <iq from='coven@chat.shakespeare.lit' id='ik3vs715' to='hag66@shakespeare.lit/pda' type='result'>
          <query xmlns='http://jabber.org/protocol/disco#info'>
            <identity category='conference' name='A Dark Cave' type='text'/>
            <feature var='http://jabber.org/protocol/muc'/>
            <feature var='muc_passwordprotected'/>
            <feature var='muc_hidden'/>
            <feature var='muc_temporary'/>
            <feature var='muc_open'/>
            <feature var='muc_unmoderated'/>
            <feature var='muc_nonanonymous'/>
            <x xmlns='jabber:x:data' type='result'>
              <field var='FORM_TYPE' type='hidden'>
                <value>http://jabber.org/protocol/muc#roominfo</value>
              </field>
              <field var='muc#roominfo_description' label='Description'>
                <value>The place for all good witches!</value>
              </field>
              <field var='muc#roominfo_contactjid' label='Contact Addresses'>
                <value>crone1@shakespeare.lit</value>
              </field>
              <field var='muc#roominfo_subject' label='Current Discussion Topic'>
                <value>Spells</value>
              </field>
              <field var='muc#roomconfig_changesubject' label='Subject can be modified'>
                <value>true</value>
              </field>
              <field var='muc#roominfo_occupants' label='Number of occupants'>
                <value>3</value>
              </field>
              <field var='muc#roominfo_ldapgroup' label='Associated LDAP Group'>
                <value>cn=witches,dc=shakespeare,dc=lit</value>
              </field>
              <field var='muc#roominfo_lang' label='Language of discussion'>
                <value>en</value>
              </field>
              <field var='muc#roominfo_logs' label='URL for discussion logs'>
                <value>http://www.shakespeare.lit/chatlogs/coven/</value>
              </field>
              <field var='muc#maxhistoryfetch' label='Maximum Number of History Messages Returned by Room'>
                <value>50</value>
              </field>
            </x>
          </query>
        </iq>
        """

    @Test func theExtendedRoomInfoIsReadFeatureByFeatureAndFieldByField() throws {
        let info = try #require(DiscoInfo(result: stanza(Self.extendedInfo)))
        let room = try #require(MUCRoomInfo(info))
        #expect(room.name == "A Dark Cave")
        #expect(room.isPasswordProtected)
        #expect(room.isHidden)
        #expect(room.isPersistent == false)
        #expect(!room.isMembersOnly)
        #expect(!room.isModerated)
        #expect(room.anonymity == .nonAnonymous)
        #expect(!room.hasArchive)
        #expect(!room.stampsStanzaIDs)
        #expect(!room.hasOccupantIDs)
        #expect(!room.supportsModeration)
        #expect(room.description == "The place for all good witches!")
        #expect(room.subject == "Spells")
        #expect(room.occupantsMayChangeSubject == true)
        #expect(room.occupantCount == 3)
        #expect(room.language == "en")
        #expect(room.contacts == [try JID("crone1@shakespeare.lit")])
        #expect(room.logsURL == "http://www.shakespeare.lit/chatlogs/coven/")
        #expect(room.maxHistoryFetch == 50)
        #expect(room.roomInfoFields["muc#roominfo_ldapgroup"] == ["cn=witches,dc=shakespeare,dc=lit"])
    }

    /// XEP-0045 Example 9's room, with what Prosody's rooms add (muc_mam, stanza-ids, occupant
    /// ids) and XEP-0425's and XEP-0410's features.
    @Test func whatARoomStampsAndKeepsIsReadFromItsFeatures() throws {
        let info = try #require(
            DiscoInfo(
                result: stanza(
                    """
                    <iq from='coven@chat.shakespeare.lit' id='ik3vs715' type='result'>
                      <query xmlns='http://jabber.org/protocol/disco#info'>
                        <identity category='conference' name='A Dark Cave' type='text'/>
                        <feature var='http://jabber.org/protocol/muc'/>
                        <feature var='muc_membersonly'/>
                        <feature var='muc_moderated'/>
                        <feature var='muc_persistent'/>
                        <feature var='muc_semianonymous'/>
                        <feature var='muc_public'/>
                        <feature var='urn:xmpp:mam:2'/>
                        <feature var='urn:xmpp:sid:0'/>
                        <feature var='urn:xmpp:occupant-id:0'/>
                        <feature var='urn:xmpp:message-moderate:0'/>
                        <feature var='http://jabber.org/protocol/muc#self-ping-optimization'/>
                      </query>
                    </iq>
                    """)))
        let room = try #require(MUCRoomInfo(info))
        #expect(room.isMembersOnly)
        #expect(room.isModerated)
        #expect(room.isPersistent == true)
        #expect(room.anonymity == .semiAnonymous)
        #expect(!room.isHidden)
        #expect(!room.isPasswordProtected)
        #expect(room.hasArchive)
        #expect(room.stampsStanzaIDs)
        #expect(room.hasOccupantIDs)
        #expect(room.supportsModeration)
        #expect(room.answersSelfPings)
        #expect(room.description == nil)
        #expect(room.occupantCount == nil)
        #expect(room.roomInfoFields.isEmpty)
    }

    @Test func whatARoomDoesNotSayIsUnknown() throws {
        let room = try #require(
            MUCRoomInfo(DiscoInfo(identities: [], features: [Namespace.muc], forms: [])))
        #expect(room.name == nil)
        #expect(room.isPersistent == nil)
        #expect(room.anonymity == nil)
        #expect(room.occupantsMayChangeSubject == nil)
        let named = try #require(
            MUCRoomInfo(
                DiscoInfo(
                    identities: [.init(category: "conference", type: "text", name: nil, lang: nil)], features: [],
                    forms: [
                        .init(
                            type: Namespace.mucRoomInfo,
                            fields: [
                                "muc#roomconfig_roomname": ["Cave"], "muc#roominfo_occupants": ["-4"],
                                "muc#roominfo_subjectmod": ["perhaps"], "muc#roominfo_contactjid": ["@", "a@b"],
                            ])
                    ])))
        #expect(named.name == "Cave", "the form's name when the identity has none")
        #expect(named.occupantCount == nil, "a negative count is no count")
        #expect(named.occupantsMayChangeSubject == nil)
        #expect(named.contacts == [try JID("a@b")])
    }

    /// XEP-0045 Example 4-style: a MUC service, or a contact's client, is no room.
    @Test func anEntityThatIsNoRoomGivesNoRoomInfo() throws {
        #expect(
            MUCRoomInfo(
                DiscoInfo(
                    identities: [.init(category: "client", type: "pc", name: "tern", lang: nil)],
                    features: ["urn:xmpp:ping"])) == nil)
        #expect(DiscoInfo(result: try stanza("<iq type='result' id='x'/>")) == nil)
        #expect(
            DiscoInfo(
                result: try stanza(
                    "<iq type='error' id='x'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")) == nil)
    }

    /// XEP-0045 Example 8.
    @Test func roomInfoIsRequestedWithAnEmptyQuery() throws {
        #expect(
            DiscoInfo.request(to: try JID("coven@chat.shakespeare.lit"), id: "ik3vs715").matches(
                "<iq id='ik3vs715' to='coven@chat.shakespeare.lit' type='get'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"))
    }

    /// XEP-0045 Examples 5 and 6: a service's public rooms.
    @Test func aServiceListsItsRooms() throws {
        #expect(
            DiscoItemsPage.request(to: try JID("chat.shakespeare.lit"), id: "zb8q41f4").matches(
                "<iq id='zb8q41f4' to='chat.shakespeare.lit' type='get'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>"))
        let page = try #require(
            DiscoItemsPage(
                stanza(
                    """
                    <iq from='chat.shakespeare.lit' id='zb8q41f4' to='hag66@shakespeare.lit/pda' type='result'>
                      <query xmlns='http://jabber.org/protocol/disco#items'>
                        <item jid='heath@chat.shakespeare.lit' name='A Lonely Heath'/>
                        <item jid='coven@chat.shakespeare.lit' name='A Dark Cave'/>
                        <item jid='forres@chat.shakespeare.lit' name='The Palace'/>
                        <item jid='inverness@chat.shakespeare.lit' name='Macbeth&apos;s Castle'/>
                      </query>
                    </iq>
                    """)))
        #expect(page.items.count == 4)
        #expect(page.items[3] == DiscoItem(jid: try JID("inverness@chat.shakespeare.lit"), name: "Macbeth's Castle"))
        #expect(!page.isPaged)
        #expect(page.count == nil)
    }

    /// XEP-0045 Example 7: a limited list, with RSM, and the request for the next page.
    @Test func aLongListComesInPages() throws {
        let page = try #require(
            DiscoItemsPage(
                stanza(
                    """
                    <iq from='chat.shakespeare.lit' id='hx51v49s' to='hag66@shakespeare.lit/pda' type='result'>
                      <query xmlns='http://jabber.org/protocol/disco#items'>
                        <item jid='alls-well-that-ends-well@chat.shakespeare.lit'/>
                        <item jid='as-you-like-it@chat.shakespeare.lit'/>
                        <item jid='cleopatra@chat.shakespeare.lit'/>
                        <item jid='comedy-of-errors@chat.shakespeare.lit'/>
                        <item jid='coriolanus@chat.shakespeare.lit'/>
                        <item jid='cymbeline@chat.shakespeare.lit'/>
                        <item jid='hamlet@chat.shakespeare.lit'/>
                        <item jid='henry-the-fourth-one@chat.shakespeare.lit'/>
                        <item jid='henry-the-fourth-two@chat.shakespeare.lit'/>
                        <item jid='henry-the-fifth@chat.shakespeare.lit'/>
                        <set xmlns='http://jabber.org/protocol/rsm'>
                          <first index='0'>alls-well-that-ends-well@chat.shakespeare.lit</first>
                          <last>henry-the-fifth@chat.shakespeare.lit</last>
                          <count>37</count>
                        </set>
                      </query>
                    </iq>
                    """)))
        #expect(page.items.count == 10)
        #expect(page.items.allSatisfy { $0.name == nil })
        #expect(page.isPaged)
        #expect(page.first == "alls-well-that-ends-well@chat.shakespeare.lit")
        #expect(page.firstIndex == 0)
        #expect(page.last == "henry-the-fifth@chat.shakespeare.lit")
        #expect(page.count == 37)
        let next = DiscoItemsPage.request(
            to: try JID("chat.shakespeare.lit"), max: 10, after: page.last, id: "hx51v50t")
        #expect(
            next.matches(
                "<iq id='hx51v50t' to='chat.shakespeare.lit' type='get'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'>"
                    + "<max>10</max><after>henry-the-fifth@chat.shakespeare.lit</after></set></query></iq>"))
    }

    @Test func malformedItemsAreLeftOut() throws {
        let page = try #require(
            DiscoItemsPage(
                stanza(
                    "<iq type='result' id='x'><query xmlns='http://jabber.org/protocol/disco#items'>"
                        + "<item/><item jid='@bad'/><item jid='ok@muc.example' node='n'/>"
                        + "<set xmlns='http://jabber.org/protocol/rsm'><first index='x'>a</first><count>many</count>"
                        + "</set></query></iq>")))
        #expect(page.items == [DiscoItem(jid: try JID("ok@muc.example"), node: "n")])
        #expect(page.firstIndex == nil)
        #expect(page.count == nil)
        #expect(DiscoItemsPage(try stanza("<iq type='result' id='x'/>")) == nil)
        #expect(
            DiscoItemsPage(
                try stanza("<iq type='get' id='x'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"))
                == nil)
    }
}
