# syntax=docker/dockerfile:1
# One image for every GridGov process: `api` (default), `silo` or `migrate` as the first argument (deploy/entrypoint.sh).
# Build: docker build --target gridgov -t gridgov:<version> .   (k8s/README.md)
# The SDK is the one global.json pins; the runtime is the ASP.NET Core runtime that SDK ships with.

FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
# Restore first, from the project files alone, so a change to the code reuses the restored packages layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/GridGov.Contracts.csproj src/Contracts/
COPY src/Grains/GridGov.Grains.csproj src/Grains/
COPY src/Hosting/GridGov.Hosting.csproj src/Hosting/
COPY src/Silo/GridGov.Silo.csproj src/Silo/
COPY src/Api/GridGov.Api.csproj src/Api/
RUN dotnet restore src/Api/GridGov.Api.csproj && dotnet restore src/Silo/GridGov.Silo.csproj
COPY src/ src/
RUN dotnet publish src/Api/GridGov.Api.csproj -c Release --no-restore -o /out/api \
 && dotnet publish src/Silo/GridGov.Silo.csproj -c Release --no-restore -o /out/silo

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12 AS gridgov
WORKDIR /app
COPY --from=build /out/api /app/api
COPY --from=build /out/silo /app/silo
COPY --chmod=0755 deploy/entrypoint.sh /app/entrypoint.sh
# Embedded mode (a single `docker run`) keeps its SQLite file and generated keys where the non-root user may write.
RUN mkdir -p /home/app/data && chown 1654:1654 /home/app/data
ENV GridGov__DataFolder=/home/app/data \
    ASPNETCORE_HTTP_PORTS=8080
# 8080: the API's HTTP and, when GridGov__HealthPort=8080 is set, a silo's health listener.
# 11111 and 30000: Orleans' silo-to-silo and gateway ports (GridGov:SiloPort, GridGov:GatewayPort defaults).
EXPOSE 8080 9464 11111 30000
# The image's own non-root `app` user, by number so Kubernetes' runAsNonRoot can check it.
USER 1654
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["api"]
