import Foundation
import TernConfig
import Testing

/// The `[files]` table: the download directory and the opener.
@Suite struct FilesConfigurationTests {
    @Test func theDownloadDirectoryIsConfiguredElseXDGElseHomeDownloads() throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let configured = try parseConfig("[files]\ndownloads = \"~/In\"\nopener = \"feh --scale-down\"\n").files
        #expect(configured.downloads == home + "/In")
        #expect(configured.opener == "feh --scale-down")
        #expect(configured.downloadDirectory(environment: ["XDG_DOWNLOAD_DIR": "/srv/dl"]) == home + "/In")

        let defaults = try parseConfig("").files
        #expect(defaults == FilesConfiguration())
        #expect(defaults.opener == "xdg-open")
        #expect(defaults.downloadDirectory(environment: ["XDG_DOWNLOAD_DIR": "/srv/dl", "HOME": "/h"]) == "/srv/dl")
        #expect(defaults.downloadDirectory(environment: ["HOME": "/h"]) == "/h/Downloads")
        #expect(
            defaults.downloadDirectory(environment: ["XDG_DOWNLOAD_DIR": "relative", "HOME": "/h"]) == "/h/Downloads",
            "a relative XDG_DOWNLOAD_DIR is not trusted")
    }

    @Test func filesMistakesAreNamed() {
        #expect(configProblem("[files]\nopener = \" \"\n")?.message == "the opener cannot be empty")
        #expect(configProblem("[files]\ndownloads = 3\n")?.message == "expected a string, found an integer")
        #expect(configProblem("[files]\nopen = \"x\"\n")?.key == "files.open")
    }
}
