using System.CommandLine;

using Its.Data;

namespace Its.Cli;

/// <summary>
/// <c>its data</c>: the public reference datasets (<see cref="ReferenceDatasets"/>).
/// <c>its data fetch [NAME...]</c> downloads what is missing into the local cache and verifies it;
/// <c>its data list</c> shows each dataset and where a copy is found.
/// </summary>
public static class DataCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var command = new Command("data", "The public reference datasets: download them into the local cache (fetch) or show where they are (list)");
        command.Subcommands.Add(CreateFetch(output));
        command.Subcommands.Add(CreateList(output));
        return command;
    }

    private static Option<string?> CacheOption() => new("--cache")
    {
        Description = $"Cache folder (default ${ReferenceDatasets.CacheVariable}, else $XDG_CACHE_HOME/its-kit/data, else ~/.cache/its-kit/data)",
    };

    private static Option<bool> CacheOnlyOption() => new("--cache-only")
    {
        Description = $"Look only in the cache, not in ${ReferenceDatasets.DataFolderVariable} or the kit's own copies (fetch then downloads a fresh copy into the cache and verifies it)",
    };

    private static Command CreateFetch(TextWriter output)
    {
        var names = new Argument<string[]>("name")
        {
            Description = $"Datasets to fetch ({string.Join(", ", ReferenceDatasets.All.Select(d => d.Name))}); all when omitted",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var cache = CacheOption();
        var cacheOnly = CacheOnlyOption();
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = $"Download NAME from URL/NAME (a mirror) instead of the public origins (default ${ReferenceDatasets.BaseUrlVariable})",
        };
        var command = new Command("fetch", "Download the reference datasets that have no verified copy yet into the cache, checking their SHA-256");
        command.Arguments.Add(names);
        command.Options.Add(cache);
        command.Options.Add(cacheOnly);
        command.Options.Add(baseUrl);
        command.SetAction(async (p, cancellationToken) =>
        {
            var datasets = ReferenceDatasets.Select(p.GetValue(names));
            var locations = Locations(p.GetValue(cache), p.GetValue(cacheOnly));
            string? url = p.GetValue(baseUrl) ?? ReferenceDatasets.BaseUrlFromEnvironment();
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.UserAgent.ParseAdd("its-kit");
            foreach (var dataset in datasets)
            {
                var result = await ReferenceDatasets.FetchAsync(dataset, http, locations, url, cancellationToken);
                output.WriteLine($"{result.Path}: {Describe(result)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList(TextWriter output)
    {
        var cache = CacheOption();
        var cacheOnly = CacheOnlyOption();
        var command = new Command("list", "List the reference datasets, their origins and where a verified copy is found");
        command.Options.Add(cache);
        command.Options.Add(cacheOnly);
        command.SetAction(p =>
        {
            var locations = Locations(p.GetValue(cache), p.GetValue(cacheOnly));
            output.WriteLine($"Searched in order: {locations}");
            foreach (var dataset in ReferenceDatasets.All)
            {
                output.WriteLine($"{dataset.Name}: {dataset.Description}");
                output.WriteLine($"  origin: {dataset.OriginUrl}");
                var copy = ReferenceDatasets.Find(dataset, locations);
                output.WriteLine(copy switch
                {
                    null => $"  not found; run `its data fetch {dataset.Name}`",
                    { Verified: true } => $"  found: {copy.Path} ({ReferenceDatasets.Describe(copy.Place)}, SHA-256 verified)",
                    _ => $"  refused: {ReferenceDatasets.WrongHashMessage(copy)}",
                });
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static DataLocations Locations(string? cache, bool cacheOnly)
    {
        var locations = DataLocations.FromEnvironment();
        if (cache is not null)
        {
            if (cache.Trim().Length == 0) throw new InputError("--cache: expected a folder");
            locations = locations with { CacheFolder = Path.GetFullPath(cache) };
        }
        return cacheOnly ? locations.CacheOnly() : locations;
    }

    private static string Describe(FetchResult result) => result.Status switch
    {
        FetchStatus.Downloaded => $"downloaded from {result.Url}, SHA-256 verified",
        FetchStatus.Replaced => $"downloaded from {result.Url}, SHA-256 verified (replaced a cached copy with the wrong SHA-256)",
        _ => $"already in {(result.Place == DataPlace.Cache ? "the cache" : ReferenceDatasets.Describe(result.Place))}, SHA-256 verified",
    };
}
