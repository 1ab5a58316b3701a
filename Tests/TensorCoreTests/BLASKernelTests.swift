import Foundation
import Testing
@testable import TensorCore

/// The products run on kernels made for the CPU, not on BLIS's generic reference code (which
/// Debian's BLIS 0.9 falls back to on CPUs newer than it knows, such as Zen 5: about 5× slower).
struct BLASKernelTests {
    /// The CPU's feature flags, from /proc/cpuinfo (empty elsewhere).
    static let cpuFlags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }()

    @Test(.enabled(if: BLAS.library == "BLIS" && cpuFlags.contains("avx2") && cpuFlags.contains("fma")))
    func blisRunsVectorKernelsOnAVX2Machines() {
        #expect(BLAS.coreName != "generic", "BLIS chose its generic kernels on a CPU with AVX2 and FMA")
    }
}
