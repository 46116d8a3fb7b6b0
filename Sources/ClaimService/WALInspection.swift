import Foundation
import OneClick

/// What a SQLite write-ahead log holds, read from the file before SQLite opens it, so that what
/// SQLite's recovery keeps can be compared with what was committed.
///
/// SQLite's recovery replays the WAL up to the last commit frame before the first frame whose
/// salt or checksum is wrong, and silently drops everything after it (`PRAGMA quick_check` then
/// passes). A dropped commit frame that carries the current salts was written by a transaction
/// that committed.
///
/// (A checkpoint may already have copied dropped frames into the database file; then what
/// SQLite reads afterwards can still be as committed, which `loss(recovered:)` checks page by page.)
///
/// The format is SQLite's (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header
/// (magic, version, page size, checkpoint sequence, two salts, checksum), then frames of a 24-byte
/// header (page number, database size after a commit or 0, the two salts, a cumulative checksum)
/// and one page.
public struct WALInspection: Sendable, Equatable {
    /// One frame of the current generation (its salts are the header's).
    struct Frame: Sendable, Equatable {
        /// 1-based, as SQLite counts frames.
        var index: Int
        var page: UInt32
        /// The database size in pages after this commit; 0 for a frame that is not a commit.
        var commitSize: UInt32
        /// Whether the database file already holds this frame's page content.
        var inDatabase: Bool
    }

    /// The WAL file.
    public var walPath: String
    public var fileSize: Int
    public var pageSize: Int
    /// Whether the header is intact (magic, version, page size, checksum). SQLite ignores a WAL
    /// whose header is not.
    public var headerIntact: Bool
    /// Frames SQLite's recovery will keep: up to the last commit frame before the first bad one.
    public var validFrames: Int
    /// The last commit frame of the current generation anywhere in the file (0 if none).
    public var lastCommitFrame: Int
    /// The frames of the current generation (salts match), in file order.
    var frames: [Frame]
    /// The WAL as read, for comparing the pages of its frames.
    var bytes: [UInt8]

    static let headerSize = 32
    static let frameHeaderSize = 24

    /// Reads `databasePath`'s WAL, if it has one with at least one frame. Call it before any
    /// connection opens the database: SQLite may rewrite the WAL once it has recovered it.
    public static func inspect(databasePath: String) -> WALInspection? {
        let walPath = databasePath + "-wal"
        guard let wal = FileManager.default.contents(atPath: walPath).map(Array.init),
              wal.count >= headerSize else { return nil }
        let database = FileHandle(forReadingAtPath: databasePath)
        defer { try? database?.close() }
        return inspect(wal: wal, walPath: walPath) { offset, count in
            guard let database, (try? database.seek(toOffset: UInt64(offset))) != nil,
                  let data = try? database.read(upToCount: count) else { return [] }
            return Array(data)
        } databasePageSize: {
            // The database header's page size (offset 16, big-endian; 1 means 65536): used when
            // the WAL header itself is damaged.
            guard let database, (try? database.seek(toOffset: 16)) != nil,
                  let data = try? database.read(upToCount: 2), data.count == 2 else { return nil }
            let size = Int(data[data.startIndex]) << 8 | Int(data[data.startIndex + 1])
            return size == 1 ? 65536 : size
        }
    }

    /// - Parameters:
    ///   - readDatabase: reads `count` bytes of the database file at `offset` (fewer past its end).
    ///   - databasePageSize: the database header's page size, if it can be read.
    static func inspect(wal: [UInt8], walPath: String, readDatabase: (Int, Int) -> [UInt8],
                        databasePageSize: () -> Int?) -> WALInspection? {
        guard wal.count >= headerSize else { return nil }
        let magic = be32(wal, 0)
        let version = be32(wal, 4)
        let headerPageSize = Int(be32(wal, 8))
        let bigEndianSums = magic & 1 == 1
        var intact = (magic & ~1) == 0x377f_0682 && version == 3_007_000 && isPageSize(headerPageSize)
        var sums = (UInt32(0), UInt32(0))
        if intact {
            sums = checksum(wal, 0, 24, seed: (0, 0), bigEndian: bigEndianSums)
            intact = sums == (be32(wal, 24), be32(wal, 28))
        }
        // A damaged header hides the page size: the database's own header has it too.
        guard let pageSize = intact ? headerPageSize : databasePageSize(), isPageSize(pageSize) else { return nil }
        let frameSize = frameHeaderSize + pageSize
        let frameCount = (wal.count - headerSize) / frameSize
        guard frameCount > 0 else { return nil }
        // With an intact header the current generation is the frames with its salts. Without one,
        // SQLite keeps nothing, and the frames that agree with the first frame's salts are the
        // ones written since the header was.
        let salts = intact ? (be32(wal, 16), be32(wal, 20))
            : (be32(wal, headerSize + 8), be32(wal, headerSize + 12))

        var frames: [Frame] = []
        var validFrames = 0
        var chainIntact = intact
        var lastCommit = 0
        for i in 0..<frameCount {
            let at = headerSize + i * frameSize
            let page = be32(wal, at)
            let commitSize = be32(wal, at + 4)
            let sameSalts = (be32(wal, at + 8), be32(wal, at + 12)) == salts
            if chainIntact {
                // SQLite's rule (walDecodeFrame): the salts, a page number, and the checksum over
                // the frame header's first 8 bytes and the page, continuing from the frame before.
                let partial = checksum(wal, at, 8, seed: sums, bigEndian: bigEndianSums)
                let computed = checksum(wal, at + frameHeaderSize, pageSize, seed: partial, bigEndian: bigEndianSums)
                if sameSalts, page != 0, computed == (be32(wal, at + 16), be32(wal, at + 20)) {
                    sums = computed
                    if commitSize != 0 { validFrames = i + 1 }
                } else {
                    chainIntact = false
                }
            }
            guard sameSalts else { continue }
            if commitSize != 0 { lastCommit = i + 1 }
            let content = Array(wal[(at + frameHeaderSize)..<(at + frameSize)])
            let stored = page == 0 ? [] : readDatabase(Int(page - 1) * pageSize, pageSize)
            frames.append(Frame(index: i + 1, page: page, commitSize: commitSize, inDatabase: stored == content))
        }
        return WALInspection(walPath: walPath, fileSize: wal.count, pageSize: pageSize, headerIntact: intact,
                             validFrames: validFrames, lastCommitFrame: lastCommit, frames: frames, bytes: wal)
    }

