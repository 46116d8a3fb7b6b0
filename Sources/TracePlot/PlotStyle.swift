/// Colours, sizes and the font stack, in one place so every part of the plot agrees.
enum PlotStyle {
    /// Fonts that ship with most systems, in order; the last resort is the generic family.
    static let fontStack = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

    static let width = 1200.0
    /// Left of the plot area: the row labels live there.
    static let plotX = 128.0
    static let plotWidth = width - plotX - 24

    static let raw = "#8a8f98"
    static let level = "#1d2430"
    static let pressShade = "#f3a33a"
    static let releaseShade = "#4f8fd6"
    static let glitch = "#d7263d"
    static let window = "#2a9d5c"
    static let long = "#7b3fbf"
    static let gesture = "#c2185b"
    static let axis = "#59606b"
    static let grid = "#e3e6ea"
    static let text = "#1d2430"
    static let muted = "#59606b"
}
