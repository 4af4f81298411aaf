import Foundation
import Glibc
import Networking
import Testing

/// The loop's promises to the code that runs on it: timer order, cancellation, waking, handing
/// work back from other threads, and waits that end when they should.
@Suite struct EventLoopOrderTests {
    /// Runs the loop until `condition` holds, at most two seconds.
    func spin(_ loop: EventLoop, until condition: () -> Bool) {
        let held = loop.run(for: .seconds(2), until: condition)
        #expect(held)
    }

    @Test func timersDueAtTheSameInstantFireInTheOrderTheyWereScheduled() throws {
        let loop = try EventLoop()
        let deadline = loop.now + .milliseconds(5)
        var fired: [Int] = []
        for index in 0..<20 { loop.schedule(at: deadline) { fired.append(index) } }
        spin(loop) { fired.count == 20 }
        #expect(fired == Array(0..<20))
    }

    @Test func aTimerCancelledByAnEarlierOneInTheSameTurnDoesNotFire() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        let deadline = loop.now + .milliseconds(5)
        var victim: EventLoop.TimerID?
        loop.schedule(at: deadline) {
            fired.append("first")
            if let victim { loop.cancel(victim) }
        }
        victim = loop.schedule(at: deadline + .microseconds(1)) { fired.append("victim") }
        loop.schedule(at: deadline + .microseconds(2)) { fired.append("last") }
        spin(loop) { fired.count == 2 }
        loop.runOnce(maximumWait: .milliseconds(10))
        #expect(fired == ["first", "last"])
    }

    @Test func aTimerScheduledByATimerWaitsForTheNextTurn() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        loop.schedule(after: .zero) {
            fired.append("outer")
            loop.schedule(after: .zero) { fired.append("inner") }
        }
        loop.runOnce(maximumWait: .milliseconds(50))
        #expect(fired == ["outer"])
        loop.runOnce(maximumWait: .milliseconds(50))
        #expect(fired == ["outer", "inner"])
    }

    /// `poll` counts whole milliseconds: the wait is rounded up, so one turn is enough for a timer
    /// a fraction of a millisecond away.
    @Test func oneTurnIsEnoughForATimerWhateverItsFraction() throws {
        let loop = try EventLoop()
        for microseconds in [1, 500, 1_500, 3_999] {
            var fired = false
            loop.schedule(after: .microseconds(microseconds)) { fired = true }
            loop.runOnce()
            #expect(fired, "\(microseconds) µs")
        }
    }

    @Test func aTimerAlreadyDueDoesNotWait() throws {
        let loop = try EventLoop(longestWait: .seconds(5))
        var fired = false
        loop.schedule(at: loop.now - .seconds(1)) { fired = true }
        let waited = ContinuousClock().measure { loop.runOnce() }
        #expect(fired && waited < .seconds(1))
    }

    @Test func manyWorkersHandTheirResultsToTheLoopThread() throws {
        let loop = try EventLoop()
        let loopThread = pthread_self()
        var results: [Int] = []
        var onLoopThread = true
        for index in 0..<20 {
            loop.runInBackground {
                usleep(UInt32(index % 5) * 1_000)
                return index
            } completion: { value in
                onLoopThread = onLoopThread && pthread_equal(pthread_self(), loopThread) != 0
                results.append(value)
            }
        }
        spin(loop) { results.count == 20 }
        loop.runOnce(maximumWait: .milliseconds(20))
        #expect(results.sorted() == Array(0..<20), "each completion once")
        #expect(onLoopThread)
    }

    @Test func aWakerCutsALongWaitShort() throws {
        let loop = try EventLoop(longestWait: .seconds(5))
        let waker = loop.waker
        let thread = Thread {
            usleep(50_000)
            waker.wake()
        }
        thread.start()
        let waited = ContinuousClock().measure { loop.runOnce() }
        #expect(waited >= .milliseconds(40) && waited < .seconds(2))
    }

    @Test func boundedRunsEndOnTimeOrWhenTheConditionHolds() throws {
        let loop = try EventLoop()
        let clock = ContinuousClock()
        var held = true
        let waited = clock.measure { held = loop.run(for: .milliseconds(120), until: { false }) }
        #expect(!held && waited >= .milliseconds(120) && waited < .seconds(1))
        var done = false
        loop.schedule(after: .milliseconds(10)) { done = true }
        #expect(loop.run(for: .seconds(2)) { done })
        loop.schedule(after: .milliseconds(10)) { loop.stop() }
        let stopped = clock.measure { loop.run() }
        #expect(stopped < .seconds(2))
    }

    @Test func aWatchRemovedByAnotherHandlerInTheSameTurnIsNotCalled() throws {
        let loop = try EventLoop()
        var pipes: [[Int32]] = []
        for _ in 0..<2 {
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            var byte: UInt8 = 1
            #expect(write(fds[1], &byte, 1) == 1)
            pipes.append(fds)
        }
        defer { for fd in pipes.joined() { close(fd) } }
        var calls: [Int] = []
        var watches: [EventLoop.WatchID] = []
        for index in 0..<2 {
            watches.append(
                loop.watch(pipes[index][0], for: .readable) { _ in
                    calls.append(index)
                    loop.unwatch(watches[1 - index])
                })
        }
        loop.runOnce(maximumWait: .milliseconds(100))
        #expect(calls.count == 1, "whichever ran first removed the other")
    }

    @Test func aWatchCanBeTurnedToWritability() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { for fd in fds { close(fd) } }
        var seen: [EventLoop.Events] = []
        let watch = loop.watch(fds[1], for: []) { seen.append($0) }
        loop.runOnce(maximumWait: .milliseconds(20))
        #expect(seen.isEmpty, "an empty pipe's write end, watched for nothing")
        loop.update(watch, to: .writable)
        loop.runOnce(maximumWait: .milliseconds(100))
        #expect(seen == [.writable])
    }
}
