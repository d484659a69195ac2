# The one mirrorctl image (controller, node agents, apply Job) for a registry build: the same
# layout scripts/build-image.sh makes offline with podman (the rootfs comes from the same
# scripts/image-rootfs.sh): node, the CLI bundle, util-linux nsenter/flock, CA certificates; no
# shell, no package manager.
#   docker build -t ghcr.io/mirrorctl/mirrorctl:$(node -p "require('./package.json').version") .
# The base is pinned by digest (node:20-bookworm-slim), never by a moving tag. The digest was taken
# from public Dockerfiles pinning that tag and could not be re-resolved from the machine this file
# was written on (no registry access there): check it before a release with
#   skopeo inspect --raw docker://docker.io/library/node:20-bookworm-slim@sha256:2cf067cf…
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates util-linux \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build-bundle.mjs --outfile /out/mirrorctl.mjs \
 && scripts/image-rootfs.sh /rootfs /out/mirrorctl.mjs

FROM scratch
COPY --from=build /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin
ENTRYPOINT ["/usr/local/bin/node", "/opt/mirrorctl/mirrorctl.mjs"]
