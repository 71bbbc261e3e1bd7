import CGEOS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one GEOS context handle (`GEOS_init_r` … `GEOS_finish_r`) and collects GEOS's error messages.
///
/// Thread safety: a GEOS context must not be used by two threads at once. Value-type operations use
/// ``current()``, one context per thread, created on first use and finished when the thread exits.
/// Long-lived handle owners (``PreparedGeometry``, ``SpatialIndex``) own a private context instead.
final class GEOSContext {
    let handle: OpaquePointer
    /// The last message GEOS reported through the error handler.
    fileprivate(set) var lastMessage: String = ""

    init() throws {
        // Binds the library (first context only): every later GEOS call goes through `geosAPI`.
        _ = try GEOSLibrary.loaded()
        // GEOS_init_r returns NULL only when it cannot allocate the context.
        guard let h = geosAPI.GEOS_init_r() else {
            throw GeometryError.geos(operation: "GEOS_init_r", message: "could not allocate a GEOS context")
        }
        handle = h
        let box = Unmanaged.passUnretained(self).toOpaque()
        _ = geosAPI.GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue().lastMessage = String(cString: message)
        }, box)
    }

    deinit { geosAPI.GEOS_finish_r(handle) }

    /// The context of the calling thread.
    static func current() throws -> GEOSContext {
        if let raw = pthread_getspecific(threadContextKey) {
            return Unmanaged<GEOSContext>.fromOpaque(raw).takeUnretainedValue()
        }
        let context = try GEOSContext()
        pthread_setspecific(threadContextKey, Unmanaged.passRetained(context).toOpaque())
        return context
    }

    /// Clears the last message before a call, so that a failure reports its own message only.
    func resetMessage() { lastMessage = "" }

    /// The typed error for a failed call, carrying GEOS's message.
    func error(_ operation: String) -> GeometryError {
        .geos(operation: operation, message: lastMessage.isEmpty ? "GEOS reported an error without a message" : lastMessage)
    }

    /// Converts a GEOS boolean result (0 false, 1 true, 2 exception) into a Swift Bool.
    func bool(_ result: CChar, _ operation: String) throws -> Bool {
        switch result {
        case 0: return false
        case 1: return true
        default: throw error(operation)
        }
    }

    /// Takes ownership of a geometry a GEOS call returned (NULL on exception).
    func own(_ pointer: OpaquePointer?, _ operation: String) throws -> GEOSObject {
        guard let pointer else { throw error(operation) }
        return GEOSObject(owning: pointer, context: self)
    }

    /// Copies a string GEOS allocated and frees it with `GEOSFree_r`.
    func takeString(_ pointer: UnsafeMutablePointer<CChar>?, _ operation: String) throws -> String {
        guard let pointer else { throw error(operation) }
        defer { geosAPI.GEOSFree_r(handle, pointer) }
        return String(cString: pointer)
    }
}

/// The thread-local slot holding each thread's context; the destructor releases it at thread exit.
private let threadContextKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
        #if canImport(Darwin)
        Unmanaged<GEOSContext>.fromOpaque(raw).release()
        #else
        guard let raw else { return }
        Unmanaged<GEOSContext>.fromOpaque(raw).release()
        #endif
    }
    precondition(status == 0, "pthread_key_create failed (\(status)): cannot hold per-thread GEOS contexts")
    return key
}()
