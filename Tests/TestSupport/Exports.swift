/// The in-memory stores live in Sources/InMemoryStores (fuzzing uses them too); every test that
/// imports TestSupport sees them.
@_exported import InMemoryStores
