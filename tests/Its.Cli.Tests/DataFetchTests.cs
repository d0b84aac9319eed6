using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Its.Data;

namespace Its.Cli.Tests;

/// <summary>
/// <see cref="ReferenceDatasets"/> and <c>its data</c>: locating verified copies and downloading
/// them from a loopback HTTP server (no test reaches the internet). Folders and base URLs are
/// passed explicitly; no test sets an environment variable.
/// </summary>
public sealed class DataFetchTests
{
    private static readonly ReferenceDataset Sicily = ReferenceDatasets.Sicily;

    private static byte[] TrueSicily() => File.ReadAllBytes(ReferenceDatasets.Locate("sicily.csv"));

    private static HttpClient Client() => new(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static DataLocations CacheOnly(string cache) => new() { CacheFolder = cache };

    private static string[] Entries(string folder) => Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder) : [];

    [Fact]
    public async Task Fetch_downloads_verifies_and_moves_the_file_into_the_cache()
    {
        using var temp = new TempFolder();
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var result = await ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl);

        Assert.Equal(FetchStatus.Downloaded, result.Status);
        Assert.Equal(DataPlace.Cache, result.Place);
        Assert.Equal(Path.Combine(cache, "sicily.csv"), result.Path);
        Assert.Equal(new Uri(server.BaseUrl + "sicily.csv"), result.Url);
        Assert.Equal(Sicily.Sha256, ReferenceDatasets.HashFile(result.Path));
        Assert.Equal([result.Path], Entries(cache));
        Assert.Equal(result.Path, ReferenceDatasets.Locate("sicily.csv", CacheOnly(cache)));
        Assert.Equal(["/sicily.csv"], server.Requests);
    }

    [Fact]
    public async Task Fetch_of_tampered_bytes_is_refused_naming_both_hashes_and_leaves_nothing()
    {
        using var temp = new TempFolder();
        byte[] tampered = TrueSicily();
        tampered[^3] ^= 1;
        string actual = Convert.ToHexStringLower(SHA256.HashData(tampered));
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = tampered });
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var e = await Assert.ThrowsAsync<InputError>(() => ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl));

        Assert.Contains(server.BaseUrl + "sicily.csv", e.Message);
        Assert.Contains("SHA-256 " + actual, e.Message);
        Assert.Contains("expected " + Sicily.Sha256, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public async Task Fetch_of_a_missing_file_is_a_clear_input_error()
    {
        using var temp = new TempFolder();
        using var server = new LoopbackServer(new());
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var e = await Assert.ThrowsAsync<InputError>(() => ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl));

        Assert.Equal($"could not download sicily.csv from {server.BaseUrl}sicily.csv: HTTP 404 Not Found", e.Message);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public async Task Fetch_when_nothing_listens_is_a_one_line_input_error()
    {
        using var temp = new TempFolder();
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var e = await Assert.ThrowsAsync<InputError>(() => ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), $"http://127.0.0.1:{port}/"));

        Assert.StartsWith($"could not download sicily.csv from http://127.0.0.1:{port}/sicily.csv: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public async Task Fetch_twice_downloads_once()
    {
        using var temp = new TempFolder();
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var first = await ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl);
        var written = File.GetLastWriteTimeUtc(first.Path);
        var second = await ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl);

        Assert.Equal(FetchStatus.Downloaded, first.Status);
        Assert.Equal(FetchStatus.AlreadyPresent, second.Status);
        Assert.Equal(first.Path, second.Path);
        Assert.Null(second.Url);
        Assert.Single(server.Requests);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.Path));
    }

    [Fact]
    public async Task Fetch_does_not_download_what_the_kit_already_ships()
    {
        using var temp = new TempFolder();
        string kit = Directory.CreateDirectory(Path.Combine(temp.Path, "kit", "data")).FullName;
        File.WriteAllBytes(Path.Combine(kit, "sicily.csv"), TrueSicily());
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var result = await ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache) with { KitFolders = [kit] }, server.BaseUrl);

        Assert.Equal(FetchStatus.AlreadyPresent, result.Status);
        Assert.Equal(DataPlace.Kit, result.Place);
        Assert.Equal(Path.Combine(kit, "sicily.csv"), result.Path);
        Assert.Empty(server.Requests);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public async Task Fetch_replaces_a_cached_copy_with_the_wrong_hash()
    {
        using var temp = new TempFolder();
        string cache = Directory.CreateDirectory(Path.Combine(temp.Path, "cache")).FullName;
        File.WriteAllText(Path.Combine(cache, "sicily.csv"), "not the data\n");
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        using var http = Client();

        var result = await ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache), server.BaseUrl);

        Assert.Equal(FetchStatus.Replaced, result.Status);
        Assert.Equal(Sicily.Sha256, ReferenceDatasets.HashFile(result.Path));
        Assert.Equal([result.Path], Entries(cache));
    }

    [Fact]
    public async Task Fetch_refuses_a_wrong_copy_in_the_data_folder_without_downloading()
    {
        using var temp = new TempFolder();
        string data = Directory.CreateDirectory(Path.Combine(temp.Path, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "sicily.csv"), "not the data\n");
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        string cache = Path.Combine(temp.Path, "cache");
        using var http = Client();

        var e = await Assert.ThrowsAsync<InputError>(() => ReferenceDatasets.FetchAsync(Sicily, http, CacheOnly(cache) with { DataFolder = data }, server.BaseUrl));

        Assert.Contains(Path.Combine(data, "sicily.csv"), e.Message);
        Assert.Contains("ITS_DATA", e.Message);
        Assert.Empty(server.Requests);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public void Locate_refuses_a_file_with_the_wrong_hash()
    {
        using var temp = new TempFolder();
        string data = Directory.CreateDirectory(Path.Combine(temp.Path, "data")).FullName;
        string bad = Path.Combine(data, "sicily.csv");
        File.WriteAllText(bad, "year,month,aces\n2002,1,1\n");
        string actual = ReferenceDatasets.HashFile(bad);
        // A verified copy further down the search order does not make the refused one acceptable.
        string kit = Directory.CreateDirectory(Path.Combine(temp.Path, "kit", "data")).FullName;
        File.WriteAllBytes(Path.Combine(kit, "sicily.csv"), TrueSicily());
        var locations = CacheOnly(Path.Combine(temp.Path, "cache")) with { DataFolder = data, KitFolders = [kit] };

        var e = Assert.Throws<InputError>(() => ReferenceDatasets.Locate("sicily.csv", locations));

        Assert.Equal($"{bad} ($ITS_DATA) has SHA-256 {actual}, expected {Sicily.Sha256}: not the published sicily.csv, not used; replace or remove it, or unset ITS_DATA", e.Message);
    }

    [Fact]
    public void A_changed_copy_of_the_kit_s_data_is_refused_saying_how_to_restore_it()
    {
        using var temp = new TempFolder();
        string kit = Directory.CreateDirectory(Path.Combine(temp.Path, "kit", "data")).FullName;
        byte[] changed = TrueSicily();
        changed[10] ^= 1;
        File.WriteAllBytes(Path.Combine(kit, "sicily.csv"), changed);
        string cache = Directory.CreateDirectory(Path.Combine(temp.Path, "cache")).FullName;
        File.WriteAllBytes(Path.Combine(cache, "sicily.csv"), TrueSicily());

        var e = Assert.Throws<InputError>(() => ReferenceDatasets.Locate("sicily.csv", CacheOnly(cache) with { KitFolders = [kit] }));

        Assert.Equal($"{Path.Combine(kit, "sicily.csv")} (the kit's data) has SHA-256 {Convert.ToHexStringLower(SHA256.HashData(changed))}, expected {Sicily.Sha256}: "
            + "not the published sicily.csv, not used; restore the shipped file (in a clone: git checkout -- data/sicily.csv; else reinstall the kit), or set ITS_DATA to a folder with a verified copy", e.Message);
    }

    [Fact]
    public void Locate_finds_a_verified_copy_in_search_order()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "cache");
        string kit = Directory.CreateDirectory(Path.Combine(temp.Path, "kit", "data")).FullName;
        File.WriteAllBytes(Path.Combine(kit, "sicily.csv"), TrueSicily());
        var locations = CacheOnly(cache) with { DataFolder = Path.Combine(temp.Path, "empty"), KitFolders = [kit] };

        Assert.Equal(Path.Combine(kit, "sicily.csv"), ReferenceDatasets.Locate("sicily", locations));
        Assert.Equal(Path.Combine(kit, "sicily.csv"), ReferenceDatasets.Locate("SICILY.CSV", locations));
    }

    [Fact]
    public void Locate_says_where_it_looked_and_to_run_its_data_fetch()
    {
        using var temp = new TempFolder();
        string cache = Path.Combine(temp.Path, "cache");
        string data = Path.Combine(temp.Path, "data");

        var e = Assert.Throws<InputError>(() => ReferenceDatasets.Locate("prop99_smoking.csv", CacheOnly(cache) with { DataFolder = data }));

        Assert.Equal($"reference dataset prop99_smoking.csv not found: looked in {data} ($ITS_DATA), {cache} (cache); run `its data fetch prop99_smoking.csv` to download it", e.Message);
    }

    [Fact]
    public void Unknown_names_are_input_errors_listing_the_catalogue()
    {
        var e = Assert.Throws<InputError>(() => ReferenceDatasets.Get("smoking.csv"));
        Assert.Equal("unknown reference dataset 'smoking.csv': expected one of sicily.csv, prop99_smoking.csv", e.Message);
        Assert.Equal(ReferenceDatasets.All, ReferenceDatasets.Select([]));
        Assert.Equal(ReferenceDatasets.All, ReferenceDatasets.Select(["all"]));
        Assert.Equal([ReferenceDatasets.Prop99Smoking], ReferenceDatasets.Select(["prop99_smoking", "prop99_smoking.csv"]));
    }

    [Fact]
    public void Download_urls_are_the_public_origins_or_a_mirror()
    {
        Assert.Equal("https://raw.githubusercontent.com/gasparrini/2017_lopezbernal_IJE_codedata/master/sicily.csv",
            ReferenceDatasets.DownloadUrl(Sicily, null).AbsoluteUri);
        Assert.Equal("https://raw.githubusercontent.com/OscarEngelbrektson/SyntheticControlMethods/master/examples/datasets/smoking_data.csv",
            ReferenceDatasets.DownloadUrl(ReferenceDatasets.Prop99Smoking, null).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8080/mirror/sicily.csv", ReferenceDatasets.DownloadUrl(Sicily, "http://127.0.0.1:8080/mirror").AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8080/mirror/sicily.csv", ReferenceDatasets.DownloadUrl(Sicily, "http://127.0.0.1:8080/mirror/").AbsoluteUri);
        Assert.Throws<InputError>(() => ReferenceDatasets.DownloadUrl(Sicily, "ftp://example.org/"));
        Assert.Throws<InputError>(() => ReferenceDatasets.DownloadUrl(Sicily, "mirror"));
    }

    [Fact]
    public void The_catalogue_matches_SOURCES_md()
    {
        string sources = Path.Combine(Path.GetDirectoryName(ReferenceDatasets.Locate("sicily.csv"))!, "SOURCES.md");
        Assert.True(File.Exists(sources), $"{sources} not found beside the located reference data");
        string[] rows = File.ReadAllLines(sources);
        foreach (var dataset in ReferenceDatasets.All)
        {
            string row = Assert.Single(rows, r => r.StartsWith($"| `{dataset.Name}` |", StringComparison.Ordinal));
            Assert.EndsWith($"| {dataset.Sha256} |", row);
        }
    }

    [Fact]
    public void Cli_data_fetch_and_list_use_the_given_cache_and_base_url()
    {
        using var temp = new TempFolder();
        using var server = new LoopbackServer(new() { ["/sicily.csv"] = TrueSicily() });
        string cache = Path.Combine(temp.Path, "cache");
        string cached = Path.Combine(cache, "sicily.csv");

        var fetch = CliRun.Of("data", "fetch", "sicily.csv", "--cache", cache, "--cache-only", "--base-url", server.BaseUrl);
        Assert.Equal("", fetch.Error);
        Assert.Equal(0, fetch.ExitCode);
        Assert.Equal($"{cached}: downloaded from {server.BaseUrl}sicily.csv, SHA-256 verified" + Environment.NewLine, fetch.Output);
        Assert.Equal(Sicily.Sha256, ReferenceDatasets.HashFile(cached));

        var again = CliRun.Of("data", "fetch", "sicily", "--cache", cache, "--cache-only", "--base-url", server.BaseUrl);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal($"{cached}: already in the cache, SHA-256 verified" + Environment.NewLine, again.Output);
        Assert.Single(server.Requests);

        var list = CliRun.Of("data", "list", "--cache", cache, "--cache-only");
        Assert.Equal("", list.Error);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(
            [
                $"Searched in order: {cache} (cache)",
                $"sicily.csv: {Sicily.Description}",
                $"  origin: {Sicily.OriginUrl}",
                $"  found: {cached} (cache, SHA-256 verified)",
                $"prop99_smoking.csv: {ReferenceDatasets.Prop99Smoking.Description}",
                $"  origin: {ReferenceDatasets.Prop99Smoking.OriginUrl}",
                "  not found; run `its data fetch prop99_smoking.csv`",
            ],
            list.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Cli_data_fetch_failures_are_one_line_and_exit_code_2()
    {
        using var temp = new TempFolder();
        using var server = new LoopbackServer(new());
        string cache = Path.Combine(temp.Path, "cache");

        var missing = CliRun.Of("data", "fetch", "prop99_smoking.csv", "--cache", cache, "--cache-only", "--base-url", server.BaseUrl);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Equal($"its: could not download prop99_smoking.csv from {server.BaseUrl}prop99_smoking.csv: HTTP 404 Not Found" + Environment.NewLine, missing.Error);
        Assert.Equal("", missing.Output);
        Assert.Empty(Entries(cache));

        var unknown = CliRun.Of("data", "fetch", "nosuch.csv", "--cache", cache, "--base-url", server.BaseUrl);
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Equal("its: unknown reference dataset 'nosuch.csv': expected one of sicily.csv, prop99_smoking.csv" + Environment.NewLine, unknown.Error);

        var badUrl = CliRun.Of("data", "fetch", "sicily.csv", "--cache", cache, "--cache-only", "--base-url", "ftp://127.0.0.1/");
        Assert.Equal(ExitCodes.BadInput, badUrl.ExitCode);
        Assert.Equal("its: base URL 'ftp://127.0.0.1/': expected an http:// or https:// URL" + Environment.NewLine, badUrl.Error);
        Assert.Equal(["/prop99_smoking.csv"], server.Requests);
    }

    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 (a free port): answers GET with the bytes registered
    /// for the path, 404 otherwise, one request per connection. It stops when disposed, and by
    /// itself after a minute.
    /// </summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new(TimeSpan.FromMinutes(1));
        private readonly Dictionary<string, byte[]> files;
        private readonly List<string> requests = [];
        private readonly Task loop;

        public LoopbackServer(Dictionary<string, byte[]> files)
        {
            this.files = files;
            listener.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
            loop = Task.Run(ServeAsync);
        }

        /// <summary>The server's root, ending in a slash.</summary>
        public string BaseUrl { get; }

        /// <summary>The paths requested so far.</summary>
        public string[] Requests { get { lock (requests) return requests.ToArray(); } }

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    try { await AnswerAsync(client.GetStream()); }
                    catch (Exception e) when (e is IOException or SocketException) { }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
            finally { listener.Stop(); }
        }

        private async Task AnswerAsync(NetworkStream stream)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var head = new List<byte>();
            var buffer = new byte[4096];
            while (!EndsWithBlankLine(head))
            {
                int read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0 || head.Count > 65536) return;
                head.AddRange(buffer.AsSpan(0, read));
            }
            string[] requestLine = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")[0].Split(' ');
            string path = requestLine.Length > 1 ? requestLine[1] : "";
            lock (requests) requests.Add(path);
            byte[]? served = requestLine[0] == "GET" && files.TryGetValue(path, out var file) ? file : null;
            byte[] body = served ?? Encoding.ASCII.GetBytes("not found\n");
            string status = served is not null ? "200 OK" : "404 Not Found";
            byte[] header = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {status}\r\nContent-Type: text/csv\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header, timeout.Token);
            await stream.WriteAsync(body, timeout.Token);
            await stream.FlushAsync(timeout.Token);
        }

        private static bool EndsWithBlankLine(List<byte> head) =>
            head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';

        public void Dispose()
        {
            stop.Cancel();
            try { loop.Wait(TimeSpan.FromSeconds(10)); }
            catch (AggregateException) { }
            stop.Dispose();
        }
    }
}
