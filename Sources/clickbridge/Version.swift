import Lines

/// The release; `scripts/build-deb` names the package after what `--version` prints.
let clickbridgeVersion = "0.9.0"

/// `clickbridge --version`: the release, then the hardware libraries this binary runs with.
var versionText: String {
    """
    clickbridge \(clickbridgeVersion)
    libgpiod: \(GPIOLibrary.version) (GPIO uAPI v\(GPIOLibrary.api))
    libevdev: \(EvdevLibrary.version)
    """
}
