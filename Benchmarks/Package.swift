// swift-tools-version:6.1
// The performance suite (ordo-one/benchmark, with malloc counters), kept apart from the
// product and from `make test`: `make bench`, or `swift package benchmark` here.
import PackageDescription

let package = Package(
    name: "WorkbenchBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Workbench", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Workbench",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Trainer", package: "Workbench"),
                .product(name: "Evaluation", package: "Workbench"),
                .product(name: "Reporting", package: "Workbench"),
            ],
            path: "Benchmarks/Workbench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
