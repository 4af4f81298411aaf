import Foundation

#if FUZZING
    /// libFuzzer's entry point (built by scripts/fuzz with -sanitize=fuzzer): the target named by
    /// TERN_FUZZ_TARGET.
    let selectedTarget = ProcessInfo.processInfo.environment["TERN_FUZZ_TARGET"] ?? "xml"

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        FuzzTargets.run(selectedTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable's `main` to this symbol; libFuzzer's driver takes over from it.
    @_cdecl("tern_fuzz_main")
    public func fuzzMain(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) -> Int32 {
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments, fuzzOne)
    }
#else
    /// Without libFuzzer: `tern-fuzz TARGET PATH...` runs each file (or each file in each
    /// directory) through the target once, to replay a corpus or a crash.
    @main struct Replay {
        static func main() throws {
            let arguments = CommandLine.arguments.dropFirst()
            guard let target = arguments.first, FuzzTargets.all.contains(target) else {
                FileHandle.standardError.write(
                    Data("usage: tern-fuzz \(FuzzTargets.all.joined(separator: "|")) PATH...\n".utf8))
                exit(64)
            }
            var count = 0
            for path in arguments.dropFirst() {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                let files =
                    exists && isDirectory.boolValue
                    ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                    : [path]
                for file in files {
                    FuzzTargets.run(target, Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                    count += 1
                }
            }
            print("\(target): \(count) inputs, no crash")
        }
    }
#endif
