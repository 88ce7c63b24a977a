import Foundation
import Glibc
import SystemIO
import Testing

@Suite struct DurableFileTests {
    let directory = NSTemporaryDirectory() + "riskd-durable-" + UUID().uuidString

    @Test func appendsAreKeptAndFilesArePrivate() throws {
        try DurableFile.createDirectory(directory + "/nested/state")
        let path = directory + "/nested/state/log"
        let file = try DurableFile(appendingTo: path)
        try file.append(Array("one\n".utf8))
        try file.append(Array("two\n".utf8))
        #expect(file.size == 8)
        file.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(stat(directory + "/nested/state", &status) == 0 && status.st_mode & 0o777 == 0o700)
        // Reopening continues at the end.
        let again = try DurableFile(appendingTo: path)
        #expect(again.size == 8)
    }

    @Test func replaceIsAtomicAndLeavesNoTemporary() throws {
        try DurableFile.createDirectory(directory)
        let path = directory + "/aliases.json"
        try DurableFile.replace(path, with: Array("old".utf8))
        try DurableFile.replace(path, with: Array("new".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func replaceContentsKeepsAppendingToTheNewFile() throws {
        try DurableFile.createDirectory(directory)
        let path = directory + "/log"
        let file = try DurableFile(appendingTo: path, exclusiveLock: true)
        try file.append(Array("a\nb\nc\n".utf8))
        try file.replaceContents(with: Array("c\n".utf8))
        try file.append(Array("d\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "c\nd\n")
        #expect(file.size == 4)
        // The lock moved with the content: a second writer is still refused.
        #expect(throws: DurableFileError.self) { try DurableFile(appendingTo: path, exclusiveLock: true) }
    }

    @Test func truncateDropsATornTail() throws {
        try DurableFile.createDirectory(directory)
        let file = try DurableFile(appendingTo: directory + "/log")
        try file.append(Array("complete|torn".utf8))
        try file.truncate(to: 9)
        try file.append(Array("next".utf8))
        #expect(try String(contentsOfFile: directory + "/log", encoding: .utf8) == "complete|next")
    }

    @Test func aSecondExclusiveWriterIsRefused() throws {
        try DurableFile.createDirectory(directory)
        let first = try DurableFile(appendingTo: directory + "/outbox.log", exclusiveLock: true)
        #expect(throws: DurableFileError.self) {
            try DurableFile(appendingTo: directory + "/outbox.log", exclusiveLock: true)
        }
        first.close()
        _ = try DurableFile(appendingTo: directory + "/outbox.log", exclusiveLock: true)
    }

    @Test func appendAfterCloseFailsWithTheFileNamed() throws {
        try DurableFile.createDirectory(directory)
        let file = try DurableFile(appendingTo: directory + "/closed")
        file.close()
        let error = try #require(throws: DurableFileError.self) { try file.append([1]) }
        #expect(error.description.contains(directory + "/closed"))
    }
}
