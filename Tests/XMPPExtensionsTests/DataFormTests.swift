import Testing
import XMPPCore
import XMPPExtensions

/// Data forms, from XEP-0004's own examples (the Joogle bot at botster.shakespeare.lit).
@Suite struct DataFormTests {
    func form(_ xml: String) throws -> DataForm {
        let stanza = try #require(XMLElement.parse(xml))
        let x = try #require(stanza.child("command")?.child("x", namespace: Namespace.dataForms))
        return try #require(DataForm(x))
    }

    /// XEP-0004 Example 2: Service Returns Bot Creation Form.
    static let botCreationForm = """
        <iq from='joogle@botster.shakespeare.lit' to='romeo@montague.net/home' type='result' xml:lang='en' id='create1'>
          <command xmlns='http://jabber.org/protocol/commands' node='create' sessionid='create:20040408T0128Z' status='executing'>
            <x xmlns='jabber:x:data' type='form'>
              <title>Bot Configuration</title>
              <instructions>Fill out this form to configure your new bot!</instructions>
              <field type='hidden' var='FORM_TYPE'>
                <value>jabber:bot</value>
              </field>
              <field type='fixed'><value>Section 1: Bot Info</value></field>
              <field type='text-single' label='The name of your bot' var='botname'/>
              <field type='text-multi' label='Helpful description of your bot' var='description'/>
              <field type='boolean' label='Public bot?' var='public'>
                <required/>
              </field>
              <field type='text-private' label='Password for special access' var='password'/>
              <field type='fixed'><value>Section 2: Features</value></field>
              <field type='list-multi' label='What features will the bot support?' var='features'>
                <option label='Contests'><value>contests</value></option>
                <option label='News'><value>news</value></option>
                <option label='Polls'><value>polls</value></option>
                <option label='Reminders'><value>reminders</value></option>
                <option label='Search'><value>search</value></option>
                <value>news</value>
                <value>search</value>
              </field>
              <field type='fixed'><value>Section 3: Subscriber List</value></field>
              <field type='list-single' label='Maximum number of subscribers' var='maxsubs'>
                <value>20</value>
                <option label='10'><value>10</value></option>
                <option label='20'><value>20</value></option>
                <option label='30'><value>30</value></option>
                <option label='50'><value>50</value></option>
                <option label='100'><value>100</value></option>
                <option label='None'><value>none</value></option>
              </field>
              <field type='fixed'><value>Section 4: Invitations</value></field>
              <field type='jid-multi' label='People to invite' var='invitelist'>
                <desc>Tell all your friends about your new bot!</desc>
              </field>
            </x>
          </command>
        </iq>
        """

