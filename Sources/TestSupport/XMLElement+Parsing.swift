import XMLStream
import XMPPCore

extension XMLElement {
    /// Parses one element written as XML text (inside a `jabber:client` stream), for tests.
    public static func parse(_ xml: String) -> XMLElement? {
        XMLStreamParser.parseElement(xml, maximumSize: 1 << 20)
    }

    /// Whether this element matches a pattern: same name and namespace, the same attributes (a
    /// pattern value of `*` accepts any value), the pattern's child elements in order, and the same
    /// text (`*` accepts any). Attribute order never matters.
    public func matches(_ pattern: XMLElement) -> Bool {
        guard name == pattern.name, (namespace ?? Namespace.client) == (pattern.namespace ?? Namespace.client),
            attributes.count == pattern.attributes.count
        else { return false }
        for expected in pattern.attributes {
            guard let actual = self[attribute: expected.name], expected.value == "*" || actual == expected.value
            else { return false }
        }
        let ownElements = elements
        let patternElements = pattern.elements
        guard ownElements.count == patternElements.count else { return false }
        for (actual, expected) in zip(ownElements, patternElements) where !actual.matches(expected) { return false }
        let patternText = pattern.text
        return patternText == "*" || text == patternText
    }

    /// Whether this element matches the pattern given as XML text.
    public func matches(_ pattern: String) -> Bool {
        guard let element = XMLElement.parse(pattern) else { return false }
        return matches(element)
    }
}
