// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, one per reader of outside bytes (see Sources/ReaderFuzzing). Kept in a
// package of their own so that the whole program is built with fuzzer instrumentation here
// and never in the normal build. Built and run by `make fuzz`.
let targets = ["idx", "png", "jpeg", "cifar", "stl10", "checkpoint", "run-record", "metrics", "class-distances", "experiment"]

let package = Package(
    name: "WorkbenchFuzz",
    dependencies: [.package(name: "Workbench", path: "..")],
    targets: targets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: [.product(name: "ReaderFuzzing", package: "Workbench")])
    },
    swiftLanguageModes: [.v6]
)