    /// What was lost when SQLite's recovery kept `recovered` frames: nil when every committed
    /// frame was kept. A page is lost when what SQLite now reads for it (its newest kept frame, else
    /// the database file) is not its last committed content.
    public func loss(recovered: Int) -> WALLoss? {
        guard lastCommitFrame > recovered else { return nil }
        let dropped = frames.filter { $0.index > recovered && $0.index <= lastCommitFrame }
        // The database's size after the last dropped commit: pages past it no longer exist.
        let finalSize = dropped.last(where: { $0.commitSize != 0 })?.commitSize ?? 0
        var newestDropped: [UInt32: Frame] = [:]
        for frame in dropped where frame.page != 0 && frame.page <= finalSize { newestDropped[frame.page] = frame }
        var newestKept: [UInt32: Frame] = [:]
        for frame in frames where frame.index <= recovered { newestKept[frame.page] = frame }
        let missingPages = newestDropped.values.filter { committed in
            if let kept = newestKept[committed.page] { return content(of: kept) != content(of: committed) }
            return !committed.inDatabase
        }.count
        let commits = dropped.filter { $0.commitSize != 0 }.count
        return WALLoss(walPath: walPath, recoveredFrames: recovered, committedFrames: lastCommitFrame,
                       droppedCommits: commits, missingPages: missingPages, headerIntact: headerIntact)
    }

    private func content(of frame: Frame) -> ArraySlice<UInt8> {
        let at = Self.headerSize + (frame.index - 1) * (Self.frameHeaderSize + pageSize) + Self.frameHeaderSize
        return bytes[at..<(at + pageSize)]
    }

    static func isPageSize(_ size: Int) -> Bool {
        size >= 512 && size <= 65536 && size & (size - 1) == 0
    }

    static func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// SQLite's WAL checksum (walChecksumBytes): over 32-bit words, in the byte order the magic
    /// number names, two running sums.
    static func checksum(_ bytes: [UInt8], _ start: Int, _ count: Int, seed: (UInt32, UInt32),
                         bigEndian: Bool) -> (UInt32, UInt32) {
        var (s1, s2) = seed
        var i = start
        let end = start + count
        while i < end {
            let x0 = bigEndian ? be32(bytes, i) : le32(bytes, i)
            let x1 = bigEndian ? be32(bytes, i + 4) : le32(bytes, i + 4)
            s1 = s1 &+ x0 &+ s2
            s2 = s2 &+ x1 &+ s1
            i += 8
        }
        return (s1, s2)
    }

    static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

/// Committed transactions that SQLite's WAL recovery dropped.
public struct WALLoss: Sendable, Equatable, CustomStringConvertible {
    public var walPath: String
    /// Frames SQLite kept.
    public var recoveredFrames: Int
    /// Frames up to the last commit the WAL holds.
    public var committedFrames: Int
    /// Commit frames among the dropped ones: transactions that had committed.
    public var droppedCommits: Int
    /// Pages that SQLite now reads with other content than their last commit gave them: the loss
    /// itself. Zero when a checkpoint had already copied the dropped frames and no kept frame
    /// overrides them.
    public var missingPages: Int
    public var headerIntact: Bool

    /// Data was lost: some committed page exists nowhere else.
    public var lostData: Bool { missingPages > 0 }

    /// The transactions and pages, for the log.
    public var description: String {
        let how = headerIntact
            ? "SQLite's recovery kept \(recoveredFrames) of its \(committedFrames) committed frames and dropped the rest after a bad checksum"
            : "its header is damaged, so SQLite's recovery ignored all \(committedFrames) committed frames"
        return "\(walPath): \(how): \(droppedCommits) committed transaction(s) dropped, \(missingPages) page(s) no longer as committed"
    }
}

extension WALLoss {
    /// The record kept in the database and shown by `status`.
    public func record(detectedAt: Date = Date()) -> StoreDataLoss {
        let name = (walPath as NSString).lastPathComponent
        return StoreDataLoss(detectedAt: WireTimestamp(secondsSinceEpoch: detectedAt.timeIntervalSince1970).formatted,
                             file: name.hasSuffix("-wal") ? String(name.dropLast(4)) : name,
                             recoveredFrames: recoveredFrames, committedFrames: committedFrames,
                             droppedTransactions: droppedCommits, lostPages: missingPages)
    }
}
