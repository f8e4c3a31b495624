using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridGov.Api.Live;
using GridGov.Hosting;
using GridGov.Tests.Infrastructure;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GridGov.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests and the Dockerfile agree with each other and with the code: selectors find their pods,
/// probes ask paths that answer, every setting the code requires at start is set (by running the code's own start-up
/// configuration on each container's environment), ports and image names match.
/// </summary>
public sealed partial class ManifestTests
{
    private const string Silo = "gridgov-silo";
    private const string Api = "gridgov-api";
    private const string Migrate = "gridgov-migrate";

    /// <summary>Not applied by kustomize: an example of the secrets an operator creates.</summary>
    private const string SecretExample = "secret.example.yaml";

    /// <summary>What the downward API gives a pod, for resolving the manifests' fieldRefs.</summary>
    private static readonly Dictionary<string, string> DownwardApi = new()
    {
        ["metadata.name"] = "gridgov-silo-5c9d7b8f4-x2x7q",
        ["metadata.namespace"] = "gridgov",
        ["status.podIP"] = "10.244.1.17",
    };

    private static Manifests K8s => Manifests.Repository;

    [Fact]
    public void Every_manifest_loads_strictly_and_lives_in_the_gridgov_namespace()
    {
        Assert.NotEmpty(K8s.Files);
        var ns = Assert.Single(K8s.OfType<V1Namespace>());
        foreach (var item in K8s.All.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace))
        {
            Assert.True(item.Metadata.NamespaceProperty == ns.Metadata.Name, $"{item.Kind} {item.Metadata.Name} is in namespace '{item.Metadata.NamespaceProperty}', not {ns.Metadata.Name}.");
        }

