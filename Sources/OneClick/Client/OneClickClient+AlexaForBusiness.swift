/// Alexa for Business RegisterAVSDevice: JSON 1.1 at `POST /` with `X-Amz-Target`, signed for `a4b`.
extension OneClickClient {
    public func registerAVSDevice(_ request: RegisterAVSDeviceRequest) async throws(OneClickClientError) -> RegisterAVSDeviceResponse {
        try await call(Operation(name: "RegisterAVSDevice", method: .POST, path: "/", body: Self.encode(request),
                                 contentType: "application/x-amz-json-1.1", target: "AlexaForBusiness.RegisterAVSDevice",
                                 service: "a4b", proto: .json11),
                       as: RegisterAVSDeviceResponse.self)
    }
}
