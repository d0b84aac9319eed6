using System.Security.Cryptography;

namespace Its.Data;

/// <summary>One public reference dataset (see <c>data/SOURCES.md</c>).</summary>
/// <param name="Name">The local file name, e.g. <c>sicily.csv</c>.</param>
/// <param name="Description">What the data are, in one line.</param>
/// <param name="OriginUrl">Where the file is downloaded from (its public origin).</param>
/// <param name="Sha256">The SHA-256 of the published file, lower-case hexadecimal.</param>
public sealed record ReferenceDataset(string Name, string Description, string OriginUrl, string Sha256);

/// <summary>The kind of folder a copy of a reference dataset was found in.</summary>
public enum DataPlace
{
    /// <summary>The folder named by the environment variable <c>ITS_DATA</c>.</summary>
    DataFolder,
    /// <summary>The kit's own copies: <c>data/</c> of the repository, or the copy installed with the kit (<see cref="KitData.Folders"/>).</summary>
    Kit,
    /// <summary>The local download cache (where <c>its data fetch</c> writes).</summary>
    Cache,
}

/// <summary>
/// The folders searched for reference datasets, in order: <see cref="DataFolder"/>, then each of
/// <see cref="KitFolders"/>, then <see cref="CacheFolder"/>. The first copy found is the one used,
/// and only if its SHA-256 is the published one.
/// </summary>
public sealed record DataLocations
{
    /// <summary>The folder named by <c>ITS_DATA</c>, or null.</summary>
    public string? DataFolder { get; init; }

    /// <summary>The local download cache.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>The kit's own data folders (<see cref="KitData.Folders"/>), which ship the datasets.</summary>
    public IReadOnlyList<string> KitFolders { get; init; } = [];

    /// <summary>
    /// The locations of this machine: <c>$ITS_DATA</c>, <see cref="KitData.Folders"/> and the cache
    /// of <see cref="ReferenceDatasets.DefaultCacheFolder"/>.
    /// </summary>
    public static DataLocations FromEnvironment() => new()
    {
        DataFolder = Environment.GetEnvironmentVariable(ReferenceDatasets.DataFolderVariable) is { Length: > 0 } folder ? Path.GetFullPath(folder) : null,
        KitFolders = KitData.Folders(),
        CacheFolder = ReferenceDatasets.DefaultCacheFolder(),
    };

    /// <summary>The same cache and nothing else (no <c>ITS_DATA</c>, not the kit's copies).</summary>
    public DataLocations CacheOnly() => this with { DataFolder = null, KitFolders = [] };

    /// <summary>The folders in search order, with their kind.</summary>
    public IEnumerable<(string Folder, DataPlace Place)> InOrder()
    {
        if (DataFolder is not null) yield return (DataFolder, DataPlace.DataFolder);
        foreach (string folder in KitFolders) yield return (folder, DataPlace.Kit);
        yield return (CacheFolder, DataPlace.Cache);
    }

    /// <summary>The folders in search order, for messages.</summary>
    public override string ToString() =>
        string.Join(", ", InOrder().Select(l => $"{l.Folder} ({ReferenceDatasets.Describe(l.Place)})"));
}

/// <summary>A copy of a reference dataset on disk, with the SHA-256 it actually has.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Path">The full path of the file.</param>
/// <param name="Place">The kind of folder it is in.</param>
/// <param name="ActualSha256">The SHA-256 of the file, lower-case hexadecimal.</param>
public sealed record DatasetCopy(ReferenceDataset Dataset, string Path, DataPlace Place, string ActualSha256)
{
    /// <summary>Whether the file is the published one (its SHA-256 matches).</summary>
    public bool Verified => ActualSha256 == Dataset.Sha256;
}

/// <summary>What <see cref="ReferenceDatasets.FetchAsync(ReferenceDataset, HttpClient, DataLocations, string?, CancellationToken)"/> did.</summary>
public enum FetchStatus
{
    /// <summary>A verified copy was already there; nothing was downloaded.</summary>
    AlreadyPresent,
    /// <summary>Downloaded and verified into the cache.</summary>
    Downloaded,
    /// <summary>Downloaded and verified into the cache, replacing a cached copy with the wrong SHA-256.</summary>
    Replaced,
}

/// <summary>The outcome of fetching one dataset.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Path">The verified copy now available.</param>
/// <param name="Place">Where that copy is.</param>
/// <param name="Status">Whether it was downloaded.</param>
/// <param name="Url">The URL it was downloaded from, or null when nothing was downloaded.</param>
public sealed record FetchResult(ReferenceDataset Dataset, string Path, DataPlace Place, FetchStatus Status, Uri? Url);