    @Test func theBotCreationFormIsReadFieldByField() throws {
        let form = try form(Self.botCreationForm)
        #expect(form.type == .form)
        #expect(form.title == "Bot Configuration")
        #expect(form.instructions == ["Fill out this form to configure your new bot!"])
        #expect(form.formType == "jabber:bot")
        #expect(form.fields.count == 12)
        #expect(
            form.fields.filter { $0.type == .fixed }.map(\.values) == [
                ["Section 1: Bot Info"], ["Section 2: Features"], ["Section 3: Subscriber List"],
                ["Section 4: Invitations"],
            ])
        let features = try #require(form["features"])
        #expect(features.type == .listMulti)
        #expect(features.label == "What features will the bot support?")
        #expect(features.options.count == 5)
        #expect(features.options[0] == DataForm.Field.Option(label: "Contests", value: "contests"))
        #expect(features.values == ["news", "search"])
        #expect(features.displayValue == "News, Search", "values shown by their option labels")
        let isPublic = try #require(form["public"])
        #expect(isPublic.type == .boolean)
        #expect(isPublic.isRequired)
        #expect(isPublic.values.isEmpty)
        #expect(isPublic.boolValue == false, "a boolean with no value is false")
        #expect(form["invitelist"]?.desc == "Tell all your friends about your new bot!")
        #expect(form["invitelist"]?.type == .jidMulti)
        #expect(form["maxsubs"]?.values == ["20"])
        #expect(form["botname"]?.isRequired == false)
        #expect(form["nonexistent"] == nil)
    }

    /// The form as the service sent it fails only on the empty required boolean.
    @Test func validationFindsTheEmptyRequiredField() throws {
        let form = try form(Self.botCreationForm)
        #expect(form.validate() == [.requiredFieldEmpty(variable: "public")])
        #expect(form.setting("public", to: ["0"]).validate() == [])
        #expect(form.validate().first?.variable == "public")
    }

    /// XEP-0004 Example 3: the values Romeo submits, built from the form of Example 2.
    @Test func filledInAndSubmittedTheFormMatchesExample3() throws {
        let filled = try form(Self.botCreationForm)
            .setting("botname", to: ["The Jabber Google Bot"])
            .setting(
                "description",
                to: [
                    "This bot enables you to send requests to", "Google and receive the search results right",
                    "in your Jabber client. It' really cool!", "It even supports Google News!",
                ]
            )
            .setting("public", to: ["0"])
            .setting("password", to: ["v3r0na"])
            .setting("maxsubs", to: ["50"])
            .setting("invitelist", to: ["juliet@capulet.com", "benvolio@montague.net"])
        #expect(filled.validate() == [])
        let submission = filled.submission()
        #expect(submission.type == .submit)
        #expect(submission.title == nil)
        #expect(submission.fields.allSatisfy { $0.options.isEmpty && $0.label == nil && !$0.isRequired })
        #expect(
            submission.fields.map(\.variable) == [
                "FORM_TYPE", "botname", "description", "public", "password", "features", "maxsubs", "invitelist",
            ])
        #expect(submission.formType == "jabber:bot")
        #expect(submission["FORM_TYPE"]?.type == .hidden)
        #expect(submission["description"]?.values.count == 4)
        #expect(submission["features"]?.values == ["news", "search"], "untouched defaults go back")
        let example3 = try form(
            """
            <iq from='romeo@montague.net/home' to='joogle@botster.shakespeare.lit' type='set' xml:lang='en' id='create2'>
              <command xmlns='http://jabber.org/protocol/commands' node='create' sessionid='create:20040408T0128Z'>
                <x xmlns='jabber:x:data' type='submit'>
                  <field type='hidden' var='FORM_TYPE'><value>jabber:bot</value></field>
                  <field type='text-single' var='botname'><value>The Jabber Google Bot</value></field>
                  <field type='text-multi' var='description'>
                    <value>This bot enables you to send requests to</value>
                    <value>Google and receive the search results right</value>
                    <value>in your Jabber client. It&apos; really cool!</value>
                    <value>It even supports Google News!</value>
                  </field>
                  <field type='boolean' var='public'><value>0</value></field>
                  <field type='text-private' var='password'><value>v3r0na</value></field>
                  <field type='list-multi' var='features'><value>news</value><value>search</value></field>
                  <field type='list-single' var='maxsubs'><value>50</value></field>
                  <field type='jid-multi' var='invitelist'>
                    <value>juliet@capulet.com</value>
                    <value>benvolio@montague.net</value>
                  </field>
                </x>
              </command>
            </iq>
            """)
        #expect(submission.fields.map(\.variable) == example3.fields.map(\.variable))
        #expect(submission.fields.map(\.values) == example3.fields.map(\.values))
    }

    /// A form survives being written out and read back, on the wire and as values.
    @Test func aFormRoundTripsThroughItsElementAndText() throws {
        let original = try form(Self.botCreationForm)
        #expect(DataForm(original.element) == original)
        let reparsed = try #require(XMLElement.parse(original.element.serialized()))
        #expect(DataForm(reparsed) == original)
        let built = DataForm(
            type: .form, title: "T", instructions: ["one", "two"],
            fields: [
                .init(
                    variable: "v", type: .listSingle, label: "L", desc: "D", isRequired: true, values: ["a"],
                    options: [.init(label: "A", value: "a"), .init(value: "b")],
                    extensions: [XMLElement("validate", namespace: "http://jabber.org/protocol/xdata-validate")])
            ])
        #expect(DataForm(built.element) == built)
        #expect(
            built.element.matches(
                "<x xmlns='jabber:x:data' type='form'><title>T</title><instructions>one</instructions>"
                    + "<instructions>two</instructions><field var='v' type='list-single' label='L'><desc>D</desc>"
                    + "<required/><value>a</value><option label='A'><value>a</value></option>"
                    + "<option><value>b</value></option>"
                    + "<validate xmlns='http://jabber.org/protocol/xdata-validate'/></field></x>"))
    }

    /// XEP-0004 Example 8: search results as a table (reported and items).
    @Test func multiItemResultsKeepTheirTable() throws {
        let results = try form(
            """
            <iq from='joogle@botster.shakespeare.lit' to='juliet@capulet.com/chamber' type='result' xml:lang='en' id='search2'>
              <command xmlns='http://jabber.org/protocol/commands' node='search' status='completed'>
                <x xmlns='jabber:x:data' type='result'>
                  <title>Joogle Search: verona</title>
                  <reported>
                    <field var='name'/>
                    <field var='url'/>
                  </reported>
                  <item>
                    <field var='name'><value>Comune di Verona - Benvenuti nel sito ufficiale</value></field>
                    <field var='url'><value>http://www.comune.verona.it/</value></field>
                  </item>
                  <item>
                    <field var='name'><value>benvenuto!</value></field>
                    <field var='url'><value>http://www.hellasverona.it/</value></field>
                  </item>
                </x>
              </command>
            </iq>
            """)
        #expect(results.type == .result)
        #expect(results.reported?.map(\.variable) == ["name", "url"])
        #expect(results.items.count == 2)
        #expect(results.items[1].map(\.values) == [["benvenuto!"], ["http://www.hellasverona.it/"]])
        #expect(results.fields.isEmpty)
        #expect(DataForm(results.element) == results)
    }

    @Test func everyFieldTypeOfTheXEPRoundTripsAndUnknownOnesAreKept() throws {
        let names = [
            "boolean", "fixed", "hidden", "jid-multi", "jid-single", "list-multi", "list-single", "text-multi",
            "text-private", "text-single",
        ]
        #expect(DataForm.Field.FieldType.known.map(\.rawValue) == names)
        for name in names {
            #expect(DataForm.Field.FieldType(rawValue: name).rawValue == name)
            #expect(DataForm.Field.FieldType(rawValue: name) != .unknown(name))
        }
        let odd = DataForm.Field(
            try #require(
                XMLElement.parse("<field xmlns='jabber:x:data' type='x-colour' var='c'><value>red</value></field>")))
        #expect(odd.type == .unknown("x-colour"))
        #expect(odd.effectiveType == .textSingle, "§3.3: an unknown type is text-single")
        #expect(odd.element.matches("<field xmlns='jabber:x:data' var='c' type='x-colour'><value>red</value></field>"))
        let untyped = DataForm.Field(
            try #require(XMLElement.parse("<field xmlns='jabber:x:data' var='u'/>")))
        #expect(untyped.type == nil)
        #expect(untyped.effectiveType == .textSingle)
        #expect(DataForm.Field.FieldType.hidden.allowsSeveralValues)
        #expect(!DataForm.Field.FieldType.textPrivate.allowsSeveralValues)
    }

    @Test func validationNamesEachBrokenRule() throws {
        let form = DataForm(
            type: .form,
            fields: [
                .init(variable: "single", type: .listSingle, values: ["30"], options: [.init(value: "10")]),
                .init(variable: "multi", type: .listMulti, values: ["10", "99"], options: [.init(value: "10")]),
                .init(variable: "flag", type: .boolean, values: ["yes"]),
                .init(variable: "flags", type: .boolean, values: ["true", "1"]),
                .init(variable: "who", type: .jidSingle, values: ["juliet@capulet.lit", "@"]),
                .init(variable: "whom", type: .jidMulti, values: ["romeo@montague.net", "a@b@c", ""]),
                .init(variable: "name", values: ["a", "b"]),
                .init(variable: "notes", type: .textMulti, values: ["a", "b"]),
                .init(variable: nil, type: .fixed, values: ["x", "y"]),
                .init(variable: "free", type: .listSingle, values: ["anything"]),
                .init(variable: "blank", type: .textSingle, isRequired: true, values: [""]),
            ])
        #expect(
            form.validate() == [
                .notAnOption(variable: "single", value: "30"),
                .notAnOption(variable: "multi", value: "99"),
                .notABoolean(variable: "flag", value: "yes"),
                .tooManyValues(variable: "flags", count: 2),
                .tooManyValues(variable: "who", count: 2),
                .notAJID(variable: "who", value: "@"),
                .notAJID(variable: "whom", value: "a@b@c"),
                .tooManyValues(variable: "name", count: 2),
                .requiredFieldEmpty(variable: "blank"),
            ])
        for value in ["0", "1", "true", "false"] {
            #expect(
                DataForm(type: .form, fields: [.init(variable: "b", type: .boolean, values: [value])]).validate() == [])
        }
        #expect(DataForm.Field(variable: "b", type: .boolean, values: ["true"]).boolValue == true)
        #expect(DataForm.Field(variable: "b", type: .boolean, values: ["0"]).boolValue == false)
        #expect(DataForm.Field(variable: "b", type: .boolean, values: ["maybe"]).boolValue == nil)
    }

    @Test func displayValuesArePlainText() {
        #expect(DataForm.Field(variable: "b", type: .boolean, values: ["1"]).displayValue == "true")
        #expect(DataForm.Field(variable: "b", type: .boolean).displayValue == "false")
        #expect(DataForm.Field(variable: "p", type: .textPrivate, values: ["v3r0na"]).displayValue == "********")
        #expect(DataForm.Field(variable: "p", type: .textPrivate, values: ["a"]).displayValue == "********")
        #expect(DataForm.Field(variable: "p", type: .textPrivate).displayValue == "")
        #expect(DataForm.Field(variable: "t", type: .textMulti, values: ["one", "two"]).displayValue == "one\ntwo")
        #expect(
            DataForm.Field(variable: "j", type: .jidMulti, values: ["a@b", "c@d"]).displayValue == "a@b, c@d")
        #expect(
            DataForm.Field(
                variable: "l", type: .listSingle, values: ["none"], options: [.init(label: "None", value: "none")]
            ).displayValue == "None")
        #expect(DataForm.Field(variable: "l", type: .listSingle, values: ["raw"]).displayValue == "raw")
        #expect(DataForm.Field(variable: "s", values: ["x"]).displayValue == "x")
    }

    @Test func settingAFieldTheFormLacksAddsIt() {
        let form = DataForm(type: .form, fields: [.init(variable: "a", type: .textSingle, values: ["1"])])
        let changed = form.setting("a", to: ["2"]).setting("b", to: ["3"])
        #expect(changed["a"]?.values == ["2"])
        #expect(changed["a"]?.type == .textSingle)
        #expect(changed["b"]?.values == ["3"])
        #expect(form["a"]?.values == ["1"], "setting returns a copy")
    }

    @Test func malformedFormsAreRefusedOrTrimmedWithoutCrashing() throws {
        func parse(_ xml: String) throws -> DataForm? { DataForm(try #require(XMLElement.parse(xml))) }
        #expect(try parse("<x xmlns='jabber:x:data'/>") == nil, "no type")
        #expect(try parse("<x xmlns='jabber:x:data' type='error'/>") == nil, "not a form type of §3.1")
        #expect(try parse("<x xmlns='jabber:x:conference' type='form'/>") == nil)
        #expect(try parse("<query xmlns='jabber:x:data' type='form'/>") == nil)
        let odd = try #require(
            try parse(
                "<x xmlns='jabber:x:data' type='form'><field var='l' type='list-single'>"
                    + "<option label='none'/><option label='two'><value>a</value><value>b</value></option>"
                    + "<option label='ok'><value>c</value></option></field><field/><field type=''/></x>"))
        #expect(odd["l"]?.options == [.init(label: "ok", value: "c")], "options need exactly one value")
        #expect(odd.fields.count == 3)
        #expect(odd.fields[2].type == .unknown(""))
        #expect(odd.validate() == [])
        #expect(odd.submission().fields.map(\.variable) == ["l"], "fields without a name are not sent")
        let many = DataForm(
            type: .form, fields: (0..<5000).map { .init(variable: "f\($0)", type: .jidMulti, values: ["@\($0)"]) })
        #expect(many.validate().count == 5000)
        #expect(DataForm(many.element)?.fields.count == 5000)
    }

    /// XEP-0004 §3.1: a cancel form has no fields.
    @Test func aCancelFormIsJustItsType() {
        #expect(DataForm(type: .cancel).element.matches("<x xmlns='jabber:x:data' type='cancel'/>"))
    }
}
