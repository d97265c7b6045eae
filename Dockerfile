# The `ward` command in a minimal image:
#
#   docker build -t ward .
#   docker run --rm -v "$PWD:/work" ward check .
#
# The first stage compiles the `dist` profile (link-time optimisation,
# stripped); the second holds only that binary and the C runtime, and runs
# as a user without privileges. See docs/ci.md.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --locked --profile dist -p ward
# The module cache and its key, owned by the runtime user and private to it,
# so that volumes mounted there start with the right owner.
RUN mkdir -p /state/.cache/ward/modules /state/.config/ward \
    && chmod -R 700 /state/.cache /state/.config

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/dist/ward /usr/local/bin/ward
# The user's home holds the module cache and its key.
ENV HOME=/var/lib/ward
COPY --from=build --chown=65532:65532 /state/ /var/lib/ward/
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/ward"]
CMD ["check", "."]
