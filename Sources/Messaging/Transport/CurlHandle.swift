import CCurlShim
import Foundation

/// What one libcurl transfer came to, before any provider reads it.
struct CurlResult: Sendable {
    /// libcurl's result code (`CURLE_OK` = 0).
    var code: CURLcode
    /// The last HTTP status or SMTP reply code (0 when none was received).
    var responseCode: Int
    /// Response header lines (HTTP) or the server's reply lines (SMTP), without line ends.
    var headerLines: [String]
    var body: [UInt8]
    /// Whether the request began to leave this machine (connected and sending).
    var requestStarted: Bool
    /// The response exceeded the size cap and was cut off.
    var overflowed: Bool
    /// libcurl's own description of the failure.
    var errorText: String
    /// The transfer was refused because its host resolved only to internal addresses
    /// (`refuseInternalAddresses`).
    var refusedInternalAddress = false

    var succeeded: Bool { code == CURLE_OK }
}

/// Buffers a transfer's callbacks write to and read from (passed to C as an opaque pointer).
final class TransferBuffers {
    var body: [UInt8] = []
    var headerLines: [String] = []
    var upload: [UInt8] = []
    var uploadOffset = 0
    let cap: Int
    var overflowed = false

    init(cap: Int) { self.cap = cap }
}

/// One libcurl easy handle. Not thread-safe: a handle is used by one transfer at a time, on a
/// blocking thread; between transfers it keeps its connection cache, so the next transfer to
/// the same server reuses the connection (keep-alive, SMTP sessions).
final class CurlHandle {
    let raw: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// libcurl writes a failure's description here (it keeps the pointer, so it must not move).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// Set by the socket guard when it refused an internal address (it keeps the pointer too).
    private let refusedFlag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    init?() {
        guard Self.globalInit, let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        refusedFlag.initialize(to: 0)
    }

    deinit {
        freeLists()
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
        refusedFlag.deallocate()
    }

    /// Clears the options of the previous transfer; live connections stay cached.
    func reset() {
        curl_easy_reset(raw)
        freeLists()
        refusedFlag.pointee = 0
    }

    /// Never connects to a loopback, private, link-local or unspecified address for this transfer
    /// (DESIGN §13: a tenant's own SMTP host); a refusal shows as `refusedInternalAddress`.
    func refuseInternalAddresses() {
        _ = bkntc_curl_refuse_internal_addresses(raw, refusedFlag)
    }

    private func freeLists() {
        for list in lists { curl_slist_free_all(list) }
        lists.removeAll()
    }

    func set(_ option: CURLoption, _ value: Int) { _ = bkntc_curl_setopt_long(raw, option, value) }
    func set(_ option: CURLoption, _ value: String) { _ = bkntc_curl_setopt_string(raw, option, value) }

    /// Sets a string-list option (headers, recipients); the list lives until the next reset.
    func set(_ option: CURLoption, list values: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values { list = curl_slist_append(list, value) }
        guard let list else { return }
        lists.append(list)
        _ = bkntc_curl_setopt_slist(raw, option, list)
    }

    /// The options every outbound transfer carries (DESIGN §7, issue: NOSIGNAL, timeouts,
    /// TLS verification always on, a protocol allow-list, a capped response).
    func applyPolicy(_ policy: TransportPolicy, protocols: String) {
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(policy.connectTimeout * 1000))
        set(CURLOPT_TIMEOUT_MS, Int(policy.totalTimeout * 1000))
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_PROTOCOLS_STR, protocols)
        set(CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        set(CURLOPT_FOLLOWLOCATION, 0)
        if let caFile = policy.caFile { set(CURLOPT_CAINFO, caFile) }
        _ = bkntc_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    /// Runs the transfer (blocking). `buffers` receives the response and supplies an upload.
    func perform(_ buffers: TransferBuffers, upload: Bool) -> CurlResult {
        let context = Unmanaged.passUnretained(buffers).toOpaque()
        _ = bkntc_curl_setopt_pointer(raw, CURLOPT_WRITEDATA, context)
        _ = bkntc_curl_setopt_pointer(raw, CURLOPT_HEADERDATA, context)
        _ = bkntc_curl_setopt_write_function(raw, writeCallback)
        _ = bkntc_curl_setopt_header_function(raw, headerCallback)
        if upload {
            _ = bkntc_curl_setopt_pointer(raw, CURLOPT_READDATA, context)
            _ = bkntc_curl_setopt_read_function(raw, readCallback)
            set(CURLOPT_UPLOAD, 1)
            set(CURLOPT_INFILESIZE_LARGE, buffers.upload.count)
        }
        errorBuffer[0] = 0
        _ = bkntc_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
        let code = curl_easy_perform(raw)
        var response = 0
        _ = bkntc_curl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &response)
        var pretransfer = 0
        _ = bkntc_curl_getinfo_long(raw, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        let detail = String(cString: errorBuffer)
        return CurlResult(
            code: code, responseCode: response, headerLines: buffers.headerLines, body: buffers.body,
            requestStarted: pretransfer > 0, overflowed: buffers.overflowed,
            errorText: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
            refusedInternalAddress: refusedFlag.pointee != 0 && code != CURLE_OK)
    }
}

private func writeCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<TransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if buffers.body.count + length > buffers.cap {
        buffers.overflowed = true
        return 0  // aborts the transfer: CURLE_WRITE_ERROR
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { buffers.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

private func headerCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<TransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if buffers.headerLines.count < 200 {
        let bytes = data.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        let line = trimmingWhiteSpace(String(decoding: bytes, as: UTF8.self))
        if !line.isEmpty { buffers.headerLines.append(String(line.prefix(1000))) }
    }
    return length
}

private func readCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<TransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let length = min(size * count, buffers.upload.count - buffers.uploadOffset)
    if length <= 0 { return 0 }
    buffers.upload.withUnsafeBufferPointer { source in
        data.withMemoryRebound(to: UInt8.self, capacity: length) { target in
            target.update(from: source.baseAddress! + buffers.uploadOffset, count: length)
        }
    }
    buffers.uploadOffset += length
    return length
}
