# carebot container image: a static Go binary on distroless (no shell, no package
# manager), running as the unprivileged user nonroot (UID/GID 65532).
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t carebot .

FROM golang:1.26 AS build
WORKDIR /src

# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/carebot ./cmd/carebot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/carebot /carebot
USER nonroot:nonroot
# /healthz, /readyz, /metrics (CAREBOT_HTTP_ADDR, default :8080). Slack needs no inbound
# port: Socket Mode connects out.
EXPOSE 8080
ENTRYPOINT ["/carebot"]
CMD ["run"]
