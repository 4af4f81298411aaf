import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// A data form (XEP-0004) filled in in a window: every field type as the UI shows it, editing
/// and what is wrong with a value, submitting once, a refusal, and cancelling.
@Suite struct FormEditorTests {
    /// What the form's owner was asked to do.
    final class Owner {
        var submitted: [DataForm] = []
        var done: [(String?) -> Void] = []
        var cancelled = 0

        var handler: FormHandler {
            FormHandler(
                submit: { [self] form, done in
                    submitted.append(form)
                    self.done.append(done)
                },
                cancel: { [self] in cancelled += 1 })
        }
    }

    typealias Field = DataForm.Field

    /// A form with a field of every type of XEP-0004 §3.3, after its bot creation example.
    static let form = DataForm(
        type: .form, title: "Bot Configuration", instructions: ["Fill out this form to configure your new bot!"],
        fields: [
            Field(variable: "FORM_TYPE", type: .hidden, values: ["jabber:bot"]),
            Field(variable: nil, type: .fixed, values: ["Section 1: Bot Info"]),
            Field(variable: "botname", type: .textSingle, label: "The name of your bot"),
            Field(variable: "description", type: .textMulti, label: "Helpful description of your bot"),
            Field(variable: "public", type: .boolean, label: "Public bot?", isRequired: true),
            Field(variable: "password", type: .textPrivate, label: "Password for special access"),
            Field(
                variable: "features", type: .listMulti, label: "What features will the bot support?",
                values: ["news", "search"],
                options: [
                    .init(label: "Contests", value: "contests"), .init(label: "News", value: "news"),
                    .init(label: "Search", value: "search"),
                ]),
            Field(
                variable: "maxsubs", type: .listSingle, label: "Maximum number of subscribers", values: ["20"],
                options: [
                    .init(label: "10", value: "10"), .init(label: "20", value: "20"),
                    .init(label: "None", value: "none"),
                ]),
            Field(
                variable: "invitelist", type: .jidMulti, label: "People to invite",
                desc: "Tell all your friends about your new bot!"),
            Field(variable: "owner", type: .jidSingle),
            Field(variable: "motto", type: .unknown("x-motto"), label: "Motto"),
        ])

    /// A model whose window 2 (on screen) has the form open.
    func opened(_ owner: Owner) throws -> (ModelFixture, ChatWindow) {
        let fixture = ModelFixture()
        let window = fixture.open(try JID("joogle@botster.shakespeare.lit"), focus: true)
        #expect(fixture.model.openForm(Self.form, title: "Configure the bot", in: window, handler: owner.handler))
        return (fixture, window)
    }

    func shown(_ fixture: ModelFixture, _ window: ChatWindow) throws -> EditedForm {
        try #require(fixture.model.form(in: window))
    }

