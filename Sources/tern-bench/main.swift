// Benchmarks that print figures (release build: `swift run -c release tern-bench [parse|login]`).
@preconcurrency import Glibc

// Figures appear as they are measured, also when the output goes to a file.
setvbuf(stdout, nil, _IOLBF, 0)
let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
switch which {
case "parse": ParseBenchmark.run()
case "login": LoginBenchmark.run(runs: Int(arguments.dropFirst().first ?? "") ?? 20)
case "store": StoreBenchmark.run()
case "store-insert": StoreBenchmark.runInsertOnly()
case "ui": UIBenchmark.run()
case "im": IMBenchmark.run(messages: Int(arguments.dropFirst().first ?? "") ?? 10_000, contacts: 1000)
case "sm": SMBenchmark.run(outages: 10, messages: Int(arguments.dropFirst().first ?? "") ?? 10_000)
case "client":
    ProcessBenchmark.run(
        messages: Int(arguments.dropFirst().first ?? "") ?? 10_000, contacts: 1000,
        launches: Int(arguments.dropFirst(2).first ?? "") ?? 7)
case "accounts":
    AccountsBenchmark.run(
        launches: Int(arguments.dropFirst().first ?? "") ?? 7,
        messages: Int(arguments.dropFirst(2).first ?? "") ?? 10_000)
case "history": HistoryBenchmark.run(messages: Int(arguments.dropFirst().first ?? "") ?? 10_000)
case "rooms":
    RoomsBenchmark.run(
        launches: Int(arguments.dropFirst().first ?? "") ?? 5,
        messages: Int(arguments.dropFirst(2).first ?? "") ?? 10_000, rate: 1000)
case "files": FilesBenchmark.run(megabytes: Int(arguments.dropFirst().first ?? "") ?? 100)
case "omemo":
    OMEMOBenchmark.run(
        messages: Int(arguments.dropFirst().first ?? "") ?? 2000,
        archived: Int(arguments.dropFirst(2).first ?? "") ?? 10_000)
case "all":
    ParseBenchmark.run()
    LoginBenchmark.run(runs: 20)
    StoreBenchmark.run()
    UIBenchmark.run()
    IMBenchmark.run(messages: 10_000, contacts: 1000)
    SMBenchmark.run(outages: 10, messages: 10_000)
    HistoryBenchmark.run(messages: 10_000)
    ProcessBenchmark.run(messages: 10_000, contacts: 1000, launches: 7)
    AccountsBenchmark.run(launches: 7, messages: 10_000)
    RoomsBenchmark.run(launches: 5, messages: 10_000, rate: 1000)
    FilesBenchmark.run(megabytes: 100)
    OMEMOBenchmark.run(messages: 2000, archived: 10_000)
default:
    print(
        "usage: tern-bench [parse|login [RUNS]|store|ui|im [MESSAGES]|sm [MESSAGES]|history [MESSAGES]|client [MESSAGES [LAUNCHES]]|accounts [LAUNCHES [MESSAGES]]|rooms [LAUNCHES [MESSAGES]]|files [MEGABYTES]|omemo [MESSAGES [ARCHIVED]]|all]"
    )
}
