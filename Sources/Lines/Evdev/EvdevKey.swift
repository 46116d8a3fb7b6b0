import CEvdev

/// Key codes by name or number, through libevdev's tables (no device needed).
public enum EvdevKey {
    /// `KEY_ENTER`, `enter`, `BTN_LEFT`, `28` or `0x1c` → 28. Nil for an unknown name or a code
    /// outside the key range.
    public static func code(parsing text: String) -> UInt16? {
        let t = text.trimmingSpaces
        if let n = Int(t) ?? (t.lowercased().hasPrefix("0x") ? Int(t.dropFirst(2), radix: 16) : nil) {
            return n >= 0 && n <= Int(cb_evdev_key_max()) ? UInt16(n) : nil
        }
        let upper = t.uppercased()
        for candidate in [upper, "KEY_" + upper] {
            let code = libevdev_event_code_from_name(UInt32(EV_KEY), candidate)
            if code >= 0 { return UInt16(code) }
        }
        return nil
    }

    /// `KEY_ENTER` for 28; the number when the code has no name.
    public static func name(_ code: UInt16) -> String {
        guard let p = libevdev_event_code_get_name(UInt32(EV_KEY), UInt32(code)) else { return String(code) }
        return String(cString: p)
    }

    /// The error for a `--key` that is not a key.
    static func unknown(_ text: String) -> LineError {
        LineError("unknown key '\(text)': give a name from linux/input-event-codes.h (KEY_ENTER, BTN_0) or a number (28)")
    }
}
