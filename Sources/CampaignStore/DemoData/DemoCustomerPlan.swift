import MariaDB

/// The random choices for every customer that other rows depend on (tenant, appointment
/// habits, whose phone or email a customer shares), made in one cheap sequential pass so that
/// customer and appointment rows can afterwards be generated independently and in parallel.
final class DemoCustomerPlan: Sendable {
    enum Habit: UInt8 {
        /// Never booked (≈ 12 %).
        case none
        /// Exactly one appointment (≈ 10 %; "first time" customers).
        case single
        /// Books a lot (≈ 4 %; ≥ 10 appointments each).
        case regularVIP
        /// Everyone else.
        case regular
    }

    enum PhoneKind: UInt8 { case international, national, junk, empty, null, shared }
    enum EmailKind: UInt8 { case normal, shoutyDomain, spaced, null, empty, invalid, shared }

    struct Entry {
        var site: Int32
        var habit: Habit
        var firstName: UInt8
        var lastName: UInt8
        var phoneKind: PhoneKind
        var phoneFormat: UInt8
        var emailKind: EmailKind
        var emailVariant: UInt8
        /// Whose number/address this customer's is (itself unless `shared`).
        var phoneSource: Int32
        var emailSource: Int32
    }

    let entries: [Entry]
    /// Customer indexes by habit (all tenants together; an appointment takes its customer's tenant).
    let singles: [Int32]
    let frequent: [Int32]
    let regulars: [Int32]

    init(layout: DemoLayout) {
        let count = layout.customers
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var singles: [Int32] = []
        var frequent: [Int32] = []
        var regulars: [Int32] = []
        // Uneven tenants: tenant k gets a share proportional to 1/k.
        let siteWeights = (0..<layout.sites).map { 1.0 / Double($0 + 1) }
        // Customers whose (international) number or (clean) address another may share; each is
        // shared at most once, so a shared value belongs to exactly two customers.
        var phoneCandidates = Array(repeating: [Int32](), count: layout.sites)
        var emailCandidates = Array(repeating: [Int32](), count: layout.sites)

        for index in 0..<count {
            var random = SeededRandom(seed: layout.seed, stream: .customerPlan, index: index)
            let site = layout.sites == 1 ? 0 : random.weighted(siteWeights)
            let habitDraw = random.unit()
            let habit: Habit =
                index == 0
                ? .regular
                : habitDraw < 0.12 ? .none : habitDraw < 0.22 ? .single : habitDraw < 0.26 ? .regularVIP : .regular
            var entry = Entry(
                site: Int32(site), habit: habit, firstName: UInt8(random.int(MessyData.firstNames.count)),
                lastName: UInt8(random.int(MessyData.lastNames.count)), phoneKind: .international,
                phoneFormat: UInt8(random.int(16)), emailKind: .normal, emailVariant: UInt8(random.int(16)),
                phoneSource: Int32(index), emailSource: Int32(index))

            let phoneDraw = random.unit()
            entry.phoneKind =
                phoneDraw < 0.80
                ? .international
                : phoneDraw < 0.86
                    ? .national
                    : phoneDraw < 0.92
                        ? .junk
                        : phoneDraw < 0.95 ? .empty : phoneDraw < 0.98 ? .null : .shared
            if entry.phoneKind == .shared {
                if phoneCandidates[site].isEmpty {
                    entry.phoneKind = .international
                } else {
                    let pick = random.int(phoneCandidates[site].count)
                    let source = phoneCandidates[site].remove(at: pick)
                    entry.phoneSource = source
                    // The same number written differently.
                    let sourceFormat = Int(entries[Int(source)].phoneFormat) % MessyData.internationalFormats
                    entry.phoneFormat = UInt8(
                        (sourceFormat + 1 + random.int(MessyData.internationalFormats - 1)) % MessyData.internationalFormats)
                }
            }
            if entry.phoneKind == .international { phoneCandidates[site].append(Int32(index)) }

            let emailDraw = random.unit()
            entry.emailKind =
                emailDraw < 0.78
                ? .normal
                : emailDraw < 0.83
                    ? .shoutyDomain
                    : emailDraw < 0.86
                        ? .spaced
                        : emailDraw < 0.90 ? .null : emailDraw < 0.93 ? .empty : emailDraw < 0.98 ? .invalid : .shared
            if entry.emailKind == .shared {
                if emailCandidates[site].isEmpty {
                    entry.emailKind = .normal
                } else {
                    let pick = random.int(emailCandidates[site].count)
                    entry.emailSource = emailCandidates[site].remove(at: pick)
                }
            }
            if entry.emailKind == .normal { emailCandidates[site].append(Int32(index)) }

            entries.append(entry)
            switch habit {
            case .none: break
            case .single: singles.append(Int32(index))
            case .regularVIP: frequent.append(Int32(index))
            case .regular: regulars.append(Int32(index))
            }
        }
        self.entries = entries
        self.singles = singles
        self.frequent = frequent
        self.regulars = regulars
    }
}
