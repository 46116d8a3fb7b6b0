// swift-tools-version:6.2
// A stand-in for `clickbridge listen` and `clickbridge doctor`, built from the Lines library alone,
// for the kernel tier when the full static clickbridge (Hummingbird, GRDB, NIO: tens of minutes on
// a busy 2-core machine) is not built. The guest says which binary ran; the tier's verdict counts
// the CLI as tested only with the real clickbridge. Build with CLICKBRIDGE_CORE_ONLY=1.
import PackageDescription

let package = Package(
    name: "ClickBridgeLinesProbe",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ClickBridge", path: "../../..")],
    targets: [
        .executableTarget(name: "clickbridge-lines-probe", dependencies: [
            .product(name: "Lines", package: "ClickBridge"),
            .product(name: "Presses", package: "ClickBridge"),
        ]),
    ]
)
