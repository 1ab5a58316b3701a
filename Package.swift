// swift-tools-version:6.0
import PackageDescription

/// Hot numeric loops are compiled with optimisation even in debug builds, so that
/// `swift run workbench` trains at a useful speed without `-c release`.
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// The BLAS behind every matrix product: BLIS by default (Debian's libblis-serial-dev), OpenBLAS
/// with `WORKBENCH_BLAS=openblas` in the environment of the build. Both speak CBLAS and run one
/// single-threaded call per thread (CKernels' wb_parallel_gemm splits the products); on this
/// project's shapes BLIS is the faster of the two (docs/performance.md). TensorCore imports
/// whichever module this names.
let useOpenBLAS = Context.environment["WORKBENCH_BLAS"]?.lowercased() == "openblas"
let blasModule = useOpenBLAS ? "COpenBLAS" : "CBLIS"
/// Debian keeps the serial BLIS in its own folder (libblis.so.4 in the main one is whichever
/// build update-alternatives chose, OpenMP when that is installed too): link it and find it there.
let serialBLISFolders = ["x86_64-linux-gnu", "aarch64-linux-gnu"].map { "/usr/lib/\($0)/blis-serial" }
let blasLinkerSettings: [LinkerSetting] = useOpenBLAS ? [] : [
    .unsafeFlags(serialBLISFolders.flatMap { ["-L\($0)", "-Xlinker", "-rpath", "-Xlinker", $0] }),
]

let package = Package(
    name: "Workbench",
    products: [
        .executable(name: "workbench", targets: ["workbench"]),
        .library(name: "Trainer", targets: ["Trainer"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "TUI", targets: ["TUI"]),
        .library(name: "ReaderFuzzing", targets: ["ReaderFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Thin module maps over Debian's C libraries, found by pkg-config.
        // ncursesw's pkg-config flags are only -D defines, which SwiftPM refuses with a
        // warning; the shim sets what is needed and its headers are on the default path.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Debian ships no pkg-config file for BLIS; its header is on the default path, its library
        // in a folder TensorCore adds (blasLinkerSettings).
        .systemLibrary(name: "CBLIS", providers: [.apt(["libblis-serial-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),

        // Hand-written SIMD kernels the BLAS lacks (the kNN's int8 screen; the layers' elementwise
        // and per-channel loops, the contrastive softmax, the parameter updates), optimised even
        // in debug builds and dispatched at run time, and the split of matrix products over threads.
        // libgomp: the OpenMP runtime whose thread pool runs those splits (by its runtime file
        // name, so that Debian's libgomp1 suffices without a development package).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary(":libgomp.so.1")]),

        // BLIS's products through its expert interface, choosing its code path per call (the
        // BLIS build only).
        .target(name: "CBLISGemm", dependencies: ["CBLIS"], cSettings: [.unsafeFlags(["-O2"])]),

        // JPEG decoding with libjpeg-turbo, its longjmp errors trapped in C.
        .target(name: "CJPEG", cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("jpeg")]),

        // What every layer shares: the words (method kinds, run status, and the typed run identity
        // that folder names, seed groups, labels, legends and method colours are derived from) and
        // the project's two file conventions (atomic writes, CSV quoting).
        .target(name: "Vocabulary"),

        // Shapes, contiguous Float buffers, the one BLAS wrapper, seeded RNG.
        .target(name: "TensorCore", dependencies: [.target(name: blasModule), "CKernels"] + (useOpenBLAS ? [] : ["CBLISGemm"]),
                swiftSettings: optimisedEvenInDebug, linkerSettings: blasLinkerSettings),
        // Evaluation: kNN, linear probe, diagnostics and the metrics they fill; pure functions over arrays.
        .target(name: "Evaluation", dependencies: ["Vocabulary", "TensorCore", "CKernels"], swiftSettings: optimisedEvenInDebug),
        // Reporting: figures (PNG through libpng and FreeType, SVG), tables and the export of runs' metrics.
        .target(name: "Reporting", dependencies: ["Vocabulary", "Evaluation", "CPNG", "CFreeType", "CZlib"]),
        // Layers, losses, optimisers, data, augmentation, runs.
        .target(name: "Trainer", dependencies: ["Vocabulary", "TensorCore", "Evaluation", "CKernels", "CZlib", "CPNG", "CJPEG"],
                swiftSettings: optimisedEvenInDebug),
        // The screen: cell grid, panels, keys; ncurses is one sink.
        .target(name: "TUI", dependencies: ["Vocabulary", "Trainer", "Evaluation", "Reporting", "CNcurses"]),
        // Every reader of outside bytes behind one entry point, for libFuzzer (Fuzz/) and the suite.
        .target(name: "ReaderFuzzing", dependencies: ["Trainer"]),
        .executableTarget(name: "workbench", dependencies: [
            "Vocabulary", "TensorCore", "Trainer", "Evaluation", "Reporting", "TUI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Fixtures shared by the test targets (files written with the real libraries).
        .target(name: "TestSupport", dependencies: ["Vocabulary", "Trainer", "CPNG", "CJPEG"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "TrainerTests", dependencies: ["Vocabulary", "Trainer", "TensorCore", "Evaluation", "CKernels", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Vocabulary", "Evaluation", "Reporting", "TensorCore", "CKernels", "CPNG", "TestSupport"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Trainer", "Evaluation", "Reporting", "Vocabulary", "TestSupport"]),
        .testTarget(name: "ReaderFuzzingTests", dependencies: ["Vocabulary", "ReaderFuzzing", "Trainer", "Evaluation", "Reporting", "TestSupport"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Vocabulary", "workbench", "TestSupport", "Trainer", "Evaluation", "Reporting"], exclude: ["Expected"]),
    ],
    swiftLanguageModes: [.v6]
)
