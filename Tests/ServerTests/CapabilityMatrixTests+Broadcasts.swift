import Campaigns
import Foundation

/// The matrix's broadcasts (DESIGN §14): each channel paired with another, so a route needs its
/// capability on both.
extension CapabilityMatrixTests {
    /// The second channel of the matrix's broadcasts on `channel`.
    static func partner(_ channel: Channel) -> Channel {
        switch channel {
        case .sms: .whatsapp
        case .whatsapp: .email
        case .email: .sms
        }
    }

    /// A broadcast body on `channel` and its partner.
    static func broadcast(_ channel: Channel, name: String) -> String {
        let channels = [channel, partner(channel)]
        let content = channels.map { #""\#($0.rawValue)":{"body":"Hi {customer_first_name}","subject":"Hello"}"# }.joined(separator: ",")
        return
            #"{"name":"\#(name)","channels":["\#(channels[0].rawValue)","\#(channels[1].rawValue)"],"mode":"first","segment":{"type":"all_customers"},"content":{\#(content)}}"#
    }
}
