/// One XML element of a stanza: a value type, compared structurally.
///
/// `namespace` is the resolved namespace URI (`nil` only for elements built without one, which then
/// inherit their parent's namespace when serialised). Attribute names are qualified names as they
/// appear on the wire (`to`, `xml:lang`); namespace declarations are not attributes.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]

    public init(
        _ name: String,
        namespace: String? = nil,
        attributes: [XMLAttribute] = [],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// Builds an element from a name, a namespace, attribute pairs (nil values are left out) and
    /// child elements.
    public init(
        _ name: String,
        namespace: String? = nil,
        _ attributes: KeyValuePairs<String, String?>,
        elements: [XMLElement] = [],
        text: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes.compactMap { key, value in value.map { XMLAttribute(name: key, value: $0) } }
        self.children = elements.map(XMLNode.element)
        if let text { self.children.append(.text(text)) }
    }

    public subscript(attribute name: String) -> String? {
        get { attributes.first { $0.name == name }?.value }
        set {
            if let index = attributes.firstIndex(where: { $0.name == name }) {
                if let newValue { attributes[index].value = newValue } else { attributes.remove(at: index) }
            } else if let newValue {
                attributes.append(XMLAttribute(name: name, value: newValue))
            }
        }
    }

    /// The child elements, in document order.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The first child element with this name and, when given, this namespace.
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        for node in children {
            if case .element(let element) = node, element.name == name,
                namespace == nil || element.namespace == namespace
            {
                return element
            }
        }
        return nil
    }

    /// All child elements with this name and, when given, this namespace.
    public func children(_ name: String, namespace: String? = nil) -> [XMLElement] {
        elements.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// The concatenated text directly inside this element.
    public var text: String {
        var result = ""
        for node in children { if case .text(let text) = node { result += text } }
        return result
    }

    /// The text of the first child with this name, if there is such a child.
    public func childText(_ name: String, namespace: String? = nil) -> String? {
        child(name, namespace: namespace)?.text
    }

    public mutating func append(_ element: XMLElement) { children.append(.element(element)) }

    public mutating func append(text: String) { children.append(.text(text)) }

    /// Removes every child element with this name and namespace.
    public mutating func removeChildren(_ name: String, namespace: String?) {
        children.removeAll {
            if case .element(let element) = $0 { element.name == name && element.namespace == namespace } else { false }
        }
    }
}

public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public enum XMLNode: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}
