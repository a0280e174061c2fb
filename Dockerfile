# syntax=docker/dockerfile:1
# Concord: build a static binary, then run it on a small Debian image that also
# carries PostgreSQL's server binaries, so the embedded default works when no
# CONCORD_DATABASE_URL is given. (Written with care; no Docker engine runs where
# Concord is developed, so this file is not built in CI.)

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/concord ./cmd/concord

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/concord concord
COPY --from=build /out/concord /usr/local/bin/concord
ENV PATH="/usr/lib/postgresql/15/bin:${PATH}" \
    CONCORD_ADDR=0.0.0.0:8080 \
    CONCORD_DATA_DIR=/var/lib/concord/data
USER concord
WORKDIR /var/lib/concord
VOLUME /var/lib/concord/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["concord"]
CMD ["serve"]
