using System.Globalization;

namespace Its.Model;

/// <summary>
/// A setting a message names: a property the user fills in (<c>ItsSpec.Family</c>,
/// <c>TableOptions.DateFormat</c>), with the values the message suggests or refuses, if any. The
/// library names it as the property (<see cref="ToString"/>); a front end with its own names for
/// the settings (command-line options) renders the message with those instead
/// (<see cref="UserMessage.Render"/>).
/// </summary>
public sealed class Setting
{
    /// <summary>Names a property of <paramref name="owner"/>, with the values the message speaks of.</summary>
    public Setting(Type owner, string property, params object[] values)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(property);
        ArgumentNullException.ThrowIfNull(values);
        Owner = owner;
        Property = property;
        Values = values;
    }

    /// <summary>Names a property of <typeparamref name="T"/>, with the values the message speaks of.</summary>
    public static Setting Of<T>(string property, params object[] values) => new(typeof(T), property, values);

    /// <summary>The type whose property it is.</summary>
    public Type Owner { get; }

    /// <summary>The property's name.</summary>
    public string Property { get; }

    /// <summary>The values suggested or refused, as alternatives ("quasi-Poisson or negative binomial"); empty when the message names only the setting.</summary>
    public IReadOnlyList<object> Values { get; }

    /// <summary>The property as C# names it, e.g. <c>ItsSpec.Family</c>.</summary>
    public string Name => $"{Owner.Name}.{Property}";

    /// <summary>In the library's terms: <c>ItsSpec.Family = Family.QuasiPoisson or Family.NegativeBinomial</c>, or the property alone.</summary>
    public override string ToString() => Values.Count == 0 ? Name : $"{Name} = {string.Join(" or ", Values.Select(Shown))}";

    private static string Shown(object value) => value switch
    {
        Enum e => $"{e.GetType().Name}.{e}",
        string s => $"\"{s}\"",
        char c => $"'{c}'",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>
/// A message for the user that may name <see cref="Setting"/>s and hold other messages. Shown as
/// it is (<see cref="ToString"/>), it names settings in the library's terms; a front end renders it
/// with its own names for them (<see cref="Render"/>), so each reader sees the settings they set.
/// </summary>
public sealed class UserMessage
{
    private readonly FormattableString _text;

    /// <summary>A message whose arguments may be <see cref="Setting"/>s and <see cref="UserMessage"/>s.</summary>
    public UserMessage(FormattableString text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    /// <summary>A message that names no setting.</summary>
    public static implicit operator UserMessage(string text) => new($"{text}");

    /// <summary>A message that is only the setting.</summary>
    public static implicit operator UserMessage(Setting setting) => new($"{setting}");

    /// <summary>The message with each setting, here and in the messages it holds, written as <paramref name="name"/> writes it.</summary>
    public string Render(Func<Setting, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var arguments = _text.GetArguments().Select(a => a switch
        {
            Setting s => name(s),
            UserMessage m => m.Render(name),
            _ => a,
        }).ToArray();
        return string.Format(CultureInfo.CurrentCulture, _text.Format, arguments);
    }

    /// <summary>The message with settings in the library's terms.</summary>
    public override string ToString() => Render(s => s.ToString());
}
