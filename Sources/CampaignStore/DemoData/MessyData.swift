/// The realistic mess that real Booknetic installs contain: accented and non-Latin names, emoji,
/// blanks, phone numbers in every format people type, broken email addresses, mixed date formats.
/// Everything here is pure (no randomness of its own), so the generator stays deterministic.
enum MessyData {
    /// A display name and the ASCII slug used to build its email address.
    struct Name {
        let display: String
        let slug: String
    }

    static let firstNames: [Name] = [
        ("José", "jose"), ("Zoë", "zoe"), ("Øyvind", "oyvind"), ("Anna", "anna"), ("Björn", "bjorn"),
        ("François", "francois"), ("Siobhán", "siobhan"), ("Łukasz", "lukasz"), ("Ana María", "anamaria"),
        ("Chloé", "chloe"), ("Mohammed", "mohammed"), ("Aiko", "aiko"), ("Renée", "renee"),
        ("İbrahim", "ibrahim"), ("Žofia", "zofia"), ("Çağla", "cagla"), ("Olivia", "olivia"),
        ("James", "james"), ("Emma", "emma"), ("Liam", "liam"), ("Mia", "mia"), ("Noah", "noah"),
        ("Sofia", "sofia"), ("Lucas", "lucas"), ("Hannah", "hannah"), ("Ben", "ben"), ("Lola 🌸", "lola"),
        ("Mary-Kate", "marykate"), ("Jürgen", "jurgen"), ("Ngozi", "ngozi"), ("Priya", "priya"),
        ("Wei", "wei"), ("Алексей", "aleksei"), ("Σοφία", "sofia"), ("美咲", "misaki"), ("Fatima", "fatima"),
        ("Seán", "sean"), ("Ægir", "aegir"), ("Inès", "ines"), ("Dmitri", "dmitri"), ("Ann", "ann"),
        ("Bob", "bob"), ("Grace", "grace"), ("Oscar", "oscar"), ("Amélie", "amelie"), ("Mateo", "mateo"),
        ("Nora", "nora"), ("Elif", "elif"),
    ].map { Name(display: $0.0, slug: $0.1) }

    static let lastNames: [Name] = [
        ("Müller", "muller"), ("García", "garcia"), ("O'Connor", "oconnor"), ("Smith", "smith"),
        ("Østergaard", "ostergaard"), ("Nowak", "nowak"), ("Dubois", "dubois"), ("Rossi", "rossi"),
        ("van der Berg", "vanderberg"), ("Kowalski", "kowalski"), ("Jones", "jones"),
        ("Fernández", "fernandez"), ("Schröder", "schroder"), ("Núñez", "nunez"), ("Yılmaz", "yilmaz"),
        ("Иванова", "ivanova"), ("田中", "tanaka"), ("D'Angelo", "dangelo"), ("Nguyễn", "nguyen"),
        ("Brown", "brown"), ("Johansson", "johansson"), ("Ó Súilleabháin", "osullivan"), ("Kim", "kim"),
        ("Patel", "patel"), ("Lefèvre", "lefevre"), ("Williams", "williams"), ("Taylor ✨", "taylor"),
        ("Ødegård", "odegard"), ("Wójcik", "wojcik"), ("Hernández-López", "hernandezlopez"),
        ("Okafor", "okafor"), ("Andersson", "andersson"), ("Silva", "silva"), ("Lee", "lee"),
    ].map { Name(display: $0.0, slug: $0.1) }

    // MARK: Phones

    /// US area codes; with the reserved-looking `555` exchange they give 400 000 distinct numbers
    /// (the exchanges after it serve bigger data sets).
    static let areaCodes = [
        201, 202, 206, 210, 212, 213, 214, 281, 303, 305, 310, 312, 314, 347, 385, 404, 406, 412, 415, 435,
        469, 503, 512, 602, 617, 702, 713, 718, 720, 801, 808, 813, 816, 857, 907, 917, 929, 949, 971, 978,
    ]

    /// The real-world number behind customer `index`: unique for the first 400 000 customers in
    /// the `555` exchange, then in 556, 557 and on for every further 400 000 (a million-recipient
    /// soak). About one in ten of the first 10 000 is a UK mobile from Ofcom's drama range
    /// (07700 900000–900999); the rest are North American `NPA-555-XXXX` numbers. In the UK
    /// region every customer has a UK mobile, 07700 900000 on.
    enum Number {
        case uk(String)  // the 6 digits after 07700
        case us(area: Int, exchange: Int, line: String)  // line: 4 digits
    }

    static func number(ofCustomer index: Int, region: DemoRegion = .mixed) -> Number {
        // A British demo: UK mobiles only, from 07700 900000 on (the first thousand are Ofcom's
        // drama range; the outbox never sends to any of them).
        if region == .uk { return .uk(String(900_000 + index % 100_000)) }
        if index % 10 == 3, index < 10_000 { return .uk("900" + pad(index / 10, 3)) }
        let block = areaCodes.count * 10_000
        return .us(
            area: areaCodes[index % areaCodes.count], exchange: 555 + index / block, line: pad((index / areaCodes.count) % 10_000, 4))
    }

