/// The service's version, from one place: `--version`, `GET /health` and `Scripts/package`
/// (which names the .deb and tarball after it) all read this.
public enum ServiceVersion {
    /// The release number (semantic versioning); bump it when cutting a package.
    public static let number = "0.32.0"
}
