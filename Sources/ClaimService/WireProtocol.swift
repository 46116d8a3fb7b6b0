/// The two wire protocols the service speaks; they differ in how errors are rendered.
enum WireProtocol: Sendable {
    /// iot1click-devices (rest-json) and the device-side extension.
    case restJSON
    /// Alexa for Business (JSON 1.1, `X-Amz-Target`).
    case json11
}
