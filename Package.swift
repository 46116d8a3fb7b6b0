// swift-tools-version:6.2
import PackageDescription

// CLICKBRIDGE_CORE_ONLY=1 builds only the button layer (C modules, Presses, Lines and their tests),
// without the server and client dependencies. It is for fast iteration on the button layer; CI and
// the README build the whole package.
let coreOnly = Context.environment["CLICKBRIDGE_CORE_ONLY"] == "1"

let coreTargets: [Target] = [
    .systemLibrary(name: "CGPIOD", pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
    .systemLibrary(name: "CEvdev", pkgConfig: "libevdev", providers: [.apt(["libevdev-dev"])]),
    // epoll, timerfd and eventfd for the live loop: libc has them, Swift's Glibc module does not export them.
    .systemLibrary(name: "CLinux"),
    .target(name: "Presses"),
    .target(name: "Lines", dependencies: ["Presses", "CGPIOD", "CEvdev", "CLinux"]),
    // The worked timelines as data, so the detector's tests and the live loop's run the same rows.
    .target(name: "PressTimelines", dependencies: ["Presses"], path: "Tests/PressTimelines"),
    .testTarget(name: "PressesTests", dependencies: ["Presses", "PressTimelines"]),
    // Benchmarks of the button layer; results and commands are in BENCHMARKS.md.
    // With the full package it also benchmarks actions and MQTT (Bridge, and a libmosquitto subscriber);
    // core-only builds leave them out.
    .executableTarget(name: "clickbridge-bench",
                      dependencies: ["Presses", "Lines", "TracePlot"]
                          + (coreOnly ? [] : ["Bridge", "CMosquitto", "TestSupport", .product(name: "Logging", package: "swift-log")]),
                      path: "Benchmarks/ClickBridgeBench"),
    .testTarget(name: "LinesTests", dependencies: ["Lines", "Presses", "PressTimelines"]),
    // `clickbridge plot`: traces drawn as SVG from what the detector decided.
    .target(name: "TracePlot", dependencies: ["Presses", "Lines"]),
]

let serviceTargets: [Target] = [
    .target(name: "OneClick", dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
    ]),
    // Swift concurrency and its timers on NIO's event loops, so idle daemons never wake.
    .systemLibrary(name: "CSwiftRuntimeHooks"),
    .target(name: "QuietRuntime", dependencies: [
        "CSwiftRuntimeHooks",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
    ]),
    .target(name: "ClaimService", dependencies: [
        "QuietRuntime",
        "OneClick",
        .product(name: "Hummingbird", package: "hummingbird"),
        // The service builds its HTTP server directly (no 1 Hz Date-header timer) and runs it
        // as a Service.
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "GRDB", package: "GRDB.swift"),
        // SQLiteLog's probe, on a bare connection (a GRDB queue would start libdispatch's workers).
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
        // Click callbacks: the service POSTs a claimed device's events to its owner's URL.
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        // Each connection's deadlines and the connection cap: a channel handler after HTTP
        // decoding (NIOHTTPTypes' request and response parts); callback hosts are resolved on
        // NIO's thread pool.
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        // Request, event, callback and database counters (`ClaimServiceMetrics`), made from a
        // factory only `serve --metrics-listen` passes in; Hummingbird links swift-metrics already.
        .product(name: "CoreMetrics", package: "swift-metrics"),
    ]),
    // `serve --metrics-listen`: the Prometheus registry behind the service's metrics and the
    // listener that serves it, apart from the API port. Only the command line depends on it; the
    // Bridge target (and so `run`'s embedded service) does not.
    .target(name: "MetricsEndpoint", dependencies: [
        "ClaimService",
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
    ]),
    // A fleet's claim service on PostgreSQL: the one target that links postgres-nio, so a single
    // Pi's service and the button layer never depend on it.
    .target(name: "ClaimStorePostgres", dependencies: [
        "ClaimService", "OneClick",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
    ]),
    // libmosquitto's header and a dlopen shim: MQTT loads the library only when configured.
    .systemLibrary(name: "CMosquitto", providers: [.apt(["libmosquitto-dev"])]),
    .target(name: "Bridge", dependencies: [
        "Lines", "Presses", "OneClick", "ClaimService", "QuietRuntime", "CMosquitto", "CLinux",
        .product(name: "GRDB", package: "GRDB.swift"),
        // The outbox's persistent WAL (a file control GRDB does not wrap).
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        // Actions: webhooks (AsyncHTTPClient) signed with HMAC-SHA256 (Crypto).
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    ]),
    .executableTarget(name: "clickbridge", dependencies: [
        "Bridge", "ClaimService", "ClaimStorePostgres", "MetricsEndpoint", "OneClick", "Lines", "Presses", "QuietRuntime", "TracePlot",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
    ]),
    // What the test targets share: quiet fixture logs (CLICKBRIDGE_TEST_LOGS=1 shows them), the
    // built binary and other commands run to their end, free loopback ports, and a real HTTP
    // receiver for webhooks and click callbacks.
    .target(name: "TestSupport", dependencies: [
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
    ], path: "Tests/TestSupport"),
    .target(name: "CTestSupport", dependencies: ["TestSupport"], path: "Tests/CTestSupport"),
    // OneClickTests also runs the client against a real ClaimServer on loopback.
    .testTarget(name: "OneClickTests", dependencies: ["OneClick", "ClaimService", "CTestSupport"], exclude: ["Fixtures"]),
    // Every store and claim-rule test runs against both backends (SQLite and PostgreSQL).
    .testTarget(name: "ClaimServiceTests", dependencies: [
        "ClaimService", "ClaimStorePostgres", "MetricsEndpoint", "OneClick", "CTestSupport",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
    ]),
    .testTarget(name: "QuietRuntimeTests", dependencies: ["QuietRuntime", "CTestSupport"]),
    // Here rather than with the core targets: it runs the built binary and rsvg-convert (TestSupport).
    .testTarget(name: "TracePlotTests", dependencies: ["TracePlot", "Lines", "Presses", "CTestSupport"]),
    .testTarget(name: "BridgeTests", dependencies: [
        "Bridge", "ClaimService", "OneClick", "Lines", "Presses", "CTestSupport",
    ]),
]

let package = Package(
    name: "ClickBridge",
    platforms: [.macOS(.v15)],
    products: coreOnly ? [
        .library(name: "Presses", targets: ["Presses"]),
        .library(name: "Lines", targets: ["Lines"]),
    ] : [
        .library(name: "Presses", targets: ["Presses"]),
        .library(name: "Lines", targets: ["Lines"]),
        .library(name: "OneClick", targets: ["OneClick"]),
        .executable(name: "clickbridge", targets: ["clickbridge"]),
    ],
    dependencies: coreOnly ? [] : [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: coreOnly ? coreTargets : coreTargets + serviceTargets
)
