using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace GridGov.Hosting;

/// <summary>
/// Remembers the grain interface type of each interface. Orleans works it out again on every <c>GetGrain</c>, by
/// reading the interface's attributes through reflection and formatting its name; under case intake that was about
/// 5 % of the server's CPU. Registered ahead of Orleans' own providers, this one answers every interface once from
/// them (the same answer Orleans would give) and from memory afterwards.
/// </summary>
public sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    private GrainInterfaceTypeResolver? _resolver;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        if (!_known.TryGetValue(type, out grainInterfaceType))
        {
            _resolver ??= new GrainInterfaceTypeResolver(
                services.GetServices<IGrainInterfaceTypeProvider>().Where(p => !ReferenceEquals(p, this)).ToArray(),
                services.GetRequiredService<TypeConverter>());
            grainInterfaceType = _known.GetOrAdd(type, _resolver.GetGrainInterfaceType(type));
        }

        return true;
    }

    /// <summary>Registers the cache ahead of the interface type providers already registered (Orleans' own).</summary>
    public static void AddTo(IServiceCollection services)
    {
        var first = services.ToList().FindIndex(d => d.ServiceType == typeof(IGrainInterfaceTypeProvider));
        var cache = ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, CachedGrainInterfaceTypes>();
        if (first < 0)
        {
            services.Add(cache);
        }
        else
        {
            services.Insert(first, cache);
        }
    }
}
