import Foundation
import Testing
import Trainer
@testable import TUI

/// The one key table behind the help overlay, `KeyMap.action` and the README.
@Suite struct KeyTableTests {
    @Test func noKeyIsBoundTwice() {
        let keys = KeyMap.rows.flatMap { $0.bindings.map(\.key) }
        let repeated = Dictionary(grouping: keys) { $0 }.filter { $0.value.count > 1 }.keys
        #expect(repeated.isEmpty, "bound twice: \(repeated)")
        #expect(Set(KeyMap.rows.map(\.keys)).count == KeyMap.rows.count, "one row per key set")
    }

    @Test func everyBoundKeyActsAndHelpListsEveryRow() {
        let snapshot = sampleSnapshot()
        for row in KeyMap.rows {
            for binding in row.bindings {
                #expect(KeyMap.action(for: binding.key, state: UIState(), snapshot: snapshot) != .none || binding.effect == .selectUp,
                        "\(row.keys): \(binding.key) does nothing")
            }
        }
        #expect(KeyMap.help.map(\.keys) == KeyMap.rows.map(\.keys))
        #expect(KeyMap.action(for: .character("Z"), state: UIState(), snapshot: snapshot) == .none)
    }

    /// The README's key table is `KeyMap.markdownTable`: on a failure, paste the expected table.
    @Test func theReadmeTableIsTheKeyTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(KeyMap.markdownTable), "README.md should hold this key table:\n\(KeyMap.markdownTable)")
    }
}
