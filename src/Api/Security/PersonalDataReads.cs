using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridGov.Api.Security;

/// <summary>
/// Reads that return personal data (a household's residents, a case and its reporter, a Party member's contact) are
/// written to the audit log: one line per data subject the answer names (<c>household:{id}</c>, <c>case:{id}</c>,
/// <c>member:{id}</c>), with the caller and the purpose the caller states in the <c>X-Purpose</c> header. Keys of
/// role <c>app</c> must state one; staff may (it is recorded when sent). The line is queued, not waited for: a read
/// costs no database round trip (<see cref="AuditLog"/> says what a crash can lose); a full queue refuses the read.
/// </summary>
public static class PersonalDataReads
{
    public const string PurposeHeader = "X-Purpose";

    /// <summary>The longest purpose kept: a sentence, such as a case or ticket reference and a reason.</summary>
    public const int MaxPurposeLength = 200;

    /// <summary>
    /// Declares the endpoint a personal-data read: its metadata (with the action its audit lines name) and the
    /// X-Purpose header in the OpenAPI document. The handler records its reads itself (<see cref="Record(HttpContext, CallerContext, string?, string)"/>);
    /// <see cref="AuditsPersonalData{TView}"/> records them from the handler's answer instead.
    /// </summary>
    public static RouteHandlerBuilder DeclaresPersonalData(this RouteHandlerBuilder builder)
    {
        var read = new PersonalDataRead();
        builder
            .WithMetadata(read)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = PurposeHeader,
                    In = ParameterLocation.Header,
                    Description = $"Why the caller reads this personal data, recorded in the audit log with the read: required from keys of role app, optional for staff; 1 to {MaxPurposeLength} printable characters.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = MaxPurposeLength },
                });
                return Task.CompletedTask;
            })
            // Once the route is whole (its group's prefix included): the action every line of this endpoint names.
            .Finally(endpoint => read.Action =
                $"{endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods.FirstOrDefault() ?? "GET"} {(endpoint as RouteEndpointBuilder)?.RoutePattern.RawText}");
        return builder;
    }

    /// <summary>
    /// Audits the endpoint's successful answers of type <typeparamref name="TView"/> as personal-data reads of the
    /// subjects <paramref name="subjects"/> names (an answer naming none writes no line).
    /// </summary>
    public static RouteHandlerBuilder AuditsPersonalData<TView>(this RouteHandlerBuilder builder, Func<TView, IEnumerable<string>> subjects) =>
        builder
            .DeclaresPersonalData()
            .AddEndpointFilterFactory((factory, next) =>
            {
                var audit = factory.ApplicationServices.GetRequiredService<AuditLog>();
                var time = factory.ApplicationServices.GetRequiredService<TimeProvider>();
                return async context =>
                {
                    var http = context.HttpContext;
                    var caller = http.Caller();
                    var purpose = Purpose(http.Request, caller);
                    var result = await next(context);
                    var inner = result;
                    while (inner is INestedHttpResult nested)
                    {
                        inner = nested.Result;
                    }

                    if (inner is IValueHttpResult { Value: TView view } && (inner as IStatusCodeHttpResult)?.StatusCode is null or (>= 200 and < 300))
                    {
                        foreach (var subject in subjects(view))
                        {
                            Record(audit, time, http, caller, (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK, subject, purpose);
                        }
                    }

                    return result;
                };
            });

    /// <summary>
    /// Records a successful read of <paramref name="subject"/>'s personal data by a handler of an endpoint that
    /// <see cref="DeclaresPersonalData"/> (checking <paramref name="purpose"/> with <see cref="Purpose"/> before it
    /// reads). For the hottest reads (a case by its id): an endpoint without filters skips the filter pipeline.
    /// </summary>
    public static void Record(HttpContext http, CallerContext caller, string? purpose, string subject) => Record(
        http.RequestServices.GetRequiredService<AuditLog>(), http.RequestServices.GetRequiredService<TimeProvider>(),
        http, caller, StatusCodes.Status200OK, subject, purpose);

    /// <summary>The X-Purpose header, checked: required from apps, at most <see cref="MaxPurposeLength"/> printable characters.</summary>
    public static string? Purpose(HttpRequest request, CallerContext caller)
    {
        var value = request.Headers[PurposeHeader].ToString().Trim();
        if (value.Length == 0)
        {
            return caller.Role == Roles.App
                ? throw DomainException.Invalid(PurposeHeader, $"An app reading personal data states why in the {PurposeHeader} header (1 to {MaxPurposeLength} printable characters).")
                : null;
        }

        return value.Length > MaxPurposeLength || value.Any(char.IsControl)
            ? throw DomainException.Invalid(PurposeHeader, $"The {PurposeHeader} header is 1 to {MaxPurposeLength} printable characters.")
            : value;
    }

    private static void Record(AuditLog audit, TimeProvider time, HttpContext http, CallerContext caller, int status, string subject, string? purpose)
    {
        var action = http.GetEndpoint()?.Metadata.GetMetadata<PersonalDataRead>()?.Action ?? $"{http.Request.Method} {http.Request.Path}";
        var entity = subject[(subject.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var district = entity.Length >= DistrictCode.Length && TerritoryCode.IsValid(DistrictCode.Of(entity)) ? DistrictCode.Of(entity) : caller.DistrictFilter;
        var entry = new AuditEntry(
            time.GetUtcNow(), caller.Subject, caller.Role, caller.Scope, district, action, entity, status,
            http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier, StaffId: caller.StaffId, DataSubject: subject, Purpose: purpose);
        if (!audit.TryAppend(entry))
        {
            // The audit log's database is behind or away: a read it cannot record is not served (a 503 the client retries).
            throw new TimeoutException("The audit log is not keeping up; the personal-data read is refused until it does.");
        }
    }

    /// <summary>Marks an endpoint whose answers carry personal data (and are audited as reads), with the action its lines name.</summary>
    public sealed class PersonalDataRead
    {
        /// <summary>The method and route pattern, e.g. <c>GET /api/v1/cases/{id}</c>: made once, not per read.</summary>
        public string? Action { get; internal set; }
    }
}
