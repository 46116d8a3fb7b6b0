import Testing
@testable import Bridge

/// Anchors and aliases are refused; the same characters as text are not.
@Suite struct YAMLAliasGuardTests {
    @Test(arguments: [
        ("a: &x 1\nb: *x\n", 1, false),
        ("buttons:\n  - deviceId: a1\n    trace: *t\n", 3, true),
        ("? *a\n: 1\n", 1, true),
        ("m: {*a: 1}\n", 1, true),
        ("l: [1, *a]\n", 1, true),
        ("- &anchor\n  x: 1\n", 1, false),
    ])
    func refused(yaml: String, line: Int, alias: Bool) {
        #expect(throws: YAMLAliasGuard.Found(line: line, isAlias: alias)) { try YAMLAliasGuard.check(yaml) }
    }

    @Test(arguments: [
        "url: http://h/hook?a=1&b=2\n",
        "exec: [\"/bin/sh\", \"-c\", \"true && *glob\"]\n",
        "exec: [/bin/sh, -c, echo a &b]\n",
        "name: '*starry*'\n",
        "secret: \"&amp; \\\" *x\"\n",
        "key: value # a comment with &anchor and *alias\n",
        "# &commented: *out\n",
        "text: |\n  *not an alias\n  &nor an anchor\nnext: 1\n",
        "glob: a*b&c\n",
        "a: & \nb: * \n",
        "timeout: -5ms\nx: |-\n  *text\n",
        "l: [a, -b, ?c]\n",
    ])
    func text(yaml: String) {
        #expect(throws: Never.self) { try YAMLAliasGuard.check(yaml) }
    }

    /// The same text through the loader: its line, and what to do.
    @Test func theLoaderNamesTheLine() {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: &t { file: x }\n  - deviceId: a2\n    trace: *t\n")
        }
        #expect(error?.line == 3)
        #expect(error?.message.hasPrefix("an anchor (&name) is not accepted here") == true)
    }
}
