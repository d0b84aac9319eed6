using Its.Cli;

// Ends the process even when a thread a notebook cell started still runs: the command is done.
Environment.Exit(Cli.Run(args));
