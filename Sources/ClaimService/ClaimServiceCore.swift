import Logging
import OneClick

/// The service behind HTTP: authentication and one handler per operation. Handlers validate
/// input, call the store (one transaction each) and build the model's response shapes.
final class ClaimServiceCore: Sendable {
    let configuration: ClaimServiceConfiguration
    let store: any ClaimStore
    /// Replay protection: the signatures state-changing requests spent (kept by the store).
    let signatures: any UsedSignatures
    let retention: EventRetention
    let avsGuard = InFlightKeys()
    /// Click callbacks: `ClaimServer.run` runs it beside the HTTP server.
    let callbacks: CallbackDeliverer

    init(configuration: ClaimServiceConfiguration, logger: Logger = Logger(label: "clickbridge.service")) throws {
        self.configuration = configuration
        let store = try configuration.store ?? Self.openSQLite(configuration, logger: logger)
        self.store = store
        self.signatures = store
        self.retention = EventRetention(retention: configuration.eventRetention)
        self.callbacks = CallbackDeliverer(store: store, policy: configuration.callbackPolicy,
                                           target: configuration.callbackTargetCheck ?? CallbackTargetCheck(allowPrivate: configuration.allowPrivateCallbacks),
                                           logger: logger, now: configuration.now, metrics: configuration.metrics)
    }

    /// The SQLite file in the state directory, opened (and migrated), with what its WAL recovery
    /// found logged.
    private static func openSQLite(_ configuration: ClaimServiceConfiguration, logger: Logger) throws -> Store {
        let store: Store
        do {
            store = try Store(directory: configuration.stateDirectory, metrics: configuration.metrics)
        } catch let problem as FileProblem {
            throw ClaimServerError.cannotOpenStore("\(problem.path): it \(problem.reason)")
        } catch {
            // SQLite's own words name no file: say which, why, and what to do.
            throw ClaimServerError.cannotOpenStore(Store.openFailure(directory: configuration.stateDirectory, error: error))
        }
        let recovery = store.walRecovery
        let saved = recovery.savedWAL.map { " The WAL as it was is saved as \($0)." } ?? ""
        if let loss = recovery.loss {
            logger.critical("DATA LOSS: \(loss). What those transactions wrote (acknowledged events, claims, registrations) is gone from the database; the service keeps running on what remains.\(saved) It is recorded in the table wal_recovery_loss, and `clickbridge status` shows it.")
        } else if let dropped = recovery.droppedButCheckpointed {
            logger.warning("the write-ahead log was damaged, but what SQLite dropped had already reached the database: nothing was lost (\(dropped)).\(saved)")
        }
        return store
    }

    /// Spends the signature of a state-changing request: its first use, or a repeat within
    /// `replayGrace` of it, may run; any later repeat is a replay, refused with 403.
    func spend(_ signature: VerifiedSignature, now: Int64) async throws(ServiceError) {
        guard case .replay(let firstUsedAt) = try await signatures.use(signature, now: now, grace: configuration.replayGrace) else { return }
        let tenths = (now - firstUsedAt) / 100_000
        throw ServiceError(.invalidSignature, """
            This signed request was already received \(tenths / 10).\(tenths % 10) s ago \
            (at \(WireTimestamp(microseconds: firstUsedAt).formatted)) and is not accepted again (replay protection). \
            Sign it again to repeat it; a signature repeats only when the same request is signed twice within one second.
            """)
    }

    var timing: ClaimRules.Timing {
        .init(claimExpiry: configuration.claimExpiry, reportedTimeTolerance: configuration.reportedTimeTolerance)
    }

    func authenticate(_ request: SignedRequest, signingName: String) async throws(ServiceError) -> Authentication {
        if configuration.allowUnsigned, request.header("authorization") == nil,
           !(request.rawQuery ?? "").contains("X-Amz-Signature=") {
            return Authentication(caller: configuration.unsignedCaller, signature: nil)
        }
        switch await configuration.authenticator.authenticate(request, expectedService: signingName) {
        case .success(let authentication): return authentication
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
