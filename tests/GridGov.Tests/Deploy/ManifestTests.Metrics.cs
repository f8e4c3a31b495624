using System.Globalization;
using GridGov.Hosting.Telemetry;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace GridGov.Tests.Deploy;

public sealed partial class ManifestTests
{
    /// <summary>Prometheus finds each silo and API pod by its annotations: they must name the port the process serves metrics on.</summary>
    [Fact]
    public void Every_silo_and_api_pod_serves_metrics_on_the_port_its_scrape_annotations_name()
    {
        foreach (var owner in new[] { Silo, Api })
        {
            var template = K8s.Named<V1Deployment>(owner).Spec.Template;
            var container = Container(template);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(ConfigurationOf(container)).Build();

            var telemetry = TelemetrySettings.Load(configuration);

            var annotations = template.Metadata.Annotations ?? new Dictionary<string, string>();
            Assert.Equal("true", annotations.TryGetValue("prometheus.io/scrape", out var scrape) ? scrape : null);
            Assert.Equal(TelemetryHosting.MetricsPath, annotations.TryGetValue("prometheus.io/path", out var path) ? path : null);
            Assert.NotNull(telemetry.MetricsPort);
            Assert.Equal(PortNamed(container, "metrics"), telemetry.MetricsPort);
            Assert.Equal(telemetry.MetricsPort.Value.ToString(CultureInfo.InvariantCulture), annotations.TryGetValue("prometheus.io/port", out var port) ? port : null);
        }
    }
}
