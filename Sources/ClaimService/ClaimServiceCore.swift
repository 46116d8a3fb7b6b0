import Logging
import OneClick

/// The service behind HTTP: authentication and one handler per operation. Handlers validate
/// input, call the store (one transaction each) and build the model's response shapes.
final class ClaimServiceCore: Sendable {
    let configuration: ClaimServiceConfiguration
    let store: Store
    let retention: EventRetention
    let avsGuard = InFlightKeys()
    /// Click callbacks: `ClaimServer.run` runs it beside the HTTP server.
    let callbacks: CallbackDeliverer

    init(configuration: ClaimServiceConfiguration, logger: Logger = Logger(label: "clickbridge.service")) throws {
        self.configuration = configuration
        do {
            self.store = try Store(directory: configuration.stateDirectory)
        } catch let problem as FileProblem {
            throw ClaimServerError.cannotOpenStore(problem.description)
        } catch {
            // SQLite's own words name no file: say which, and why this user cannot use it.
            let path = configuration.stateDirectory + "/" + Store.fileName
            let why = FileAccess.whyUnreadable(path) ?? FileAccess.whyUnwritableDirectory(configuration.stateDirectory)
            throw ClaimServerError.cannotOpenStore("\(path): \(error)" + (why.map { " (\($0))" } ?? ""))
        }
        self.retention = EventRetention(retention: configuration.eventRetention)
        self.callbacks = CallbackDeliverer(store: store, policy: configuration.callbackPolicy,
                                           target: configuration.callbackTargetCheck ?? CallbackTargetCheck(allowPrivate: configuration.allowPrivateCallbacks),
                                           logger: logger, now: configuration.now)
    }

    var timing: ClaimRules.Timing {
        .init(claimExpiry: configuration.claimExpiry, reportedTimeTolerance: configuration.reportedTimeTolerance)
    }

    func authenticate(_ request: SignedRequest, signingName: String) throws(ServiceError) -> Caller {
        if configuration.allowUnsigned, request.header("authorization") == nil,
           !(request.rawQuery ?? "").contains("X-Amz-Signature=") {
            return configuration.unsignedCaller
        }
        switch configuration.authenticator.authenticate(request, expectedService: signingName) {
        case .success(let caller): return caller
        case .failure(let error): throw error
        }
    }

    func handle(_ operation: ServiceOperation, _ input: OperationInput) async throws(ServiceError) -> Reply {
        switch operation {
        case .claimDevicesByClaimCode(let code): try await claimDevicesByClaimCode(code, input)
        case .initiateDeviceClaim(let id): try await initiateDeviceClaim(id, input)
        case .finalizeDeviceClaim(let id): try await finalizeDeviceClaim(id, input)
        case .unclaimDevice(let id): try await unclaimDevice(id, input)
        case .describeDevice(let id): try await describeDevice(id, input)
        case .listDevices: try await listDevices(input)
        case .updateDeviceState(let id): try await updateDeviceState(id, input)
        case .listDeviceEvents(let id): try await listDeviceEvents(id, input)
        case .getDeviceMethods(let id): try await getDeviceMethods(id, input)
        case .invokeDeviceMethod(let id): try await invokeDeviceMethod(id, input)
        case .listTagsForResource(let arn): try await listTagsForResource(arn, input)
        case .tagResource(let arn): try await tagResource(arn, input)
        case .untagResource(let arn): try await untagResource(arn, input)
        case .registerDevice(let id): try await registerDevice(id, input)
        case .describeRegistration(let id): try await describeRegistration(id, input)
        case .ingestDeviceEvent(let id): try await ingestDeviceEvent(id, input)
        case .registerAVSDevice: try await registerAVSDevice(input)
        }
    }

    /// 400 for an id that cannot be a device id.
    static func checkDeviceId(_ id: String) throws(ServiceError) {
        guard DeviceIdentifier.isValid(id) else {
            throw .invalidRequest("'\(id.prefix(80))' is not a device id: 1 to 64 letters, digits, '_' or '-', starting with a letter or digit")
        }
    }

    func arn(_ deviceId: String, owner: String, region: String) -> String {
        DeviceArn(region: region, accountId: owner, deviceId: deviceId).description
    }

    func description(_ device: DeviceRecord, tags: [String: String], caller: Caller) -> DeviceDescription {
        DeviceDescription(
            arn: arn(device.deviceId, owner: device.ownerAccount ?? caller.accountId, region: caller.region),
            attributes: device.attributes,
            deviceId: device.deviceId,
            enabled: device.enabled,
            remainingLife: device.remainingLife,
            type: device.type,
            tags: tags
        )
    }
}
