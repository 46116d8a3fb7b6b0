import Glibc

/// The one-line errors of the GPIO source: what is wrong and what to do.
enum GPIOErrors {
    static func openFailed(path: String, errno code: Int32) -> LineError {
        switch code {
        case ENOENT:
            return LineError("GPIO chip \(path) does not exist; \(chipSummary())", isMissing: true)
        case EACCES, EPERM:
            return permissionDenied(path)
        default:
            return LineError("cannot open GPIO chip \(path): \(SystemError.text(code)) (is it a GPIO chip? \(chipSummary()))")
        }
    }

    static func chipNotFound(_ spec: String) -> LineError {
        LineError("GPIO chip '\(spec)' not found; \(chipSummary())", isMissing: true)
    }

    /// "chips on this machine: gpiochip0 [pinctrl-bcm2711] (58 lines), ..." or that there are none.
    static func chipSummary() -> String {
        let paths = GPIOChipResolver.devicePaths()
        if paths.isEmpty {
            return "this machine has no GPIO chips (no /dev/gpiochip*); run `clickbridge doctor`"
        }
        let described = paths.map { path -> String in
            guard let chip = try? GPIOChip(path: path) else { return DevicePaths.lastComponent(path) + " (not readable)" }
            return "\(chip.name) [\(chip.label)] (\(chip.lineCount) lines)"
        }
        return "chips on this machine: " + described.joined(separator: ", ")
    }

    static func permissionDenied(_ path: String) -> LineError {
        LineError("permission denied on \(path): \(groupAdvice(path, group: "gpio"))")
    }

    /// What to do about a device node this user may not open: the group to join, and the udev rule
    /// that gives the group access when the node is still root-only.
    static func groupAdvice(_ path: String, group: String) -> String {
        var st = stat()
        var owner = ""
        if stat(path, &st) == 0, let gr = getgrgid(st.st_gid) { owner = String(cString: gr.pointee.gr_name) }
        if owner == group || owner.isEmpty || owner != "root" {
            let g = owner.isEmpty || owner == "root" ? group : owner
            return "add this user to the '\(g)' group (sudo usermod -aG \(g) $USER) and log in again"
        }
        return "the node belongs to group 'root'; install ClickBridge's udev rule (udev/60-clickbridge.rules into /etc/udev/rules.d/, then sudo udevadm trigger) so the '\(group)' group may use it, and add this user to '\(group)' (sudo usermod -aG \(group) $USER)"
    }
}
