import XMPPCore

/// Namespaces of OMEMO (XEP-0384): version 0.3, which deployed clients speak, and OMEMO 2.
extension Namespace {
    /// XEP-0384 version 0.3: elements and the prefix of its PEP nodes.
    public static let omemoLegacy = "eu.siacs.conversations.axolotl"
    /// XEP-0384 (current): OMEMO 2's elements and the prefix of its PEP nodes.
    public static let omemo2 = "urn:xmpp:omemo:2"
}
