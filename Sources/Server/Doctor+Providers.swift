import CampaignStore
import Campaigns
import Foundation
import Logging
import MariaDB

/// The checks of each tenant's providers and of the clock.
extension Doctor {
    // MARK: Providers

    func providerChecks(pool: MariaDBPool, config: ServiceConfiguration, saas: Bool, inspection: DatabaseInspection) async -> [DoctorCheck] {
        if config.provider == .outbox {
            return [DoctorCheck("providers", .warn, "BKNTC_PROVIDER=outbox: messages are recorded, never sent (demo and development only)")]
        }
        let providers = MariaDBProviderConfiguration(pool: pool, prefix: config.prefix, saas: saas, clock: clock)
        var scopes: [(String, TenantScope)] = [("", TenantScope(storedTenantID: nil))]
        var total = 1
        if saas {
            do {
                let tenants = try await inspection.tenants(limit: Self.listedTenants + 1000)
                scopes = tenants.ids.map { ("tenant \($0) ", TenantScope(storedTenantID: $0)) }
                total = tenants.total
            } catch {
                return [DoctorCheck("providers", .fail, "the tenants could not be read: \(error)")]
            }
        }
        if scopes.isEmpty { return [DoctorCheck("providers", .ok, "no tenants yet")] }
        var checks: [DoctorCheck] = []
        var counts: [Channel: (configured: Int, missing: Int)] = [:]
        for (index, (label, scope)) in scopes.enumerated() {
            let configuration: ProviderConfiguration
            do {
                configuration = try await providers.configuration(scope: scope)
            } catch {
                checks.append(DoctorCheck("providers \(label)".trimmingCharacters(in: .whitespaces), .fail, "could not be read: \(error)"))
                continue
            }
            for channel in Channel.allCases {
                let problem: String? =
                    switch channel {
                    case .sms: configuration.sms.problem
                    case .whatsapp: configuration.whatsapp.problem
                    case .email: configuration.email.problem
                    }
                counts[channel, default: (0, 0)].configured += problem == nil ? 1 : 0
                counts[channel, default: (0, 0)].missing += problem == nil ? 0 : 1
                guard index < Self.listedTenants else { continue }
                let name = "providers \(label)\(channel.rawValue)"
                checks.append(problem.map { DoctorCheck(name, .warn, $0) } ?? DoctorCheck(name, .ok, "configured"))
            }
        }
        if scopes.count > Self.listedTenants || total > scopes.count {
            for channel in Channel.allCases {
                let count = counts[channel, default: (0, 0)]
                checks.append(
                    DoctorCheck(
                        "providers \(channel.rawValue)", count.missing == 0 ? .ok : .warn,
                        "of \(total) tenants (\(scopes.count) read): \(count.configured) configured, \(count.missing) missing a provider"))
            }
        }
        return checks
    }

    // MARK: Clock

    /// A warning when this machine's clock and the database's differ by more than 2 s.
    public static func clockCheck(serverNow: Date, now: Date) -> DoctorCheck {
        let skew = abs(serverNow.timeIntervalSince(now))
        let text = String(format: "%.1f s", skew)
        if skew > 2 {
            return DoctorCheck(
                "clock", .warn, "this machine and the database disagree by \(text): run NTP (systemd-timesyncd or chrony) on both")
        }
        return DoctorCheck("clock", .ok, "this machine and the database agree within \(text)")
    }
}
