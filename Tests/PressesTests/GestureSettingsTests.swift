import PressTimelines
import Testing
import Presses

/// The gesture type and the ranges of the gesture settings.
@Suite struct GestureSettingsTests {
    @Test func namesCountsAndClickTypes() {
        let all: [Gesture] = [.single, .double, .triple, .quadruple, .quintuple, .long,
                              .longRelease(heldFor: .milliseconds(2200)), .longRepeat(count: 3)]
        #expect(all.map(\.name.rawValue) == ["SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE", "QUINTUPLE", "LONG", "LONG_RELEASE", "LONG_REPEAT"])
        #expect(all.map(\.name) == Gesture.Name.allCases)
        #expect(all.map(\.count) == [nil, 2, 3, 4, 5, nil, nil, 3])
        #expect(all.map(\.heldFor) == [nil, nil, nil, nil, nil, nil, .milliseconds(2200), nil])
        #expect(all.map(\.clickType) == [.single, .double, nil, nil, nil, .long, nil, nil])
        #expect((1...5).map(Gesture.presses) == Array(all.prefix(5)))
        // From a name and the stored data, as the outbox and trace expect lines rebuild them.
        #expect(all.map { Gesture($0.name, heldFor: $0.heldFor ?? .zero, repeatCount: $0.name == .longRepeat ? $0.count ?? 0 : 1) } == all)
        for type in ClickType.allCases {
            #expect(Gesture(type).clickType == type)
            #expect(Gesture(type).name.rawValue == type.rawValue)
        }
    }

    @Test func aPressCarriesItsGesture() {
        let triple = Press(button: "b", gesture: .triple, pressedAt: ms(0), decidedAt: ms(700))
        #expect(triple.clickType == nil && triple.count == 3 && triple.heldFor == nil)
        let released = Press(button: "b", gesture: .longRelease(heldFor: .milliseconds(2200)), pressedAt: ms(0), decidedAt: ms(2220))
        #expect(released.clickType == nil && released.count == nil && released.heldFor == .milliseconds(2200))
        // The 1-Click initialiser and the gesture one make the same press.
        #expect(Press(button: "b", clickType: .double, pressedAt: ms(0), decidedAt: ms(400))
                == Press(button: "b", gesture: .double, pressedAt: ms(0), decidedAt: ms(400)))
    }

    @Test func descriptionsNameTheGestureAndWhatItCarries() {
        #expect(Gesture.double.description == "DOUBLE")
        #expect(Gesture.longRepeat(count: 3).description == "LONG_REPEAT count=3")
        #expect(Gesture.longRelease(heldFor: .milliseconds(2200)).description == "LONG_RELEASE heldFor=2.200000000s")
    }

    @Test func theDefaultsAndTheBoundsAreValid() throws {
        #expect(PressTiming.default.problems.isEmpty)
        try PressTiming.default.validate()
        for n in 1...5 { #expect(PressTiming(maxPresses: n).problems.isEmpty) }
        #expect(PressTiming(repeat: .milliseconds(10)).problems.isEmpty)
        #expect(PressTiming(longRelease: true, repeat: .seconds(2)).problems.isEmpty)
    }

    @Test func outOfRangeSettingsSayWhatIsWrong() {
        #expect(PressTiming(maxPresses: 0).problems == [.maxPressesOutOfRange(0)])
        #expect(PressTiming(maxPresses: 6).problems.map(\.description) == ["maxPresses is 6; it must be 1 to 5"])
        #expect(PressTiming(repeat: .milliseconds(5)).problems.map(\.description)
                == ["repeat is 0.005000000s; it must be 0 (off) or at least 0.010000000s"])
        #expect(PressTiming(repeat: .milliseconds(-1)).problems == [.repeatTooShort(.milliseconds(-1))])
        // Every problem, in order; `validate` throws the first.
        let both = PressTiming(maxPresses: 9, repeat: .milliseconds(1))
        #expect(both.problems == [.maxPressesOutOfRange(9), .repeatTooShort(.milliseconds(1))])
        #expect(throws: PressTiming.Problem.maxPressesOutOfRange(9)) { try both.validate() }
    }

    @Test func theDetectorClampsWhatValidationWouldRefuse() {
        // Like negative timings, out-of-range settings do not trap: maxPresses counts as the
        // nearest bound, a negative repeat as off.
        check("d0 u120", timing: PressTiming(maxPresses: 0), [gesture(.single, 0, 140)])
        check("d0 u50 d150 u200 d300 u350 d450 u500 d600 u650 d750 u800", timing: PressTiming(maxPresses: 9),
              [gesture(.quintuple, 0, 670), gesture(.single, 750, 1200)])
        check("d0 u3000", timing: PressTiming(repeat: .milliseconds(-500)), [gesture(.long, 0, 1500)])
    }
}
