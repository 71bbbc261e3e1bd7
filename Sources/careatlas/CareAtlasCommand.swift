import ArgumentParser

@main
struct CareAtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "careatlas",
        abstract: "Geographic accessibility analysis for palliative-care liaison planning.")
}
