import LeakLabHost

Host.main(arguments: CommandLine.arguments)
