using Its.Cli;

return Cli.Run(args);
