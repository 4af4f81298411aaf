import ChatModel
import Foundation
import TestSupport
import Testing
import XMPPCore

/// A room's configuration form (XEP-0045 §10.1.3, §10.2) and its role and affiliation lists
/// (§8.5, §9.2, §9.5) edited in the model's form editor, on a scripted room: what is shown, what
/// goes back (only `submission()` values; only the changed list items), refusals and cancels.
@Suite struct RoomConfigTests {
    static let room = RoomAdminTests.room
    static let owner = "http://jabber.org/protocol/muc#owner"

    /// XEP-0045 Example 157: the service's configuration form (a representative sample).
    static let form = """
        <x xmlns='jabber:x:data' type='form'><title>Configuration for "coven" Room</title>
        <instructions>Complete this form to modify the configuration of your room.</instructions>
        <field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
        <field label='Natural-Language Room Name' type='text-single' var='muc#roomconfig_roomname'/>
        <field label='Short Description of Room' type='text-single' var='muc#roomconfig_roomdesc'/>
        <field label='Allow Occupants to Change Subject?' type='boolean' var='muc#roomconfig_changesubject'>\
        <value>0</value></field>
        <field label='Maximum Number of Occupants' type='list-single' var='muc#roomconfig_maxusers'>\
        <value>20</value><option label='10'><value>10</value></option><option label='20'><value>20</value></option>\
        <option label='None'><value>none</value></option></field>
        <field label='Roles for which Presence is Broadcasted' type='list-multi' \
        var='muc#roomconfig_presencebroadcast'><value>moderator</value><value>participant</value>\
        <option label='Moderator'><value>moderator</value></option>\
        <option label='Participant'><value>participant</value></option>\
        <option label='Visitor'><value>visitor</value></option></field>
        <field label='Make Room Members-Only?' type='boolean' var='muc#roomconfig_membersonly'><value>0</value></field>
        <field type='fixed'><value>If a password is required to enter this room, you must specify the password below.\
        </value></field>
        <field label='Password' type='text-private' var='muc#roomconfig_roomsecret'/>
        <field label='Room Admins' type='jid-multi' var='muc#roomconfig_roomadmins'/>
        </x>
        """

    static func answer(_ fixture: ScriptedAccounts, _ request: XMLElement, _ payload: String) {
        fixture.harness("main").serverSends(
            "<iq type='result' id='\(request.id!)' from='\(room)'>\(payload)</iq>")
    }

    /// `/config`, answered with `form`; the form open in the room's window.
    static func configure(_ fixture: ScriptedAccounts, form: String = RoomConfigTests.form) throws -> EditedForm {
        let request = try RoomAdminTests.request(fixture, "/config")
        // Example 163: an empty muc#owner query.
        #expect(request.matches("<iq id='*' to='\(room)' type='get'><query xmlns='\(owner)'/></iq>"))
        answer(fixture, request, "<query xmlns='\(owner)'>\(form)</query>")
        return try #require(fixture.model.form(in: fixture.model.currentWindow), "\(RoomAdminTests.notices(fixture))")
    }

    /// Types `command`, checks it asked for the list `item` names (Examples 103, 116, 129) and
    /// answers with `items`; the form open in the room's window.
    static func list(_ fixture: ScriptedAccounts, _ command: String, asking item: String, items: String) throws
        -> EditedForm
    {
        let request = try RoomAdminTests.request(fixture, command)
        #expect(request.matches(RoomAdminTests.admin(item).replacingOccurrences(of: "'set'", with: "'get'")))
        answer(fixture, request, "<query xmlns='http://jabber.org/protocol/muc#admin'>\(items)</query>")
        return try #require(fixture.model.form(in: fixture.model.currentWindow), "\(RoomAdminTests.notices(fixture))")
    }

    static func field(_ form: EditedForm, _ name: String) throws -> EditedForm.Field {
        try #require(form.fields.first { $0.name == name })
    }

