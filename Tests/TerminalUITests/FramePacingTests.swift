import TerminalUI
import Testing

/// When the interactive client draws: what the network brings waits for the next frame, a key
/// is drawn at once.
@Suite struct FramePacingTests {
    let start = ContinuousClock.now

    @Test func theFirstFrameIsDrawnAtOnce() {
        #expect(FramePacing().wait(at: start) == .zero)
    }

    @Test func theNetworksChangesWaitForTheRestOfTheFrame() {
        var pacing = FramePacing()
        pacing.drawn(at: start)
        #expect(pacing.wait(at: start + .milliseconds(5)) == .milliseconds(11))
        #expect(pacing.wait(at: start + .milliseconds(16)) == .zero)
        #expect(pacing.wait(at: start + .seconds(3)) == .zero, "never negative")
    }

    @Test func aKeyIsDrawnAtOnceAndTheFrameAfterItPacesAgain() {
        var pacing = FramePacing()
        pacing.drawn(at: start)
        pacing.keyHandled()
        #expect(pacing.wait(at: start + .milliseconds(1)) == .zero, "typing never waits for the frame")
        pacing.drawn(at: start + .milliseconds(1))
        #expect(pacing.wait(at: start + .milliseconds(2)) == .milliseconds(15))
    }
}