    /// How many international (E.164-valid) spellings `international(_:format:)` knows.
    static let internationalFormats = 4

    /// An international spelling that normalizes to the number's E.164 form.
    static func international(_ number: Number, format: Int) -> String {
        switch number {
        case .uk(let n):
            switch format % internationalFormats {
            case 0: return "+44 7700 \(n)"
            case 1: return "0044 7700-\(n)"
            case 2: return "+447700\(n)"
            default: return "+44-7700-\(n.prefix(3))-\(n.suffix(3))"
            }
        case .us(let area, let exchange, let line):
            switch format % internationalFormats {
            case 0: return "+1 (\(area)) \(exchange)-\(line)"
            case 1: return "+1\(area)\(exchange)\(line)"
            case 2: return "001 \(area) \(exchange) \(line)"
            default: return "+1.\(area).\(exchange).\(line)"
            }
        }
    }

    /// A national spelling: only a recipient when a default country code is configured.
    static func national(_ number: Number, format: Int) -> String {
        switch number {
        case .uk(let n): return format % 2 == 0 ? "07700.\(n)" : "07700 \(n)"
        case .us(let area, let exchange, let line):
            return format % 2 == 0 ? "(\(area)) \(exchange)-\(line)" : "\(area)-\(exchange)-\(line)"
        }
    }

    /// Things people type into a phone field that are not phone numbers.
    static let junkPhones = ["555", "call me", "n/a", "+1 555", "12345", "+44", "☎ ask at desk", "+1234567", "0"]

    // MARK: Emails

    static let emailDomains = ["example.com", "example.org", "example.net", "mail.example", "salon.test"]

    /// The address customer `index` would have if typed carefully.
    static func canonicalEmail(first: Int, last: Int, index: Int) -> (local: String, domain: String) {
        ("\(firstNames[first].slug).\(lastNames[last].slug)\(index + 1)", emailDomains[index % emailDomains.count])
    }

    /// Addresses no mailer accepts.
    static let invalidEmails = [
        "bob@", "no-at-sign", "ann@@example.com", "josé@example.com", "x@localhost", "name@example..com",
        "@example.com", "two words@example.com",
    ]

    /// `Example.COM`-style casing of a domain (the address stays the same after normalization).
    static func shoutyDomain(_ domain: String, variant: Int) -> String {
        switch variant % 3 {
        case 0: return domain.uppercased()
        case 1:
            let parts = domain.split(separator: ".", maxSplits: 1).map(String.init)
            return parts[0].prefix(1).uppercased() + parts[0].dropFirst() + "." + parts[1].uppercased()
        default: return domain.prefix(1).uppercased() + domain.dropFirst()
        }
    }

    // MARK: Other fields

    static let notes = [
        "Allergic to latex — please use gloves 🧤", "Prefers afternoon slots", "VIP ⭐", "Parking: use rear entrance",
        "Spricht nur Deutsch", "Paga en efectivo", "Line 1\nLine 2", "Said \"no SMS please\" once",
    ]
    static let genders: [String?] = ["male", "female", "female", "male", "", nil, "other"]
    static let locales: [String?] = ["en_US", "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nb_NO", "tr_TR", nil]
    static let timezones: [String?] = [
        "Europe/London", "America/New_York", "Europe/Berlin", "America/Los_Angeles", "Europe/Oslo", "+03:00", "", nil,
    ]

    // MARK: Formatting

    private static let twoDigits: [String] = (0..<100).map { $0 < 10 ? "0\($0)" : "\($0)" }

    /// `value` with leading zeros to `width` digits (`value` ≥ 0).
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (UTC).
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `Y-m-d` of an epoch second (UTC).
    static func date(epoch: Int) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let (y, m, d) = civil(days: days)
        return "\(pad(y, 4))-\(twoDigits[m])-\(twoDigits[d])"
    }

    /// `Y-m-d H:i:s` of an epoch second (UTC).
    static func dateTime(epoch: Int) -> String {
        let seconds = ((epoch % 86_400) + 86_400) % 86_400
        return "\(date(epoch: epoch)) \(twoDigits[seconds / 3600]):\(twoDigits[seconds / 60 % 60]):\(twoDigits[seconds % 60])"
    }
}

/// Just enough of PHP's `serialize()` for WordPress roles and option arrays. `s:N` is the UTF-8
/// byte length, as PHP counts it.
enum DemoPHPSerializer {
    static func string(_ text: String) -> String { "s:\(text.utf8.count):\"\(text)\";" }

    /// A `{prefix}capabilities` value: `a:1:{s:13:"administrator";b:1;}`.
    static func roles(_ roles: [String]) -> String {
        "a:\(roles.count):{" + roles.map { string($0) + "b:1;" }.joined() + "}"
    }

    /// A PHP list: `a:2:{i:0;s:18:"booknetic/init.php";i:1;…}`.
    static func list(_ items: [String]) -> String {
        "a:\(items.count):{" + items.enumerated().map { "i:\($0.offset);" + string($0.element) }.joined() + "}"
    }
}