        foreach (var kind in new[] { typeof(V1ConfigMap), typeof(V1Secret), typeof(V1Job), typeof(V1Deployment), typeof(V1Service), typeof(V1PodDisruptionBudget), typeof(V2HorizontalPodAutoscaler) })
        {
            Assert.True(K8s.All.Any(kind.IsInstanceOfType), $"k8s/ holds no {kind.Name}.");
        }
    }

    [Fact]
    public void Strict_loading_refuses_a_field_Kubernetes_does_not_know()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata: { a: b }\nreplicas: 3\n";
        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.LoadAllFromString(yaml, strict: true));
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_but_the_secret_example_and_names_the_image()
    {
        var kustomization = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
            .Deserialize<KustomizationFile>(K8s.Read("k8s/kustomization.yaml"));

        Assert.Equal(K8s.Files.Keys.Where(f => f != SecretExample).Order(), kustomization.Resources.Order());
        Assert.Equal("gridgov", kustomization.Namespace);
        Assert.Equal([FinalStage], kustomization.Images.Select(i => i.Name));
    }

    [Fact]
    public void Selectors_of_workloads_services_budgets_and_autoscalers_find_their_pods()
    {
        var deployments = K8s.OfType<V1Deployment>().ToList();
        foreach (var deployment in deployments)
        {
            Assert.True(
                Matches(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels),
                $"Deployment {deployment.Metadata.Name}: its selector does not select its own pods.");
        }

        foreach (var job in K8s.OfType<V1Job>())
        {
            Assert.False(deployments.Any(d => Matches(d.Spec.Selector.MatchLabels, job.Spec.Template.Metadata.Labels)), $"Job {job.Metadata.Name}'s pods would be taken for a Deployment's.");
        }

        foreach (var service in K8s.OfType<V1Service>())
        {
            var target = Assert.Single(deployments, d => Matches(service.Spec.Selector, d.Spec.Template.Metadata.Labels));
            var portNames = target.Spec.Template.Spec.Containers.SelectMany(c => c.Ports).Select(p => p.Name).ToHashSet();
            foreach (var port in service.Spec.Ports)
            {
                Assert.True(portNames.Contains(port.TargetPort.Value), $"Service {service.Metadata.Name} targets port '{port.TargetPort.Value}', which {target.Metadata.Name}'s containers do not name.");
            }
        }

        foreach (var budget in K8s.OfType<V1PodDisruptionBudget>())
        {
            Assert.Single(deployments, d => Matches(budget.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels));
            Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
        }

        foreach (var autoscaler in K8s.OfType<V2HorizontalPodAutoscaler>())
        {
            var target = autoscaler.Spec.ScaleTargetRef;
            Assert.Equal(("apps/v1", "Deployment"), (target.ApiVersion, target.Kind));
            var deployment = Assert.Single(deployments, d => d.Metadata.Name == target.Name);
            Assert.InRange(autoscaler.Spec.MinReplicas ?? 1, 2, autoscaler.Spec.MaxReplicas);
            Assert.Equal(deployment.Spec.Replicas, autoscaler.Spec.MinReplicas);
        }

        // Every workload is covered by one Service, one budget and one autoscaler.
        foreach (var deployment in deployments)
        {
            var labels = deployment.Spec.Template.Metadata.Labels;
            Assert.Single(K8s.OfType<V1Service>(), s => Matches(s.Spec.Selector, labels));
            Assert.Single(K8s.OfType<V1PodDisruptionBudget>(), b => Matches(b.Spec.Selector.MatchLabels, labels));
            Assert.Single(K8s.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == deployment.Metadata.Name);
        }
    }

    [Fact]
    public async Task The_api_probes_ask_paths_the_api_maps()
    {
        await using var factory = new ApiFactory();
        _ = factory.Server;
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToHashSet();

        var api = Container(K8s.Named<V1Deployment>(Api).Spec.Template);
        var paths = Probes(api).Select(p => p.HttpGet.Path).ToList();
        Assert.Contains("/health/ready", paths);
        Assert.Contains("/health/live", paths);
        foreach (var path in paths)
        {
            Assert.True(routes.Contains(path), $"The API's probe asks {path}, which the API does not map.");
        }

        // And they answer, as the kubelet would ask them.
        using var client = factory.CreateClient();
        foreach (var path in paths.Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public void Every_probe_uses_a_named_port_of_its_container_and_a_health_path()
    {
        foreach (var (owner, template) in K8s.PodTemplates)
        {
            foreach (var container in template.Spec.Containers)
            {
                var names = (container.Ports ?? []).Select(p => p.Name).ToHashSet();
                foreach (var probe in Probes(container))
                {
                    Assert.True(names.Contains(probe.HttpGet.Port.Value), $"{owner}: a probe uses port '{probe.HttpGet.Port.Value}', which the container does not name.");
                    Assert.Matches("^/health/(live|ready)$", probe.HttpGet.Path);
                }
            }
        }

        foreach (var deployment in K8s.OfType<V1Deployment>())
        {
            var container = Container(deployment.Spec.Template);
            Assert.Equal("/health/live", container.LivenessProbe?.HttpGet.Path);
            Assert.Equal("/health/ready", container.ReadinessProbe?.HttpGet.Path);
        }
    }

    [Fact]
    public void The_silo_starts_on_its_manifest_environment_advertising_the_pod_ip_on_the_manifest_ports()
    {
        var template = K8s.Named<V1Deployment>(Silo).Spec.Template;
        var container = Container(template);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(ConfigurationOf(container));

        var settings = builder.AddGridGov();

        Assert.Equal(HostingMode.Cluster, settings.Mode);
        Assert.True(settings.HostSilo);
        Assert.False(settings.MigrateOnStart, "Silos must not migrate: the Job does, once, before them.");
        Assert.Equal(IPAddress.Parse(DownwardApi["status.podIP"]), settings.AdvertisedAddress);
        Assert.Equal(PortNamed(container, "silo"), settings.SiloPort);
        Assert.Equal(PortNamed(container, "gateway"), settings.GatewayPort);
        Assert.Equal(PortNamed(container, "health"), settings.HealthPort);
        foreach (var name in new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP" })
        {
            Assert.True(container.Env.Any(e => e.Name == name && e.ValueFrom?.FieldRef is not null), $"The silo does not take {name} from the downward API.");
        }

        // Kubernetes kills the pod after the grace period: the host's own graceful stop must end before that.
        using var host = builder.Build();
        var shutdown = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(shutdown > TimeSpan.FromSeconds(30), $"The silo's shutdown timeout is {shutdown}: the default, not the manifest's.");
        Assert.True(
            TimeSpan.FromSeconds(template.Spec.TerminationGracePeriodSeconds ?? 30) > shutdown,
            $"terminationGracePeriodSeconds {template.Spec.TerminationGracePeriodSeconds} does not leave the silo its {shutdown} to leave the cluster.");
    }

    [Fact]
    public void The_api_starts_on_its_manifest_environment_as_a_client_on_the_manifest_port()
    {
        var container = Container(K8s.Named<V1Deployment>(Api).Spec.Template);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(ConfigurationOf(container));

        var settings = builder.AddGridGov();
        builder.AddGridGovLive();

        Assert.Equal(HostingMode.Cluster, settings.Mode);
        Assert.False(settings.HostSilo, "The API pods join the silos as clients.");
        Assert.Equal(PortNamed(container, "http").ToString(CultureInfo.InvariantCulture), Environment(container)["ASPNETCORE_HTTP_PORTS"]);
    }

    [Fact]
    public void The_migration_job_reads_its_settings_from_its_manifest_environment()
    {
        var container = Container(K8s.Named<V1Job>(Migrate).Spec.Template);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ConfigurationOf(container)).Build();

        var settings = GridGovSettings.Load(configuration);

        Assert.Equal(HostingMode.Cluster, settings.Mode);
        Assert.Equal(["migrate"], container.Args);
    }

    /// <summary>The check above can fail: without the connection string the silo's start-up refuses to configure.</summary>
    [Fact]
    public void A_manifest_missing_a_required_setting_fails_the_start_up_configuration()
    {
        var container = Container(K8s.Named<V1Deployment>(Silo).Spec.Template);
        var configuration = ConfigurationOf(container);
        configuration.Remove("GridGov:Auth:ClusterSecret");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);

        Assert.Throws<GridGovConfigurationException>(() => builder.AddGridGov());
    }

    [Fact]
    public void Container_ports_are_the_dockerfile_s_exposed_ports_and_the_settings_defaults()
    {
        var exposed = K8s.DockerExposedPorts;
        var defaults = GridGovSettings.Load(new ConfigurationBuilder().Build());
        Assert.Contains(defaults.SiloPort, exposed);
        Assert.Contains(defaults.GatewayPort, exposed);
        foreach (var (owner, template) in K8s.PodTemplates)
        {
            foreach (var port in template.Spec.Containers.SelectMany(c => c.Ports ?? []))
            {
                Assert.True(exposed.Contains(port.ContainerPort), $"{owner} uses port {port.ContainerPort}, which the Dockerfile does not EXPOSE.");
            }
        }
    }

    [Fact]
    public void Every_container_runs_the_dockerfile_s_image_with_a_role_its_entrypoint_knows()
    {
        var roles = K8s.EntrypointRoles;
        Assert.Equal(new HashSet<string> { "api", "silo", "migrate" }, roles);
        var expected = new Dictionary<string, string> { [Silo] = "silo", [Api] = "api", [Migrate] = "migrate" };
        foreach (var (owner, template) in K8s.PodTemplates)
        {
            var container = Container(template);
            Assert.True(container.Command is null, $"{owner} overrides the image's entrypoint.");
            Assert.Equal(FinalStage, container.Image.Split(':')[0]);
            Assert.Equal(expected[owner.Split(' ')[1]], container.Args[0]);
        }
    }

    [Fact]
    public void The_dockerfile_pins_its_images_and_runs_as_the_manifests_non_root_user()
    {
        var stages = K8s.DockerStages;
        Assert.Equal(2, stages.Count);
        using var globalJson = JsonDocument.Parse(K8s.Read("global.json"));
        var sdk = globalJson.RootElement.GetProperty("sdk").GetProperty("version").GetString();
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{sdk}", stages[0].Image);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0\.\d+$", stages[1].Image);
        Assert.Matches(new Regex($@"COPY --from={Regex.Escape(stages[0].Stage)} "), K8s.Read("Dockerfile"));

        var user = long.Parse(K8s.DockerUser, CultureInfo.InvariantCulture);
        Assert.NotEqual(0, user);
        foreach (var (owner, template) in K8s.PodTemplates)
        {
            var pod = template.Spec.SecurityContext;
            Assert.True(pod?.RunAsNonRoot == true && pod.RunAsUser == user, $"{owner} does not run as the image's non-root user {user}.");
            foreach (var container in template.Spec.Containers)
            {
                Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{owner}: privilege escalation is allowed.");
                Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"), $"{owner}: no CPU and memory requests.");
                Assert.True(container.Resources.Limits?.ContainsKey("memory") == true, $"{owner}: no memory limit.");
            }
        }
    }

    private static string FinalStage => K8s.DockerStages[^1].Stage;

    private static V1Container Container(V1PodTemplateSpec template) => Assert.Single(template.Spec.Containers);

    private static IEnumerable<V1Probe> Probes(V1Container container) =>
        new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }.OfType<V1Probe>();

    private static int PortNamed(V1Container container, string name) =>
        container.Ports.Single(p => p.Name == name).ContainerPort;

    private static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    /// <summary>
    /// The container's environment as Kubernetes sets it: envFrom ConfigMaps, then env with ConfigMap, Secret (from the
    /// example) and downward-API references resolved and <c>$(VAR)</c> expanded.
    /// </summary>
    private static Dictionary<string, string> Environment(V1Container container)
    {
        var environment = new Dictionary<string, string>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = K8s.Named<V1ConfigMap>(source.ConfigMapRef?.Name ?? throw new InvalidOperationException("Only ConfigMaps are used in envFrom."));
            foreach (var (key, value) in map.Data)
            {
                environment[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable switch
            {
                { Value: { } value } => Regex.Replace(value, @"\$\((\w+)\)", m => environment.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value),
                { ValueFrom.SecretKeyRef: { } secret } => K8s.Named<V1Secret>(secret.Name).StringData[secret.Key],
                { ValueFrom.ConfigMapKeyRef: { } map } => K8s.Named<V1ConfigMap>(map.Name).Data[map.Key],
                { ValueFrom.FieldRef: { } field } => DownwardApi[field.FieldPath],
                _ => throw new InvalidOperationException($"The variable {variable.Name} has no value this test knows how to resolve."),
            };
        }

        return environment;
    }

    /// <summary>The environment as .NET's configuration reads it (<c>__</c> → <c>:</c>; <c>DOTNET_</c> host settings).</summary>
    private static Dictionary<string, string?> ConfigurationOf(V1Container container)
    {
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Environment(container))
        {
            configuration[name.Replace("__", ":", StringComparison.Ordinal)] = value;
            if (name.StartsWith("DOTNET_", StringComparison.Ordinal))
            {
                configuration[name["DOTNET_".Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        return configuration;
    }

    private sealed class KustomizationFile
    {
        public string ApiVersion { get; set; } = "";

        public string Kind { get; set; } = "";

        public string Namespace { get; set; } = "";

        public List<string> Resources { get; set; } = [];

        public List<KustomizationImage> Images { get; set; } = [];
    }

    private sealed class KustomizationImage
    {
        public string Name { get; set; } = "";

        public string NewTag { get; set; } = "";
    }
}