    @Test func theConfigurationFormIsShownEditedAndOnlyItsSubmissionSent() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let form = try Self.configure(fixture)
        #expect(form.title == "Configuration for \"coven\" Room")
        #expect(form.instructions == ["Complete this form to modify the configuration of your room."])
        #expect(!form.fields.contains { $0.name == "FORM_TYPE" }, "hidden fields are not shown")
        #expect(
            form.fields.map(\.kind) == [
                .textSingle, .textSingle, .boolean, .listSingle, .listMulti, .boolean, .fixed, .textPrivate, .jidMulti,
            ])
        let heading = form.fields[6]
        #expect(heading.label.hasPrefix("If a password is required") && !heading.isEditable)
        let users = try Self.field(form, "muc#roomconfig_maxusers")
        #expect(users.label == "Maximum Number of Occupants" && users.values == ["20"])
        #expect(users.options.map(\.label) == ["10", "20", "None"])
        #expect(!form.isChanged)

        for (name, values) in [
            ("muc#roomconfig_roomname", ["A Dark Cave"]), ("muc#roomconfig_changesubject", ["1"]),
            ("muc#roomconfig_maxusers", ["10"]), ("muc#roomconfig_presencebroadcast", ["moderator"]),
            ("muc#roomconfig_roomsecret", ["cauldronburn"]),
            ("muc#roomconfig_roomadmins", ["wiccarocks@shakespeare.lit", "hecate@shakespeare.lit"]),
        ] {
            #expect(model.setFormField(try Self.field(form, name).id, to: values, in: window))
        }
        #expect(!model.setFormField(heading.id, to: ["not a field"], in: window), "a heading cannot be changed")
        #expect(model.form(in: window)?.isChanged == true)
        #expect(model.submitForm(in: window))
        #expect(model.form(in: window)?.isSending == true)
        let submitted = try #require(fixture.harness("main").takeWrittenElements().first { $0.name == "iq" })
        // Example 159: a submit form with every field's value, FORM_TYPE hidden, and no
        // labels, options, types or fixed fields.
        let x =
            "<x xmlns='jabber:x:data' type='submit'>"
            + "<field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
            + "<field var='muc#roomconfig_roomname'><value>A Dark Cave</value></field>"
            + "<field var='muc#roomconfig_roomdesc'/>"
            + "<field var='muc#roomconfig_changesubject'><value>1</value></field>"
            + "<field var='muc#roomconfig_maxusers'><value>10</value></field>"
            + "<field var='muc#roomconfig_presencebroadcast'><value>moderator</value></field>"
            + "<field var='muc#roomconfig_membersonly'><value>0</value></field>"
            + "<field var='muc#roomconfig_roomsecret'><value>cauldronburn</value></field>"
            + "<field var='muc#roomconfig_roomadmins'><value>wiccarocks@shakespeare.lit</value>"
            + "<value>hecate@shakespeare.lit</value></field></x>"
        #expect(
            submitted.matches("<iq id='*' to='\(Self.room)' type='set'><query xmlns='\(Self.owner)'>\(x)</query></iq>"),
            "\(submitted)")
        Self.answer(fixture, submitted, "")
        #expect(model.form(in: window) == nil, "accepted: the form closes")
        #expect(RoomAdminTests.notices(fixture).last == "saved the configuration of \(Self.room)")
    }

    @Test func aMissingRequiredFieldIsShownInsteadOfSending() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let form = try Self.configure(
            fixture,
            form: "<x xmlns='jabber:x:data' type='form'>"
                + "<field label='Room Name' type='text-single' var='name'><required/></field>"
                + "<field label='Admins' type='jid-multi' var='admins'/></x>")
        #expect(form.fields[0].isRequired && form.fields[0].problems.isEmpty, "problems wait for a submission")
        model.setFormField(form.fields[1].id, to: ["not an address"], in: window)
        #expect(
            model.form(in: window)?.fields[1].problems == ["\"not an address\" is not an address (user@example.org)"])
        #expect(!model.submitForm(in: window))
        #expect(model.form(in: window)?.fields[0].problems == ["required"])
        #expect(fixture.harness("main").takeWrittenElements().isEmpty, "nothing is sent")
        model.setFormField(form.fields[0].id, to: ["Witches"], in: window)
        model.setFormField(form.fields[1].id, to: [], in: window)
        #expect(model.submitForm(in: window))
    }

    /// Example 161: not-acceptable keeps the form open with the refusal; a cancel (Example 166)
    /// closes it and tells the room.
    @Test func aRefusedConfigurationStaysOpenAndACancelTellsTheRoom() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let harness = fixture.harness("main")
        let form = try Self.configure(fixture)
        model.setFormField(try Self.field(form, "muc#roomconfig_roomname").id, to: ["x"], in: window)
        model.submitForm(in: window)
        let submitted = try #require(harness.takeWrittenElements().first)
        harness.serverSends(SessionHarness.iqError(id: submitted.id!, from: Self.room, condition: .notAcceptable))
        let refusal = "\(Self.room) refused this configuration: a value breaks its rules"
        #expect(model.form(in: window)?.refusal == refusal)
        #expect(model.form(in: window)?.isSending == false)
        #expect(RoomAdminTests.notices(fixture).last == refusal)
        model.cancelForm(in: window)
        #expect(model.form(in: window) == nil)
        let cancel = try #require(harness.takeWrittenElements().first)
        #expect(
            cancel.matches(
                "<iq id='*' to='\(Self.room)' type='set'><query xmlns='\(Self.owner)'>"
                    + "<x xmlns='jabber:x:data' type='cancel'/></query></iq>"))
        #expect(RoomAdminTests.notices(fixture).last == "the configuration of \(Self.room) stays as it was")
    }

    /// §10.2 Example 164 (not an owner: forbidden), Example 158 (nothing to configure), silence.
    @Test func whatKeepsTheFormFromOpeningIsSaid() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let harness = fixture.harness("main")
        var request = try RoomAdminTests.request(fixture, "/config")
        harness.serverSends(SessionHarness.iqError(id: request.id!, from: Self.room, condition: .forbidden))
        #expect(
            RoomAdminTests.notices(fixture).last
                == "you are not an owner of \(Self.room), so you cannot configure it")
        request = try RoomAdminTests.request(fixture, "/config")
        Self.answer(fixture, request, "<query xmlns='\(Self.owner)'/>")
        #expect(RoomAdminTests.notices(fixture).last == "\(Self.room) has nothing to configure")
        #expect(model.form(in: model.currentWindow) == nil)
        // A form open in the window: another is not asked for.
        _ = try Self.configure(fixture)
        model.submit("/affiliation list member")
        #expect(harness.takeWrittenElements().isEmpty)
        #expect(RoomAdminTests.notices(fixture).last == "a form is already open in the window of \(Self.room)")
    }

    /// XEP-0045 Examples 129-131: the member list; one member removed and one added go back as
    /// exactly Example 131's two items.
    @Test func theMemberListIsEditedAndOnlyTheDeltaSent() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let form = try Self.list(
            fixture, "/affiliation list member", asking: "<item affiliation='member'/>",
            items: "<item affiliation='member' jid='hag66@shakespeare.lit' nick='thirdwitch' role='participant'/>"
                + "<item affiliation='member' jid='hecate@shakespeare.lit'/>")
        #expect(form.title == "The member list of \(Self.room)")
        #expect(
            form.fields.map(\.label) == [
                "hag66@shakespeare.lit (thirdwitch)", "hecate@shakespeare.lit", "Add as a member",
            ])
        #expect(form.fields.map(\.kind) == [.listSingle, .listSingle, .jidMulti])
        #expect(form.fields[0].values == ["member"])
        #expect(form.fields[0].options.map(\.value) == ["owner", "admin", "member", "none", "outcast"])
        model.setFormField(form.fields[0].id, to: ["none"], in: window)
        model.setFormField(form.fields[2].id, to: ["hecate@shakespeare.lit", "banquo@shakespeare.lit"], in: window)
        model.submitForm(in: window)
        let change = try #require(fixture.harness("main").takeWrittenElements().first)
        #expect(
            change.matches(
                RoomAdminTests.admin(
                    "<item affiliation='none' jid='hag66@shakespeare.lit'/>"
                        + "<item affiliation='member' jid='banquo@shakespeare.lit'/>")), "\(change)")
        Self.answer(fixture, change, "")
        #expect(model.form(in: window) == nil)
        #expect(RoomAdminTests.notices(fixture).last == "changed 2 entries of the member list of \(Self.room)")
    }

    /// Examples 103-105: the voice list by nick; a refused delta (§8.5: not-allowed) stays open.
    @Test func theVoiceListIsEditedByNickAndARefusalKeepsItOpen() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let form = try Self.list(
            fixture, "/role list participant", asking: "<item role='participant'/>",
            items: "<item affiliation='none' jid='polonius@hamlet/castle' nick='Polo' role='participant'/>"
                + "<item affiliation='member' jid='hecate@shakespeare.lit/broom' nick='Hecate' role='participant'/>")
        #expect(
            form.fields.map(\.label) == [
                "Polo (polonius@hamlet)", "Hecate (hecate@shakespeare.lit)", "Add as a participant, with voice",
            ])
        // Occupants not on the list can be added.
        #expect(form.fields[2].kind == .listMulti)
        #expect(form.fields[2].options.map(\.value) == ["crone1", "secondwitch", "thirdwitch"])
        model.setFormField(form.fields[1].id, to: ["visitor"], in: window)
        model.setFormField(form.fields[2].id, to: ["thirdwitch"], in: window)
        model.submitForm(in: window)
        let harness = fixture.harness("main")
        let change = try #require(harness.takeWrittenElements().first)
        #expect(
            change.matches(
                RoomAdminTests.admin("<item nick='Hecate' role='visitor'/><item nick='thirdwitch' role='participant'/>")
            ))
        harness.serverSends(SessionHarness.iqError(id: change.id!, from: Self.room, condition: .notAllowed))
        let refusal = try #require(model.form(in: window)?.refusal)
        #expect(refusal.hasPrefix("\(Self.room) changed nothing in the voice list"))
        // Unchanged (back as it was), it sends nothing and closes.
        model.setFormField(form.fields[1].id, to: ["participant"], in: window)
        model.setFormField(form.fields[2].id, to: [], in: window)
        model.submitForm(in: window)
        #expect(harness.takeWrittenElements().isEmpty)
        #expect(model.form(in: window) == nil)
        #expect(RoomAdminTests.notices(fixture).last == "nothing changed in the voice list of \(Self.room)")
    }

    /// Examples 116-117: the ban list; §9 forbidden for a list we may not see.
    @Test func theBanListAndAListWeMayNotSee() throws {
        let fixture = try RoomAdminTests.entered()
        let model = fixture.model
        let window = model.currentWindow
        let form = try Self.list(
            fixture, "/affiliation list outcast", asking: "<item affiliation='outcast'/>",
            items: "<item affiliation='outcast' jid='earlofcambridge@shakespeare.lit'><reason>Treason</reason></item>")
        #expect(form.title == "The ban list of \(Self.room)")
        #expect(form.fields[0].description == "Treason")
        #expect(form.fields[0].values == ["outcast"])
        model.setFormField(form.fields[0].id, to: ["none"], in: window)
        model.submitForm(in: window)
        let change = try #require(fixture.harness("main").takeWrittenElements().first)
        #expect(
            change.matches(RoomAdminTests.admin("<item affiliation='none' jid='earlofcambridge@shakespeare.lit'/>")))
        Self.answer(fixture, change, "")
        let request = try RoomAdminTests.request(fixture, "/affiliation list owner")
        fixture.harness("main").serverSends(
            SessionHarness.iqError(id: request.id!, from: Self.room, condition: .forbidden))
        #expect(RoomAdminTests.notices(fixture).last == "you may not see the owner list of \(Self.room)")
        #expect(model.form(in: window) == nil)
        model.submit("/affiliation list none")
        model.submit("/role list visitor")
        #expect(fixture.harness("main").takeWrittenElements().isEmpty)
    }

    @Test func closingTheWindowCancelsItsForm() throws {
        let fixture = try RoomAdminTests.entered()
        _ = try Self.configure(fixture)
        fixture.model.closeWindow(fixture.model.currentIndex)
        let cancel = try #require(fixture.harness("main").takeWrittenElements().first)
        #expect(cancel.child("query", namespace: Self.owner)?.elements.first?[attribute: "type"] == "cancel")
    }
}
