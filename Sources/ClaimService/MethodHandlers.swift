import Foundation
import OneClick

/// GetDeviceMethods and InvokeDeviceMethod for the button methods of the AWS CLI example.
extension ClaimServiceCore {
    func getDeviceMethods(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let (device, _) = try await store.ownedDevice(deviceId: deviceId, account: input.caller.accountId)
        return .ok(GetDeviceMethodsResponse(deviceMethods: ButtonMethodName.allCases.map {
            DeviceMethod(deviceType: device.type, methodName: $0.rawValue)
        }))
    }

    func invokeDeviceMethod(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let request = try JSONWire.decode(InvokeDeviceMethodRequest.self, from: input.body, as: .restJSON)
        let account = input.caller.accountId
        let (device, _) = try await store.ownedDevice(deviceId: deviceId, account: account)
        guard let name = request.deviceMethod?.methodName, !name.isEmpty else {
            throw .invalidRequest("deviceMethod.methodName is required; GetDeviceMethods lists the methods of \(deviceId)")
        }
        guard let method = ButtonMethodName(rawValue: name) else {
            let known = ButtonMethodName.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidRequest("unknown method '\(name.prefix(80))' for a \(device.type): use one of \(known)")
        }
        // The AWS CLI example invokes getDeviceHealthParameters with deviceType "device".
        if let type = request.deviceMethod?.deviceType, !type.isEmpty, type != device.type, type != "device" {
            throw .invalidRequest("deviceMethod.deviceType '\(type.prefix(40))' does not match the device's type '\(device.type)'")
        }
        switch method {
        case .getDeviceHealthParameters:
            return .ok(InvokeDeviceMethodResponse(deviceMethodResponse: JSONWire.encodeString(["remainingLife": device.remainingLife])))
        case .setOnClickCallback, .setDeviceHealthMonitorCallback:
            let callback = try Self.callback(from: request.deviceMethodParameters, method: name,
                                             allowPrivate: configuration.allowPrivateCallbacks)
            try await store.setCallback(method == .setOnClickCallback ? .onClick : .healthMonitor,
                                        deviceId: deviceId, account: account, callbackJSON: callback)
            return .ok(InvokeDeviceMethodResponse(deviceMethodResponse: "{}"))
        case .getOnClickCallback:
            return .ok(InvokeDeviceMethodResponse(deviceMethodResponse: Self.callbackAnswer(device.onClickCallback)))
        case .getDeviceHealthMonitorCallback:
            return .ok(InvokeDeviceMethodResponse(deviceMethodResponse: Self.callbackAnswer(device.healthMonitorCallback)))
        }
    }

    /// `{"callback":{...}}` or `{}` when none is set.
    static func callbackAnswer(_ stored: String?) -> String {
        guard let stored else { return "{}" }
        return "{\"callback\":\(stored)}"
    }

    /// Validates `{"callback":{"url":"http(s)://…"}}` (or `{"callback":{"awsLambdaArn":"arn:aws:lambda:…"}}`,
    /// the form of the 1-Click programming guide) and returns the callback object as stored JSON.
    /// A URL whose host is a non-public address is refused unless `allowPrivate`; a host name is
    /// checked when it resolves, at each delivery (`CallbackTargetCheck`).
    static func callback(from parameters: String?, method: String, allowPrivate: Bool) throws(ServiceError) -> String {
        let usage = "\(method) takes deviceMethodParameters {\"callback\":{\"url\":\"https://…\"}}"
        guard let parameters, let data = parameters.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw .invalidRequest("deviceMethodParameters is not a JSON object: \(usage)") }
        guard let callback = object["callback"] as? [String: Any] else {
            throw .invalidRequest("deviceMethodParameters has no 'callback' object: \(usage)")
        }
        if let url = callback["url"] as? String {
            guard url.count <= 2048, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  parsed.host?.isEmpty == false
            else { throw .invalidRequest("callback url '\(url.prefix(80))' is not an http or https URL: \(usage)") }
            if !allowPrivate, let host = CallbackTargetCheck.host(of: url), let address = IPAddress.literal(host),
               let what = CallbackAddressPolicy.refusal(address) {
                let shown = address.description == host ? host : "\(host.prefix(80)) (\(address))"
                throw .invalidRequest("callback url host \(shown) is \(what): refused, since \(CallbackAddressPolicy.howToAllow)")
            }
            return JSONWire.encodeString(["url": url])
        }
        if let lambda = callback["awsLambdaArn"] as? String {
            guard lambda.hasPrefix("arn:aws:lambda:"), lambda.count <= 2048 else {
                throw .invalidRequest("callback awsLambdaArn '\(lambda.prefix(80))' is not a Lambda ARN")
            }
            return JSONWire.encodeString(["awsLambdaArn": lambda])
        }
        throw .invalidRequest("the callback needs a 'url': \(usage)")
    }
}
