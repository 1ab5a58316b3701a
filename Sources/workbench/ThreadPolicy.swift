import Foundation

/// How long idle kernel threads spin before they sleep.
///
/// The OpenMP runtime (libgomp) under the layer kernels and the split matrix products
/// keeps each idle worker spinning for about 3 ms after every parallel region unless told
/// otherwise: with a parallel loop every few milliseconds the second core never rests, and any
/// other busy process on a small machine starves (two trainings side by side ran up to 4×
/// slower). libgomp reads its
/// policy once, when it loads, before `main`; so a process started without one sets a short
/// spin (GOMP_SPINCOUNT=10000, about 0.1 ms, within 2 % of the default's speed when alone,
/// docs/performance.md) and executes itself again, once. An explicit GOMP_SPINCOUNT or
/// OMP_WAIT_POLICY in the environment is left alone.
enum ThreadPolicy {
    static let spinCount = "10000"

    static func apply() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["GOMP_SPINCOUNT"] == nil, environment["OMP_WAIT_POLICY"] == nil else { return }
        setenv("GOMP_SPINCOUNT", spinCount, 1)
        // Returns only when the executable cannot be found again; the default spin then stays.
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
