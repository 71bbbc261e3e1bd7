import Foundation
// TEMPORARY instrumentation (removed before commit).
final class ZZStats: @unchecked Sendable {
    static let shared = ZZStats()
    private let lock = NSLock()
    var t: [String: Double] = [:]
    var n: [String: Int] = [:]
    func add(_ k: String, _ dt: Double) { lock.lock(); t[k, default: 0] += dt; n[k, default: 0] += 1; lock.unlock() }
    func time<T>(_ k: String, _ f: () throws -> T) rethrows -> T {
        var a = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a)
        defer { var b = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b); add(k, Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9) }
        return try f()
    }
    var keys: [String: Int] = [:]
    func key(_ k: String) { lock.lock(); keys[k, default: 0] += 1; lock.unlock() }
    func dump() {
        FileHandle.standardError.write("ZZ distinct programs \(keys.count) of \(keys.values.reduce(0, +))\n".data(using: .utf8)!)
        guard ProcessInfo.processInfo.environment["ZZ"] != nil else { return }
        lock.lock(); defer { lock.unlock() }
        for k in t.keys.sorted() { FileHandle.standardError.write("ZZ \(k): \(n[k]!) calls, \(String(format: "%.4f", t[k]!)) s\n".data(using: .utf8)!) }
    }
}
