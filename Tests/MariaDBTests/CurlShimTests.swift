import CCurlShim
import Foundation
import Testing

/// The typed wrappers around the variadic `curl_easy_setopt` drive a real transfer.
@Suite("libcurl shim")
struct CurlShimTests {
    final class Sink { var bytes: [UInt8] = [] }

    @Test func transfersAFileThroughTypedOptions() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("curl-shim-\(UUID().uuidString).txt")
        let content = "héllo from curl ✓\n" + String(repeating: "x", count: 100_000)
        try content.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let sink = Sink()
        #expect(bkntc_curl_setopt_string(handle, CURLOPT_URL, url.absoluteString) == CURLE_OK)
        #expect(bkntc_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, 5000) == CURLE_OK)
        #expect(bkntc_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()) == CURLE_OK)
        #expect(
            bkntc_curl_setopt_write_function(handle) { data, size, count, context in
                let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                let length = size * count
                data!.withMemoryRebound(to: UInt8.self, capacity: length) {
                    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                return length
            } == CURLE_OK)
        #expect(curl_easy_perform(handle) == CURLE_OK)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == content)
        // A missing file is an error code, not a crash.
        #expect(bkntc_curl_setopt_string(handle, CURLOPT_URL, url.absoluteString + ".missing") == CURLE_OK)
        #expect(curl_easy_perform(handle) == CURLE_FILE_COULDNT_READ_FILE)
    }
}