    @Test func everyFieldIsShownWithItsKindLabelAndChoicesButHiddenOnes() throws {
        let (fixture, window) = try opened(Owner())
        let form = try shown(fixture, window)
        #expect(form.title == "Configure the bot")
        #expect(form.instructions == ["Fill out this form to configure your new bot!"])
        #expect(form.fields.map(\.id) == Array(1...10), "FORM_TYPE stays hidden, ids are the form's positions")
        #expect(
            form.fields.map(\.kind) == [
                .fixed, .textSingle, .textMulti, .boolean, .textPrivate, .listMulti, .listSingle, .jidMulti, .jidSingle,
                .textSingle,
            ])
        let heading = form.fields[0]
        #expect(heading.label == "Section 1: Bot Info" && heading.values.isEmpty && !heading.isEditable)
        #expect(form.fields[3].isRequired && form.fields[3].label == "Public bot?")
        #expect(form.fields[5].options.map(\.label) == ["Contests", "News", "Search"])
        #expect(form.fields[5].values.map(form.fields[5].label(of:)) == ["News", "Search"])
        #expect(form.fields[7].description == "Tell all your friends about your new bot!")
        #expect(form.fields[8].label == "owner", "a field without a label goes by its name")
        #expect(form.fields.allSatisfy { $0.problems.isEmpty }, "nothing is wrong before anything is done")
        #expect(!form.isChanged && !form.isSending && form.refusal == nil)
    }

    @Test func aValueIsCheckedAsSoonAsItIsChanged() throws {
        let (fixture, window) = try opened(Owner())
        for (id, values, problem) in [
            (8, ["juliet@capulet.com", "not a jid@"], "\"not a jid@\" is not an address (user@example.org)"),
            (7, ["30"], "\"30\" is not one of the choices"),
            (4, ["maybe"], "\"maybe\" is neither yes nor no"),
            (2, ["The Jabber", "Google Bot"], "one value only (2 given)"),
            (9, ["romeo@montague.net", "juliet@capulet.com"], "one value only (2 given)"),
        ] {
            #expect(fixture.model.setFormField(id, to: values, in: window))
            let field = try #require(try shown(fixture, window).fields.first { $0.id == id })
            #expect(field.values == values)
            #expect(field.problems == [problem], "field \(id)")
        }
        #expect(try shown(fixture, window).isChanged)
    }

    @Test func valuesTheFormAllowsAreNoProblem() throws {
        let (fixture, window) = try opened(Owner())
        for (id, values) in [
            (2, ["The Jabber Google Bot"]), (3, ["This bot enables you", "to send requests"]), (4, ["1"]),
            (4, ["false"]), (5, ["v3r0na"]), (6, []), (6, ["contests", "news", "search"]), (7, ["none"]),
            (8, ["juliet@capulet.com", "benvolio@montague.net"]), (9, ["montague.net"]), (10, ["To serve"]),
        ] {
            #expect(fixture.model.setFormField(id, to: values, in: window))
            #expect(try shown(fixture, window).fields.first { $0.id == id }?.problems == [], "field \(id): \(values)")
        }
    }

    @Test func headingsHiddenFieldsAndFieldsThatAreNotThereCannotBeChanged() throws {
        let (fixture, window) = try opened(Owner())
        for id in [0, 1, 11, -1] {
            #expect(!fixture.model.setFormField(id, to: ["x"], in: window), "field \(id)")
        }
        #expect(!(try shown(fixture, window).isChanged))
        #expect(!fixture.model.setFormField(2, to: ["x"], in: fixture.model.windows[0]), "the console has no form")
    }

    @Test func aRequiredFieldIsNamedWhenSubmittingAndNothingGoesOut() throws {
        let owner = Owner()
        let (fixture, window) = try opened(owner)
        #expect(!fixture.model.submitForm(in: window))
        #expect(owner.submitted.isEmpty)
        let problems = try shown(fixture, window).fields.filter { !$0.problems.isEmpty }
        #expect(problems.map(\.id) == [4] && problems.first?.problems == ["required"])
        fixture.model.setFormField(4, to: [""], in: window)
        #expect(try shown(fixture, window).fields[3].problems == ["required"], "an empty value is no value")
        fixture.model.setFormField(4, to: ["0"], in: window)
        #expect(fixture.model.submitForm(in: window))
        #expect(owner.submitted.count == 1)
    }

    @Test func aFormGoesOutOnceAndClosesWhenAccepted() throws {
        let owner = Owner()
        let (fixture, window) = try opened(owner)
        fixture.model.setFormField(4, to: ["1"], in: window)
        fixture.model.setFormField(8, to: ["juliet@capulet.com"], in: window)
        #expect(fixture.model.submitForm(in: window))
        #expect(try shown(fixture, window).isSending)
        #expect(fixture.model.submitForm(in: window), "nothing is wrong with it")
        #expect(owner.submitted.count == 1, "but it is out already")
        let sent = try #require(owner.submitted.first)
        #expect(sent["public"]?.values == ["1"])
        #expect(sent["invitelist"]?.values == ["juliet@capulet.com"])
        #expect(sent["maxsubs"]?.values == ["20"], "untouched fields keep what the form said")
        owner.done[0](nil)
        #expect(fixture.model.form(in: window) == nil)
        #expect(owner.cancelled == 0)
    }

    @Test func aRefusalIsShownAndTheFormStaysToBeCorrected() throws {
        let owner = Owner()
        let (fixture, window) = try opened(owner)
        fixture.model.setFormField(4, to: ["1"], in: window)
        fixture.model.submitForm(in: window)
        owner.done[0]("the bot's name is taken (conflict)")
        var form = try shown(fixture, window)
        #expect(form.refusal == "the bot's name is taken (conflict)")
        #expect(!form.isSending)
        fixture.model.setFormField(2, to: ["Another Bot"], in: window)
        form = try shown(fixture, window)
        #expect(form.refusal == nil, "changed since")
        #expect(fixture.model.submitForm(in: window))
        #expect(owner.submitted.count == 2)
        #expect(owner.submitted.last?["botname"]?.values == ["Another Bot"])
    }

    @Test func cancellingClosesTheFormAndTellsItsOwnerOnce() throws {
        let owner = Owner()
        let (fixture, window) = try opened(owner)
        fixture.model.cancelForm(in: window)
        fixture.model.cancelForm(in: window)
        #expect(fixture.model.form(in: window) == nil)
        #expect(owner.cancelled == 1)
        #expect(owner.submitted.isEmpty)
    }

    @Test func anAnswerToACancelledFormLeavesTheNextOneAlone() throws {
        let first = Owner()
        let (fixture, window) = try opened(first)
        fixture.model.setFormField(4, to: ["1"], in: window)
        fixture.model.submitForm(in: window)
        fixture.model.cancelForm(in: window)
        let second = Owner()
        #expect(fixture.model.openForm(Self.form, title: "Again", in: window, handler: second.handler))
        first.done[0](nil)
        #expect(try shown(fixture, window).title == "Again", "still open")
        first.done[0]("refused")
        #expect(try shown(fixture, window).refusal == nil)
    }

    @Test func aWindowHoldsOneFormAtATime() throws {
        let (fixture, window) = try opened(Owner())
        let other = Owner()
        #expect(!fixture.model.openForm(DataForm(type: .form), title: "Another", in: window, handler: other.handler))
        #expect(try shown(fixture, window).title == "Configure the bot")
    }

    @Test func aChangeInTheFormOnScreenRedrawsTheChatAndElsewhereTheStatusBar() throws {
        let (fixture, window) = try opened(Owner())
        fixture.changes.removeAll()
        fixture.model.setFormField(2, to: ["x"], in: window)
        #expect(fixture.changes == [.chat])
        fixture.model.switchTo(0)
        fixture.changes.removeAll()
        fixture.model.setFormField(2, to: ["y"], in: window)
        #expect(fixture.changes == [.status])
    }
}
