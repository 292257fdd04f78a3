# presence-sync container image: a Maven build stage and a slim Java 17 runtime.
#
#   docker build -t presence-sync:0.1.0 --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse --short=12 HEAD) .
#
# VERSION and REVISION go into the image's labels and into the jar's manifest, so `version`
# inside the container names them (the build context holds no .git to read the commit from).
#
# Configuration comes from a ConfigMap mounted at /etc/presence-sync, secrets from Secrets mounted
# at /var/run/secrets/presence-sync (see the Helm chart in helm/presence-sync). The process runs
# as the numeric user 10001 and writes only to /tmp, so the root file system can be read-only.
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz.

ARG BUILD_IMAGE=maven:3-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# A repository inside the build directory: the layer below keeps the dependencies, and it is rebuilt
# only when pom.xml changes, not on every source change.
ENV MAVEN_OPTS="-Dmaven.repo.local=/build/.m2/repository"
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src/main ./src/main
# Declared only here, after the dependency layer, so a new commit does not download them again.
# Without VERSION the jar keeps the pom's version; without REVISION it names no commit.
ARG VERSION
ARG REVISION=unknown
# Tests run in CI (mvn verify), not here: the image stage neither compiles nor runs them.
RUN mvn -B -q -Dmaven.test.skip=true -Dgit.commit="${REVISION}" ${VERSION:+-Dapp.version="${VERSION}"} package \
    && cp target/presence-sync.jar target/bom.json /build/

FROM ${RUNTIME_IMAGE}
ARG RUNTIME_IMAGE
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="presence-sync" \
      org.opencontainers.image.description="Microsoft 365 calendar free/busy and Teams call state as simple BUSY/AWAY event presences in a unified-communications presence store" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"

# An unprivileged user with a fixed id (Kubernetes runAsUser / runAsNonRoot check the number),
# and the mount points for the ConfigMap and the Secrets, readable but not writable by it.
RUN groupadd --gid 10001 presence-sync \
    && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home \
       --shell /usr/sbin/nologin presence-sync \
    && mkdir -p /app /etc/presence-sync /var/run/secrets/presence-sync \
    && chmod 0755 /app /etc/presence-sync /var/run/secrets/presence-sync

COPY --from=build --chown=root:root /build/presence-sync.jar /app/presence-sync.jar
# The CycloneDX software bill of materials of the jar (its Java libraries and their versions).
COPY --from=build --chown=root:root /build/bom.json /app/bom.json

USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
# Heap as a share of the container's memory limit (the chart's command sets its own); die on
# OutOfMemoryError so Kubernetes restarts the pod instead of leaving it half alive. Flags on the
# command line, not in JAVA_TOOL_OPTIONS: the JVM would announce that variable on stderr
# ("Picked up JAVA_TOOL_OPTIONS: ..."), a line that is not JSON, ahead of the JSON logs.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/presence-sync.jar"]
CMD ["run", "--config", "/etc/presence-sync/presence-sync.yaml"]