/// <summary>
/// The one place that knows the public reference datasets of <c>data/SOURCES.md</c>:
/// their names, origins and SHA-256, where a verified copy is (<see cref="Locate(string)"/>), and
/// how to download one into the local cache (<see cref="FetchAsync(string?, HttpClient, string?, CancellationToken)"/>).
/// Every copy is checked against its published SHA-256 before use; a file with the wrong hash is
/// reported and never used.
/// </summary>
public static class ReferenceDatasets
{
    /// <summary>Environment variable naming a folder searched first.</summary>
    public const string DataFolderVariable = "ITS_DATA";

    /// <summary>Environment variable naming the download cache.</summary>
    public const string CacheVariable = "ITS_CACHE";

    /// <summary>Environment variable replacing the public origins by a mirror: a dataset is fetched from BASE/NAME.</summary>
    public const string BaseUrlVariable = "ITS_DATA_BASE_URL";

    /// <summary>Largest file accepted from the network (the datasets are far smaller).</summary>
    public const long MaxDownloadBytes = 16 * 1024 * 1024;

    /// <summary>Monthly acute coronary events in Sicily (Lopez Bernal, Cummins, Gasparrini 2017).</summary>
    public static ReferenceDataset Sicily { get; } = new(
        "sicily.csv",
        "Monthly acute coronary events in Sicily, 2002-01 to 2006-11, smoking ban from January 2005 (Lopez Bernal et al. 2017)",
        "https://raw.githubusercontent.com/gasparrini/2017_lopezbernal_IJE_codedata/master/sicily.csv",
        "780806fc955e64e559d28d31a41a20933ed88c6351ce8788aada23df06047fb8");

    /// <summary>Per-capita cigarette sales in 39 US states (Abadie, Diamond, Hainmueller 2010; Linden 2015).</summary>
    public static ReferenceDataset Prop99Smoking { get; } = new(
        "prop99_smoking.csv",
        "Annual per-capita cigarette sales in 39 US states, 1970-2000, California's Proposition 99 in 1989 (Abadie et al. 2010; Linden 2015)",
        "https://raw.githubusercontent.com/OscarEngelbrektson/SyntheticControlMethods/master/examples/datasets/smoking_data.csv",
        "d1b537fc9b69bee16ddee19b92869fd1632afa17f3b0744ae72ba2506da7b582");

    /// <summary>The catalogue, in a fixed order.</summary>
    public static IReadOnlyList<ReferenceDataset> All { get; } = [Sicily, Prop99Smoking];

    /// <summary>
    /// The dataset of that name: its file name, case-insensitive, with or without <c>.csv</c>.
    /// An unknown name is an <see cref="InputError"/> listing the known ones.
    /// </summary>
    public static ReferenceDataset Get(string name)
    {
        string key = name.Trim();
        return All.FirstOrDefault(d => string.Equals(d.Name, key, StringComparison.OrdinalIgnoreCase)
                                       || string.Equals(Path.GetFileNameWithoutExtension(d.Name), key, StringComparison.OrdinalIgnoreCase))
            ?? throw new InputError($"unknown reference dataset '{name}': expected one of {string.Join(", ", All.Select(d => d.Name))}");
    }

    /// <summary>The datasets of these names, without repeats; all of them when none (or <c>all</c>) is named.</summary>
    public static IReadOnlyList<ReferenceDataset> Select(IEnumerable<string>? names)
    {
        var list = (names ?? []).ToList();
        if (list.Count == 0 || list.Any(n => string.Equals(n.Trim(), "all", StringComparison.OrdinalIgnoreCase))) return All;
        return list.Select(Get).Distinct().ToArray();
    }

