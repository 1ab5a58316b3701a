import ArgumentParser
import Foundation
import Trainer

/// What `workbench` does with no subcommand until the terminal front end lands:
/// load the default data set and say what can be done with it.
struct Overview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview", abstract: "Load the default data set and show what the workbench can do.")

    @OptionGroup var dataOptions: DataOptions

    func run() throws {
        let data = try dataOptions.load()
        print("Workbench \(Workbench.version)\n")
        print(DataCommand.describe(data))
        print("""

        Commands:
          workbench data [--data NAME|DIR]        check and describe a data set
          workbench bench-step [--backbone B]     time one training step
          workbench --help                        everything else
        """)
    }
}
