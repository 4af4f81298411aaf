import Glibc

/// Asks for a password on the controlling terminal with echo off; nil when there is no terminal.
func promptForPassword(_ prompt: String) -> String? {
    let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var original = termios()
    guard tcgetattr(fd, &original) == 0 else { return nil }
    var silent = original
    silent.c_lflag &= ~tcflag_t(ECHO)
    _ = prompt.withCString { write(fd, $0, strlen($0)) }
    tcsetattr(fd, TCSAFLUSH, &silent)
    defer {
        tcsetattr(fd, TCSAFLUSH, &original)
        _ = write(fd, "\n", 1)
    }
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1 && byte != UInt8(ascii: "\n") { bytes.append(byte) }
    return String(decoding: bytes, as: UTF8.self)
}