    /// <summary>
    /// The download cache: <c>$ITS_CACHE</c>, else <c>$XDG_CACHE_HOME/its-kit/data</c>, else
    /// <c>~/.cache/its-kit/data</c>.
    /// </summary>
    public static string DefaultCacheFolder()
    {
        if (Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } cache) return Path.GetFullPath(cache);
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.GetFullPath(Path.Combine(xdg, "its-kit", "data"));
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length == 0) home = Path.GetTempPath();
        return Path.GetFullPath(Path.Combine(home, ".cache", "its-kit", "data"));
    }

    /// <summary>How a place reads in messages: <c>$ITS_DATA</c>, <c>the kit's data</c> or <c>cache</c>.</summary>
    public static string Describe(DataPlace place) => place switch
    {
        DataPlace.DataFolder => "$" + DataFolderVariable,
        DataPlace.Kit => "the kit's data",
        _ => "cache",
    };

    /// <summary>
    /// Path of a verified copy of the dataset, searching the locations of this machine
    /// (<see cref="DataLocations.FromEnvironment"/>): <c>$ITS_DATA</c>, the kit's own copies, the cache.
    /// </summary>
    /// <exception cref="InputError">No copy was found (the message says where it looked and to run
    /// <c>its data fetch</c>), or the first copy found has the wrong SHA-256.</exception>
    public static string Locate(string name) => Locate(name, DataLocations.FromEnvironment());

    /// <summary>Path of a verified copy of the dataset, searching <paramref name="locations"/> in order.</summary>
    /// <exception cref="InputError">No copy was found, or the first copy found has the wrong SHA-256.</exception>
    public static string Locate(string name, DataLocations locations)
    {
        var dataset = Get(name);
        var copy = Find(dataset, locations)
            ?? throw new InputError($"reference dataset {dataset.Name} not found: looked in {locations}; run `its data fetch {dataset.Name}` to download it");
        return copy.Verified ? copy.Path : throw new InputError(WrongHashMessage(copy));
    }

    /// <summary>
    /// The first copy of the dataset in <paramref name="locations"/>, with its actual SHA-256
    /// (check <see cref="DatasetCopy.Verified"/> before using it), or null when there is none.
    /// </summary>
    public static DatasetCopy? Find(ReferenceDataset dataset, DataLocations locations)
    {
        foreach (var (folder, place) in locations.InOrder())
        {
            string path = Path.GetFullPath(Path.Combine(folder, dataset.Name));
            if (File.Exists(path)) return new DatasetCopy(dataset, path, place, HashFile(path));
        }
        return null;
    }

    /// <summary>The SHA-256 of a file, lower-case hexadecimal; an unreadable file is an <see cref="InputError"/>.</summary>
    public static string HashFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputError($"{path}: cannot read the file: {OneLine(e.Message)}");
        }
    }

    /// <summary>The message for a copy with the wrong SHA-256: the path, both hashes and what to do.</summary>
    public static string WrongHashMessage(DatasetCopy copy)
    {
        string remedy = copy.Place switch
        {
            DataPlace.DataFolder => $"replace or remove it, or unset {DataFolderVariable}",
            // The kit's copy comes first in the search, so a download into the cache would not replace it.
            DataPlace.Kit => $"restore the shipped file (in a clone: git checkout -- data/{copy.Dataset.Name}; else reinstall the kit), or set {DataFolderVariable} to a folder with a verified copy",
            _ => $"remove it, or run `its data fetch {copy.Dataset.Name}` to download a verified copy into the cache",
        };
        return $"{copy.Path} ({Describe(copy.Place)}) has SHA-256 {copy.ActualSha256}, expected {copy.Dataset.Sha256}: not the published {copy.Dataset.Name}, not used; {remedy}";
    }

    /// <summary>The base URL of <c>$ITS_DATA_BASE_URL</c>, or null for the public origins.</summary>
    public static string? BaseUrlFromEnvironment() =>
        Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } url ? url : null;

    /// <summary>
    /// Where the dataset is downloaded from: its <see cref="ReferenceDataset.OriginUrl"/>, or with a
    /// <paramref name="baseUrl"/> (a mirror holding the files under their local names) BASE/NAME.
    /// </summary>
    public static Uri DownloadUrl(ReferenceDataset dataset, string? baseUrl)
    {
        if (baseUrl is null) return new Uri(dataset.OriginUrl);
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps))
            throw new InputError($"base URL '{baseUrl}': expected an http:// or https:// URL");
        return new Uri(root.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(dataset.Name));
    }

    /// <summary>
    /// Makes sure a verified copy of each named dataset (all when <paramref name="name"/> is null or
    /// <c>all</c>) is available, downloading what is missing into <paramref name="cacheFolder"/>
    /// (default <see cref="DefaultCacheFolder"/>) from the public origins or from
    /// <c>$ITS_DATA_BASE_URL</c>. See <see cref="FetchAsync(ReferenceDataset, HttpClient, DataLocations, string?, CancellationToken)"/>.
    /// </summary>
    public static async Task<IReadOnlyList<FetchResult>> FetchAsync(string? name, HttpClient http, string? cacheFolder = null, CancellationToken cancellationToken = default)
    {
        var locations = DataLocations.FromEnvironment();
        if (cacheFolder is not null) locations = locations with { CacheFolder = Path.GetFullPath(cacheFolder) };
        string? baseUrl = BaseUrlFromEnvironment();
        var results = new List<FetchResult>();
        foreach (var dataset in Select(name is null ? [] : [name]))
            results.Add(await FetchAsync(dataset, http, locations, baseUrl, cancellationToken).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// Makes sure a verified copy of the dataset is available. When the first copy found in
    /// <paramref name="locations"/> is verified, nothing is downloaded. Otherwise the file is
    /// downloaded (from <see cref="DownloadUrl"/>) to a temporary file in the cache folder, its
    /// SHA-256 checked, and the file moved into place in one step: no partial or unverified file is
    /// ever left under the dataset's name, and a verified file is never overwritten (a cached copy
    /// with the wrong SHA-256 is replaced).
    /// </summary>
    /// <exception cref="InputError">The download failed (network error, HTTP error status, too
    /// large), its SHA-256 is not the published one (the message names the URL and both hashes),
    /// the cache cannot be written, or a copy with the wrong SHA-256 sits in <c>$ITS_DATA</c>.</exception>
    public static async Task<FetchResult> FetchAsync(ReferenceDataset dataset, HttpClient http, DataLocations locations, string? baseUrl = null, CancellationToken cancellationToken = default)
    {
        var existing = Find(dataset, locations);
        if (existing is { Verified: true })
            return new FetchResult(dataset, existing.Path, existing.Place, FetchStatus.AlreadyPresent, null);
        if (existing is { Place: DataPlace.DataFolder })
            throw new InputError(WrongHashMessage(existing));

        var url = DownloadUrl(dataset, baseUrl);
        string cache = Path.GetFullPath(locations.CacheFolder);
        string target = Path.Combine(cache, dataset.Name);
        string temp = Path.Combine(cache, $".{dataset.Name}.{Guid.NewGuid():N}.part");
        string failure = $"could not download {dataset.Name} from {url}";
        try
        {
            try { Directory.CreateDirectory(cache); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new InputError($"{cache}: cannot create the cache folder: {OneLine(e.Message)}");
            }

            string actual;
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new InputError($"{failure}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
                if (response.Content.Headers.ContentLength > MaxDownloadBytes)
                    throw new InputError($"{failure}: {response.Content.Headers.ContentLength} bytes, more than the {MaxDownloadBytes} accepted");
                actual = await DownloadToAsync(response, temp, failure, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new InputError($"{failure}: {NetworkMessage(e)}");
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InputError($"{failure}: no answer within {http.Timeout.TotalSeconds:0} s ({OneLine(e.Message)})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputError($"{failure} into {cache}: {OneLine(e.Message)}");
            }

            if (actual != dataset.Sha256)
                throw new InputError($"{url}: downloaded file has SHA-256 {actual}, expected {dataset.Sha256}: not the published {dataset.Name}, nothing saved");

            return MoveIntoPlace(dataset, temp, target, url);
        }
        finally
        {
            try { File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static async Task<string> DownloadToAsync(HttpResponseMessage response, string temp, string failure, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxDownloadBytes)
                        throw new InputError($"{failure}: more than the {MaxDownloadBytes} bytes accepted");
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static FetchResult MoveIntoPlace(ReferenceDataset dataset, string temp, string target, Uri url)
    {
        try
        {
            try
            {
                File.Move(temp, target, overwrite: false);
                return new FetchResult(dataset, target, DataPlace.Cache, FetchStatus.Downloaded, url);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Someone put a file there meanwhile (or a bad copy was there before): keep it if it
                // is verified, replace it in one step otherwise.
                if (HashFile(target) == dataset.Sha256)
                    return new FetchResult(dataset, target, DataPlace.Cache, FetchStatus.AlreadyPresent, null);
                File.Move(temp, target, overwrite: true);
                return new FetchResult(dataset, target, DataPlace.Cache, FetchStatus.Replaced, url);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputError($"{target}: cannot save the downloaded file: {OneLine(e.Message)}");
        }
    }

    private static string NetworkMessage(HttpRequestException e)
    {
        string message = OneLine(e.Message);
        if (e.InnerException is { } inner && !message.Contains(OneLine(inner.Message), StringComparison.Ordinal))
            message += $" ({OneLine(inner.Message)})";
        return message;
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
